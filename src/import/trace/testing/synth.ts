/**
 * A synthetic trace shaped like the samples' (tests and benchmarks): rounds of `depth` reads popped on one kick,
 * then completed in order, each completion interrupting. Produced in chunks so a million lines never sit in
 * one string.
 */
export interface SynthCounts {
  lines: number;
  requests: number;
  kicks: number;
  interrupts: number;
}

export function* synthTrace(targetLines: number, depth = 32, linesPerChunk = 20_000): Generator<string, SynthCounts> {
  const vdev = '0x5600c0de1f80';
  const vq = '0x5600c0de2a70';
  let sec = 1_795_614_894;
  let usec = 0;
  const stamp = () => {
    usec += 3;
    if (usec >= 1e6) {
      usec -= 1e6;
      sec++;
    }
    return `17998@${sec}.${String(usec).padStart(6, '0')}:`;
  };
  const counts: SynthCounts = { lines: 0, requests: 0, kicks: 0, interrupts: 0 };
  let chunk: string[] = [];
  const emit = (line: string) => {
    chunk.push(stamp() + line);
    counts.lines++;
  };
  emit(`virtio_set_status vdev ${vdev} val 0`);
  emit(`virtio_set_status vdev ${vdev} val 15`);
  let sector = 0;
  const roundLines = 1 + depth * 9;
  while (counts.lines + roundLines <= targetLines) {
    emit(`virtio_queue_notify vdev ${vdev} n 0 vq ${vq}`);
    counts.kicks++;
    const elems: string[] = [];
    for (let i = 0; i < depth; i++) {
      const elem = `0x5600c1b${(0x12000 + i * 0x140).toString(16)}`;
      elems.push(elem);
      emit(`virtqueue_alloc_element elem ${elem} size 240 in_num 2 out_num 1`);
      emit(`virtqueue_pop vq ${vq} elem ${elem} in_num 2 out_num 1`);
      emit(`virtio_blk_handle_read vdev ${vdev} req ${elem} sector ${sector} nsectors 8`);
      sector = (sector + 8) % 16384;
      counts.requests++;
    }
    for (const elem of elems) {
      emit(`virtio_blk_rw_complete vdev ${vdev} req ${elem} ret 0`);
      emit(`virtio_blk_req_complete vdev ${vdev} req ${elem} status 0`);
      emit(`virtqueue_fill vq ${vq} elem ${elem} len 4097 idx 0`);
      emit(`virtqueue_flush vq ${vq} count 1`);
      emit(`virtio_notify_irqfd vdev ${vdev} vq ${vq}`);
      counts.interrupts++;
    }
    if (chunk.length >= linesPerChunk) {
      yield chunk.join('\n') + '\n';
      chunk = [];
    }
  }
  // Pad up to the exact count with data-plane events (known, touching no queue).
  while (counts.lines < targetLines) emit(`virtio_blk_data_plane_start dataplane 0x5600c1b06310`);
  if (chunk.length) yield chunk.join('\n') + '\n';
  return counts;
}
