import type { SourceTree, StepEvent, StepRecord } from '../../engine/step';

/**
 * Our own short pseudocode for each real Linux and QEMU function the engine plays out, with a matcher per line
 * that says which steps that line stands for. Written for learners from what the functions do; not the source.
 */

export type LineMatcher = (r: StepRecord) => boolean;

export interface PseudoLine {
  code: string;
  at?: LineMatcher;
}

export interface PseudoFunction {
  fn: string;
  source: SourceTree;
  /** The real file, relative to the tree's root. */
  file: string;
  lines: PseudoLine[];
}

type EventType = StepEvent['type'];

const wrote =
  (re: RegExp): LineMatcher =>
  (r) =>
    r.kind === 'write' && re.test(r.explain);
const barrier: LineMatcher = (r) => r.kind === 'barrier';
const event =
  (type: EventType): LineMatcher =>
  (r) =>
    r.events.some((e) => e.type === type);
const error =
  (...kinds: string[]): LineMatcher =>
  (r) =>
    r.events.some((e) => e.type === 'error' && (kinds.length === 0 || kinds.includes(e.error.kind)));
const said =
  (re: RegExp): LineMatcher =>
  (r) =>
    re.test(r.explain);

const L = (code: string, at?: LineMatcher): PseudoLine => (at ? { code, at } : { code });

const RING = 'drivers/virtio/virtio_ring.c';
const PCI = 'drivers/virtio/virtio_pci_common.c';
const BLK = 'drivers/block/virtio_blk.c';
const QVIRTIO = 'hw/virtio/virtio.c';
const QBLK = 'hw/block/virtio-blk.c';

const linux = (fn: string, file: string, lines: PseudoLine[]): PseudoFunction => ({ fn, source: 'linux', file, lines });
const qemu = (fn: string, file: string, lines: PseudoLine[]): PseudoFunction => ({ fn, source: 'qemu', file, lines });

const KICK_PREPARE: PseudoLine[] = [
  L('virtio_mb()   # publish avail.idx before reading the device\u2019s wish', barrier),
  L('old = vq.avail_idx_shadow - vq.num_added'),
  L('new = vq.avail_idx_shadow'),
  L('vq.num_added = 0'),
  L('if vq.event:'),
  L('    needs_kick = vring_need_event(avail_event, new, old)', said(/vring_need_event/)),
  L('else:'),
  L('    needs_kick = not (used.flags & VRING_USED_F_NO_NOTIFY)', said(/NO_NOTIFY/)),
  L('return needs_kick'),
];

const FUNCTIONS: PseudoFunction[] = [
  // ---- Linux: the block driver (drivers/block/virtio_blk.c)
  linux('virtio_queue_rq', BLK, [
    L('virtio_queue_rq(hctx, bd):'),
    L('    status = virtblk_prep_rq(hctx, vblk, req, vbr)'),
    L('    lock(vq)'),
    L('    err = virtblk_add_req(vq, vbr)'),
    L('    if err:'),
    L('        virtqueue_kick(vq)'),
    L('        if err == -ENOSPC: blk_mq_stop_hw_queue(hctx)   # wait for completions', event('ring-full')),
    L('        return BLK_STS_DEV_RESOURCE'),
    L('    if bd.last and virtqueue_kick_prepare(vq): notify = true'),
    L('    unlock(vq)'),
    L('    if notify: virtqueue_notify(vq)'),
    L('    # a misbehaving guest: the injected fault\u2019s stray store', (r) => r.kind === 'write'),
  ]),
  linux('virtblk_prep_rq', BLK, [
    L('virtblk_prep_rq(hctx, vblk, req, vbr):'),
    L('    status = virtblk_setup_cmd(vdev, req, vbr)'),
    L('    vbr.sg_table.nents = virtblk_map_data(hctx, req, vbr)   # the request\u2019s data pages', wrote(/data/)),
    L('    blk_mq_start_request(req)'),
  ]),
  linux('virtblk_setup_cmd', BLK, [
    L('virtblk_setup_cmd(vdev, req, vbr):'),
    L('    type = IN | OUT | FLUSH | GET_ID | DISCARD | WRITE_ZEROES   # from the block op'),
    L('    sector = blk_rq_pos(req) if type is IN or OUT else 0'),
    L('    vbr.out_hdr = { type, ioprio: req_get_ioprio(req), sector }', wrote(/out_hdr/)),
  ]),
  linux('virtblk_add_req', BLK, [
    L('virtblk_add_req(vq, vbr):'),
    L('    sgs = [ &vbr.out_hdr ]                 # device reads'),
    L('    if data: sgs += [ data ]               # reads it (write) or writes it (read)'),
    L('    sgs += [ &vbr.in_hdr ]                 # device writes the status byte'),
    L('    return virtqueue_add_sgs(vq, sgs, num_out, num_in, vbr)'),
  ]),
  linux('virtblk_done', BLK, [
    L('virtblk_done(vq):                         # the queue\u2019s callback'),
    L('    lock(vblk.vqs[qid])'),
    L('    repeat:'),
    L('        virtqueue_disable_cb(vq)'),
    L('        while (vbr = virtqueue_get_buf(vq, &len)):'),
    L('            blk_mq_complete_request(vbr.req)   # \u2192 virtblk_request_done'),
    L('    until virtqueue_enable_cb(vq)          # no new used entries arrived meanwhile'),
    L('    unlock(vblk.vqs[qid])'),
    L('    if any completed: blk_mq_start_stopped_hw_queues(q, true)'),
  ]),
  linux('virtblk_request_done', BLK, [
    L('virtblk_request_done(req):'),
    L('    status = vbr.in_hdr.status              # the byte the device wrote'),
    L('    blk_mq_end_request(req, virtblk_result(status))', event('completed')),
  ]),

  // ---- Linux: the ring (drivers/virtio/virtio_ring.c)
  linux('virtqueue_add_split', RING, [
    L('virtqueue_add_split(vq, sgs, total_sg, out_sgs, in_sgs, data):'),
    L('    if vq.broken: return -EIO'),
    L('    head = vq.free_head'),
    L('    if vq.indirect and total_sg > 1 and vq.num_free:'),
    L('        table = alloc_indirect_split(vq, total_sg); descs_used = 1'),
    L('    else: table = ring descriptors; descs_used = total_sg'),
    L('    if vq.num_free < descs_used:'),
    L(
      '        if out_sgs: vq.notify(vq)           # forced notify "for historical reasons": vp_notify, not virtqueue_notify',
    ),
    L('        return -ENOSPC'),
    L('    for each sg, device-readable ones first:'),
    L('        i = virtqueue_add_desc_split(table, i, sg.addr, sg.len, NEXT [| WRITE])'),
    L('    last descriptor: flags &= ~NEXT        # the chain ends here', wrote(/flags = /)),
    L('    if table is indirect: ring desc[head] = { table, total_sg * 16, INDIRECT }'),
    L('    vq.num_free -= descs_used; vq.free_head = i'),
    L('    vq.desc_state[head].data = data'),
    L('    slot = vq.avail_idx_shadow & (vq.num - 1)'),
    L('    avail.ring[slot] = head', wrote(/avail\.ring\[/)),
    L('    virtio_wmb()   # descriptors and ring entry before the index', barrier),
    L('    vq.avail_idx_shadow += 1'),
    L('    avail.idx = vq.avail_idx_shadow        # now the device may see it', wrote(/avail\.idx = /)),
    L('    vq.num_added += 1'),
    L('    if vq.num_added == 0xffff: virtqueue_kick(vq)'),
  ]),
  linux('virtqueue_add_desc_split', RING, [
    L('virtqueue_add_desc_split(vq, desc, i, addr, len, flags):'),
    L('    desc[i].flags = flags', wrote(/: flags = /)),
    L('    desc[i].addr = addr', wrote(/: addr = /)),
    L('    desc[i].len = len', wrote(/: len = /)),
    L('    next = vq.desc_extra[i].next           # the free list\u2019s link'),
    L('    desc[i].next = next', wrote(/: next = /)),
    L('    return next'),
  ]),
  linux('alloc_indirect_split', RING, [
    L('alloc_indirect_split(vq, total_sg):'),
    L('    table = kmalloc(total_sg * sizeof(vring_desc))'),
    L('    for i in 0 .. total_sg - 1:'),
    L('        table[i].next = i + 1              # pre-linked in order', wrote(/next = /)),
    L('    return table'),
  ]),
  linux('virtqueue_kick_prepare_split', RING, [L('virtqueue_kick_prepare_split(vq):'), ...indent(KICK_PREPARE)]),
  linux('virtqueue_kick_prepare', RING, [
    L('virtqueue_kick_prepare(vq):             # split ring: virtqueue_kick_prepare_split'),
    ...indent(KICK_PREPARE),
  ]),
  linux('virtqueue_notify', RING, [
    L('virtqueue_notify(vq):'),
    L('    if vq.broken: return false'),
    L(
      '    if not vq.notify(vq):                  # vp_notify: the transport writes the queue\u2019s doorbell',
      event('kick'),
    ),
    L('        vq.broken = true; return false'),
    L('    return true'),
  ]),
  linux('vp_notify', PCI, [
    L('vp_notify(vq):                           # vq->notify for virtio-pci'),
    L('    iowrite16(vq.index, vq.priv)            # the queue\u2019s doorbell: a trap into the device', event('kick')),
    L('    return true'),
  ]),
  linux('virtqueue_kick', RING, [
    L('virtqueue_kick(vq):'),
    L('    if virtqueue_kick_prepare(vq):'),
    L('        return virtqueue_notify(vq)', event('kick')),
    L('    return true'),
  ]),
  linux('vring_interrupt', RING, [
    L('vring_interrupt(irq, vq):'),
    L('    if not more_used(vq): return IRQ_NONE  # last_used_idx == used.idx'),
    L('    if vq.broken: return IRQ_HANDLED'),
    L('    vq.callback(vq)                         # virtio-blk: virtblk_done'),
    L('    return IRQ_HANDLED'),
  ]),
  linux('virtqueue_get_buf_ctx_split', RING, [
    L('virtqueue_get_buf_ctx_split(vq, &len):'),
    L('    if vq.broken: return NULL'),
    L('    if vq.last_used_idx == used.idx: return NULL'),
    L('    virtio_rmb()   # used.idx before the element it covers', barrier),
    L('    slot = vq.last_used_idx & (vq.num - 1)'),
    L('    id = used.ring[slot].id; len = used.ring[slot].len'),
    L('    if id >= vq.num: BAD_RING("id out of range")', error('used-id-out-of-range')),
    L('    if not vq.desc_state[id].data: BAD_RING("not a head")', error('used-id-not-head')),
    L('    data = vq.desc_state[id].data'),
    L('    detach_buf_split(vq, id)'),
    L('    vq.last_used_idx += 1'),
    L('    if interrupts wanted: used_event = vq.last_used_idx; virtio_mb()', wrote(/used_event = /)),
    L('    return data'),
  ]),
  linux('virtqueue_get_buf', RING, [
    L('virtqueue_get_buf(vq, &len):'),
    L('    return virtqueue_get_buf_ctx_split(vq, &len, NULL)   # for a split ring'),
  ]),
  linux('detach_buf_split', RING, [
    L('detach_buf_split(vq, head):'),
    L('    vq.desc_state[head].data = NULL'),
    L('    i = head'),
    L('    while desc[i].flags & NEXT:'),
    L('        i = vq.desc_extra[i].next; vq.num_free += 1'),
    L('    vq.desc_extra[i].next = vq.free_head   # splice the chain onto the free list'),
    L('    vq.free_head = head'),
    L('    vq.num_free += 1'),
    L('    if the chain used an indirect table: kfree(table)'),
  ]),
  linux('virtqueue_disable_cb_split', RING, [
    L('virtqueue_disable_cb_split(vq):'),
    L('    if not (vq.avail_flags_shadow & NO_INTERRUPT):'),
    L('        vq.avail_flags_shadow |= NO_INTERRUPT'),
    L('        if vq.event_triggered: return        # the device interrupted already and will not again'),
    L('        if vq.event: used_event = 0          # a hint only; the device may ignore it', wrote(/used_event/)),
    L('        else: avail.flags = vq.avail_flags_shadow', wrote(/avail\.flags/)),
  ]),
  linux('virtqueue_disable_cb', RING, [
    L('virtqueue_disable_cb(vq):'),
    L('    virtqueue_disable_cb_split(vq)         # for a split ring', wrote(/./)),
  ]),
  linux('virtqueue_enable_cb_prepare_split', RING, [
    L('virtqueue_enable_cb_prepare_split(vq):'),
    L('    if vq.avail_flags_shadow & NO_INTERRUPT:'),
    L('        vq.avail_flags_shadow &= ~NO_INTERRUPT'),
    L('        if not vq.event: avail.flags = vq.avail_flags_shadow', wrote(/avail\.flags/)),
    L('    used_event = vq.last_used_idx           # interrupt me after this one', wrote(/used_event = /)),
    L('    return vq.last_used_idx'),
  ]),
  linux('virtqueue_poll', RING, [
    L('virtqueue_poll(vq, last_used_idx):'),
    L('    virtio_mb()   # the enable write before re-reading used.idx', barrier),
    L('    return last_used_idx != used.idx        # true: more arrived, poll again'),
  ]),
  linux('virtqueue_enable_cb', RING, [
    L('virtqueue_enable_cb(vq):'),
    L('    opaque = virtqueue_enable_cb_prepare(vq)', wrote(/./)),
    L('    return not virtqueue_poll(vq, opaque)', barrier),
  ]),

  // ---- QEMU: the virtqueue (hw/virtio/virtio.c)
  qemu('virtqueue_split_pop', QVIRTIO, [
    L('virtqueue_split_pop(vq, sz):'),
    L('    if virtio_queue_empty_rcu(vq): return NULL   # reads avail.idx into shadow_avail_idx'),
    L('    smp_rmb()   # avail.idx before the ring entries it covers', barrier),
    L('    if vq.inuse >= vq.vring.num: virtio_error("Virtqueue size exceeded")', error('queue-size-exceeded')),
    L('    head = avail.ring[vq.last_avail_idx++ % vq.vring.num]', error('head-out-of-range', 'avail-idx-jump')),
    L('    if EVENT_IDX: avail_event = vq.last_avail_idx', wrote(/avail_event/)),
    L('    desc = desc[head]'),
    L(
      '    if desc.flags & INDIRECT: walk the indirect table instead',
      error(
        'indirect-nested',
        'indirect-with-next',
        'indirect-bad-size',
        'indirect-empty',
        'indirect-not-negotiated',
        'cannot-map-indirect',
      ),
    ),
    L('    repeat:                                # every descriptor of the chain'),
    L(
      '        map desc.addr/len into in_sg (WRITE) or out_sg',
      error('incorrect-order', 'zero-sized-buffer', 'too-many-segments', 'bogus-descriptor', 'memory-out-of-bounds'),
    ),
    L(
      '    until virtqueue_split_read_next_desc(...) says done',
      error('looped-descriptor', 'desc-next-out-of-range', 'chain-too-long'),
    ),
    L('    elem = { index: head, in_sg, out_sg }'),
    L('    vq.inuse += 1', event('popped')),
    L('    return elem'),
  ]),
  qemu('virtqueue_pop', QVIRTIO, [
    L('virtqueue_pop(vq, sz):'),
    L('    if virtio_device_disabled(vdev): return NULL   # broken until reset'),
    L('    return virtqueue_split_pop(vq, sz)       # the whole chain, as one element', event('popped')),
  ]),
  qemu('virtqueue_split_read_next_desc', QVIRTIO, [
    L('virtqueue_split_read_next_desc(vdev, desc, max, &next):'),
    L('    if not (desc.flags & NEXT): return DONE'),
    L('    next = desc.next'),
    L('    smp_wmb()   # take next once; the guest may change it', barrier),
    L('    if next >= max: virtio_error("Desc next is %u")', error('desc-next-out-of-range')),
    L('    desc = read descriptor next'),
    L('    return MORE'),
  ]),
  qemu('virtqueue_num_heads', QVIRTIO, [
    L('virtqueue_num_heads(vq, idx):'),
    L('    num_heads = avail.idx - idx            # 16-bit arithmetic'),
    L('    if num_heads > vq.vring.num: virtio_error("Guest moved used index from %u to %u")', error('avail-idx-jump')),
    L('    if num_heads: smp_rmb()   # ring entries after avail.idx', barrier),
    L('    return num_heads'),
  ]),
  qemu('virtio_queue_set_notification', QVIRTIO, [
    L('virtio_queue_set_notification(vq, enable):'),
    L('    vq.notification = enable'),
    L('    if vq.vring.desc: virtio_queue_split_set_notification(vq, enable)'),
  ]),
  qemu('virtio_queue_split_set_notification', QVIRTIO, [
    L('virtio_queue_split_set_notification(vq, enable):'),
    L('    if EVENT_IDX: avail_event = avail.idx     # kick me once you pass this', wrote(/avail_event = /)),
    L('    elif enable: used.flags &= ~VRING_USED_F_NO_NOTIFY', wrote(/used\.flags = \d+$/)),
    L('    else: used.flags |= VRING_USED_F_NO_NOTIFY', wrote(/NO_NOTIFY/)),
    L('    if enable: smp_mb()   # the write before the caller re-reads avail.idx', barrier),
  ]),
  qemu('virtqueue_split_fill', QVIRTIO, [
    L('virtqueue_split_fill(vq, elem, len, idx):'),
    L('    slot = (vq.used_idx + idx) % vq.vring.num'),
    L('    used.ring[slot].id = elem.index', wrote(/\]\.id = /)),
    L('    used.ring[slot].len = len              # bytes the device wrote', wrote(/\]\.len = /)),
  ]),
  qemu('virtqueue_split_flush', QVIRTIO, [
    L('virtqueue_split_flush(vq, count):'),
    L('    smp_wmb()   # used elements before used.idx', barrier),
    L('    old = vq.used_idx; new = old + count'),
    L('    used.idx = new                         # now the driver may see them', wrote(/used\.idx = /)),
    L('    vq.used_idx = new; vq.inuse -= count'),
    L('    if (new - vq.signalled_used) < (new - old): vq.signalled_used_valid = false'),
  ]),
  qemu('virtqueue_fill', QVIRTIO, [
    L('virtqueue_fill(vq, elem, len, idx):'),
    L('    virtqueue_split_fill(vq, elem, len, idx)', wrote(/./)),
  ]),
  qemu('virtqueue_flush', QVIRTIO, [
    L('virtqueue_flush(vq, count):'),
    L('    virtqueue_split_flush(vq, count)', wrote(/./)),
  ]),
  qemu('virtqueue_push', QVIRTIO, [
    L('virtqueue_push(vq, elem, len):'),
    L('    virtqueue_fill(vq, elem, len, 0)', wrote(/used\.ring/)),
    L('    virtqueue_flush(vq, 1)', (r) => barrier(r) || wrote(/used\.idx/)(r)),
  ]),
  qemu('virtio_split_should_notify', QVIRTIO, [
    L('virtio_split_should_notify(vdev, vq):'),
    L('    smp_mb()   # used.idx before reading the guest\u2019s wishes', barrier),
    L('    if NOTIFY_ON_EMPTY and vq.inuse == 0 and the avail ring is empty: return true'),
    L('    if not EVENT_IDX: return not (avail.flags & VRING_AVAIL_F_NO_INTERRUPT)'),
    L('    valid = vq.signalled_used_valid; vq.signalled_used_valid = true'),
    L('    old = vq.signalled_used; new = vq.signalled_used = vq.used_idx'),
    L('    return not valid or vring_need_event(used_event, new, old)'),
  ]),
  qemu('virtio_notify', QVIRTIO, [
    L('virtio_notify(vdev, vq):'),
    L('    if not virtio_should_notify(vdev, vq): return', event('interrupt-suppressed')),
    L(
      '    virtio_irq(vq)                         # raise the queue\u2019s interrupt (MSI-X or ISR)',
      event('interrupt'),
    ),
  ]),
  qemu('virtio_notify_irqfd', QVIRTIO, [
    L('virtio_notify_irqfd(vdev, vq):            # from an IOThread: no BQL, so no MSI-X path'),
    L('    if not virtio_should_notify(vdev, vq): return', event('interrupt-suppressed')),
    L('    virtio_set_isr(vdev, 0x1)'),
    L('    event_notifier_set(&vq.guest_notifier)  # the irqfd: KVM injects the interrupt', event('interrupt')),
  ]),
  qemu('virtio_notify_config', QVIRTIO, [
    L('virtio_notify_config(vdev):'),
    L('    if not (vdev.status & DRIVER_OK): return'),
    L('    vdev.isr |= 0x02; vdev.generation += 1'),
    L('    virtio_notify_vector(vdev, vdev.config_vector)', (r) => r.kind === 'action'),
  ]),

  // ---- QEMU: virtio-blk (hw/block/virtio-blk.c)
  qemu('virtio_blk_handle_output', QBLK, [
    L('virtio_blk_handle_output(vdev, vq):        # the kick lands here'),
    L('    if dataplane configured and not started: start it; return'),
    L('    virtio_blk_handle_vq(s, vq)'),
  ]),
  qemu('virtio_blk_handle_vq', QBLK, [
    L('virtio_blk_handle_vq(s, vq):'),
    L('    repeat:'),
    L('        virtio_queue_set_notification(vq, 0)   # no kicks while we drain'),
    L('        while (req = virtio_blk_get_request(s, vq)):   # virtqueue_pop'),
    L('            if virtio_blk_handle_request(req, &mrb): give up on the queue'),
    L('        virtio_queue_set_notification(vq, 1)'),
    L('    until virtio_queue_empty(vq)           # catch what arrived meanwhile'),
    L('    if mrb.num_reqs: virtio_blk_submit_multireq(s, &mrb)   # the batched reads or writes start now'),
  ]),
  qemu('virtio_blk_handle_request', QBLK, [
    L('virtio_blk_handle_request(req, mrb):'),
    L('    if no out or no in buffers: virtio_error("virtio-blk missing headers")', error('blk-missing-headers')),
    L('    out_hdr = first bytes of the out buffers', error('blk-outhdr-too-short')),
    L('    in_hdr = last byte of the in buffers     # where the status goes', error('blk-inhdr-too-short')),
    L('    switch out_hdr.type:'),
    L('        IN / OUT: check the sector range'),
    L('            if mrb is full or goes the other way: virtio_blk_submit_multireq(s, mrb)'),
    L('            mrb.reqs[mrb.num_reqs++] = req      # started later, by virtio_blk_submit_multireq'),
    L(
      '        FLUSH: submit pending writes; blk_aio_flush(...)   # virtio_blk_handle_flush',
      (r) => r.events.some((e) => e.type === 'io-submitted') && /FLUSH/.test(r.explain),
    ),
    L('        GET_ID: copy the serial into the in buffer; complete OK'),
    L(
      '        DISCARD / WRITE_ZEROES: virtio_blk_handle_discard_write_zeroes(...)   # blk_aio_pdiscard / _pwrite_zeroes',
      (r) => r.events.some((e) => e.type === 'io-submitted') && /DISCARD|WRITE_ZEROES/.test(r.explain),
    ),
    L('        other: virtio_blk_req_complete(req, VIRTIO_BLK_S_UNSUPP)'),
  ]),
  qemu('virtio_blk_submit_multireq', QBLK, [
    L('virtio_blk_submit_multireq(s, mrb):'),
    L('    sort mrb.reqs by sector_num'),
    L('    for each run of adjacent requests (within the backend\u2019s limits):'),
    L('        submit_requests(...)                # one blk_aio_preadv / blk_aio_pwritev', event('io-submitted')),
    L('    mrb.num_reqs = 0'),
  ]),
  qemu('virtio_blk_rw_complete', QBLK, [
    L('virtio_blk_rw_complete(opaque, ret):       # the disk I/O finished'),
    L('    for each request merged into this I/O:'),
    L('        a read\u2019s data is now in the guest\u2019s buffers', wrote(/data/)),
    L('        if ret != 0: virtio_blk_handle_rw_error(...)'),
    L('        else: virtio_blk_req_complete(req, VIRTIO_BLK_S_OK)'),
  ]),
  qemu('virtio_blk_req_complete', QBLK, [
    L('virtio_blk_req_complete(req, status):'),
    L('    req.in.status = status                 # the status byte in guest memory', wrote(/status/)),
    L('    virtqueue_push(vq, &req.elem, req.in_len)'),
    L('    if qemu_in_iothread(): virtio_notify_irqfd(vdev, vq)'),
    L('    else: virtio_notify(vdev, vq)'),
  ]),
];

function indent(lines: PseudoLine[]): PseudoLine[] {
  return lines.map((l) => ({ ...l, code: `    ${l.code}` }));
}

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.fn, f]));

export function pseudocodeFor(fn: string): PseudoFunction | undefined {
  return BY_NAME.get(fn);
}

export const KNOWN_FUNCTIONS: readonly string[] = FUNCTIONS.map((f) => f.fn);

/** The lines the step stands for (usually one; none when the step is not one of the lines shown). */
export function activeLines(f: PseudoFunction, r: StepRecord): number[] {
  const out: number[] = [];
  f.lines.forEach((l, i) => {
    if (l.at?.(r)) out.push(i);
  });
  return out;
}
