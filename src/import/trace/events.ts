/**
 * The QEMU trace events the importer understands, with their arguments in the order QEMU prints them
 * (hw/virtio/trace-events, hw/block/trace-events). Pointer arguments go to `p`, numbers to `n`, in order.
 */
export const TRACE_EVENTS = [
  'virtio_set_status',
  'virtio_queue_notify',
  'virtqueue_alloc_element',
  'virtqueue_pop',
  'virtio_blk_handle_read',
  'virtio_blk_handle_write',
  'virtio_blk_submit_multireq',
  'virtio_blk_rw_complete',
  'virtio_blk_req_complete',
  'virtqueue_fill',
  'virtqueue_flush',
  'virtio_notify_irqfd',
  'virtio_notify',
  'virtio_blk_data_plane_start',
  'virtio_blk_data_plane_stop',
] as const;

export type TraceEventName = (typeof TRACE_EVENTS)[number];

/** An event's number is its place in TRACE_EVENTS (stored in a Uint8Array). */
export const EV = Object.fromEntries(TRACE_EVENTS.map((name, i) => [name, i])) as Record<TraceEventName, number>;

/** p = pointer (%p), u = unsigned decimal, i = signed decimal. */
type ArgType = 'p' | 'u' | 'i';

export const EVENT_ARGS: readonly (readonly [string, ArgType][])[] = [
  [
    ['vdev', 'p'],
    ['val', 'u'],
  ],
  [
    ['vdev', 'p'],
    ['n', 'i'],
    ['vq', 'p'],
  ],
  [
    ['elem', 'p'],
    ['size', 'u'],
    ['in_num', 'u'],
    ['out_num', 'u'],
  ],
  [
    ['vq', 'p'],
    ['elem', 'p'],
    ['in_num', 'u'],
    ['out_num', 'u'],
  ],
  [
    ['vdev', 'p'],
    ['req', 'p'],
    ['sector', 'u'],
    ['nsectors', 'u'],
  ],
  [
    ['vdev', 'p'],
    ['req', 'p'],
    ['sector', 'u'],
    ['nsectors', 'u'],
  ],
  [
    ['vdev', 'p'],
    ['mrb', 'p'],
    ['start', 'i'],
    ['num_reqs', 'i'],
    ['offset', 'u'],
    ['size', 'u'],
    ['is_write', 'i'],
  ],
  [
    ['vdev', 'p'],
    ['req', 'p'],
    ['ret', 'i'],
  ],
  [
    ['vdev', 'p'],
    ['req', 'p'],
    ['status', 'i'],
  ],
  [
    ['vq', 'p'],
    ['elem', 'p'],
    ['len', 'u'],
    ['idx', 'u'],
  ],
  [
    ['vq', 'p'],
    ['count', 'u'],
  ],
  [
    ['vdev', 'p'],
    ['vq', 'p'],
  ],
  [
    ['vdev', 'p'],
    ['vq', 'p'],
  ],
  [['dataplane', 'p']],
  [['dataplane', 'p']],
];

const KNOWN = new Map<string, number>(TRACE_EVENTS.map((name, i) => [name, i]));

export const eventNumber = (name: string): number | undefined => KNOWN.get(name);

/** virtio-blk request status (VIRTIO_BLK_S_*). */
export const BLK_STATUS_NAMES: Record<number, string> = { 0: 'OK', 1: 'IOERR', 2: 'UNSUPP' };

/** Which argument TraceEvents.value holds for each event (null: none). */
export const VALUE_ARG: readonly (string | null)[] = [
  'val',
  'n',
  'size',
  'in_num',
  'sector',
  'sector',
  'num_reqs',
  'ret',
  'status',
  'len',
  'count',
  null,
  null,
  null,
  null,
];
