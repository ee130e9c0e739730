/**
 * Every function a step of the simulation can be in (a step's frames and its `fn`): Linux's virtio_ring.c,
 * virtio_pci_common.c and virtio_blk.c, QEMU's virtio.c and virtio-blk.c, as the engine names them. A function breakpoint must name one of
 * them; a test keeps the list complete against every built-in scenario and fault.
 */
export const ENGINE_FUNCTIONS: readonly string[] = [
  'alloc_indirect_split',
  'blk_mq_run_hw_queue',
  'blk_mq_run_work_fn',
  'detach_buf_split',
  'virtblk_add_req',
  'virtblk_done',
  'virtblk_prep_rq',
  'virtblk_request_done',
  'virtblk_setup_cmd',
  'virtio_blk_handle_output',
  'virtio_blk_handle_request',
  'virtio_blk_handle_vq',
  'virtio_blk_req_complete',
  'virtio_blk_rw_complete',
  'virtio_blk_submit_multireq',
  'virtio_error',
  'virtio_notify',
  'virtio_notify_config',
  'virtio_notify_irqfd',
  'virtio_queue_rq',
  'virtio_queue_set_notification',
  'virtio_queue_split_set_notification',
  'virtio_should_notify',
  'virtio_split_should_notify',
  'virtqueue_add',
  'virtqueue_add_desc_split',
  'virtqueue_add_sgs',
  'virtqueue_add_split',
  'virtqueue_disable_cb',
  'virtqueue_disable_cb_split',
  'virtqueue_enable_cb',
  'virtqueue_enable_cb_prepare',
  'virtqueue_enable_cb_prepare_split',
  'virtqueue_fill',
  'virtqueue_flush',
  'virtqueue_get_buf',
  'virtqueue_get_buf_ctx',
  'virtqueue_get_buf_ctx_split',
  'virtqueue_get_head',
  'virtqueue_kick',
  'virtqueue_kick_prepare',
  'virtqueue_kick_prepare_split',
  'virtqueue_map_desc',
  'virtqueue_notify',
  'virtqueue_num_heads',
  'virtqueue_poll',
  'virtqueue_pop',
  'virtqueue_push',
  'virtqueue_split_fill',
  'virtqueue_split_flush',
  'virtqueue_split_pop',
  'virtqueue_split_read_next_desc',
  'vp_notify',
  'vring_interrupt',
];

/** Known names close to `name` (sharing a word with it), for a breakpoint that names none. */
export function functionsLike(name: string, max = 5): string[] {
  const words = name
    .toLowerCase()
    .split('_')
    .filter((w) => w.length > 2);
  const score = (fn: string) => words.filter((w) => fn.includes(w)).length;
  return ENGINE_FUNCTIONS.map((fn) => ({ fn, s: score(fn) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.fn.localeCompare(b.fn))
    .slice(0, max)
    .map((x) => x.fn);
}
