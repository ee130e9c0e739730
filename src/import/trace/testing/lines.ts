/** Builders for hand-made trace lines in QEMU's log-backend format (tests only). */
export const VDEV = '0x55d0c0de1000';
export const VQ = '0x55d0c0de2000';
export const VQ1 = '0x55d0c0de3000';

let clock = 1_700_000_000_000_000;
/** Prefix `<tid>@<sec>.<usec>:`, advancing `us` microseconds each line. */
export const stamp = (us = 10, tid = 4242) => {
  clock += us;
  const sec = Math.floor(clock / 1e6);
  return `${tid}@${sec}.${String(clock % 1e6).padStart(6, '0')}:`;
};

export const L = {
  status: (val: number, vdev = VDEV) => `virtio_set_status vdev ${vdev} val ${val}`,
  reset: (vdev = VDEV) => `virtio_set_status vdev ${vdev} val 0`,
  kick: (n = 0, vq = VQ, vdev = VDEV) => `virtio_queue_notify vdev ${vdev} n ${n} vq ${vq}`,
  alloc: (elem: string, inNum = 2, outNum = 1) =>
    `virtqueue_alloc_element elem ${elem} size 240 in_num ${inNum} out_num ${outNum}`,
  pop: (elem: string, inNum = 2, outNum = 1, vq = VQ) =>
    `virtqueue_pop vq ${vq} elem ${elem} in_num ${inNum} out_num ${outNum}`,
  read: (req: string, sector: number, nsectors = 8, vdev = VDEV) =>
    `virtio_blk_handle_read vdev ${vdev} req ${req} sector ${sector} nsectors ${nsectors}`,
  write: (req: string, sector: number, nsectors = 8, vdev = VDEV) =>
    `virtio_blk_handle_write vdev ${vdev} req ${req} sector ${sector} nsectors ${nsectors}`,
  multi: (num: number, offset: number, size: number, isWrite = 0, vdev = VDEV) =>
    `virtio_blk_submit_multireq vdev ${vdev} mrb 0x7ffd11b2b240 start 0 num_reqs ${num} offset ${offset} size ${size} is_write ${isWrite}`,
  rw: (req: string, ret = 0, vdev = VDEV) => `virtio_blk_rw_complete vdev ${vdev} req ${req} ret ${ret}`,
  done: (req: string, status = 0, vdev = VDEV) => `virtio_blk_req_complete vdev ${vdev} req ${req} status ${status}`,
  fill: (elem: string, len = 4097, idx = 0, vq = VQ) => `virtqueue_fill vq ${vq} elem ${elem} len ${len} idx ${idx}`,
  flush: (count = 1, vq = VQ) => `virtqueue_flush vq ${vq} count ${count}`,
  irq: (vq = VQ, vdev = VDEV) => `virtio_notify_irqfd vdev ${vdev} vq ${vq}`,
  /** The main loop's interrupt path (QEMU 10.2 uses it from IOThreads too). */
  notify: (vq = VQ, vdev = VDEV) => `virtio_notify vdev ${vdev} vq ${vq}`,
};

/** A whole read: pop, handle, I/O done, complete, fill, flush (QEMU's virtqueue_push). */
export const readRequest = (elem: string, sector: number, vq = VQ) => [
  L.alloc(elem),
  L.pop(elem, 2, 1, vq),
  L.read(elem, sector),
  L.rw(elem),
  L.done(elem),
  L.fill(elem, 4097, 0, vq),
  L.flush(1, vq),
];

export const withStamps = (lines: string[]) => lines.map((l) => stamp() + l);
export const text = (lines: string[]) => lines.join('\n') + '\n';
