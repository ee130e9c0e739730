/**
 * A real VM's split ring, as QEMU's `x-query-virtio-queue-status` (or HMP `info virtio-queue-status`) and three
 * `pmemsave` dumps show it. Every number here was read from the files; nothing is guessed. Guest-physical
 * addresses are plain numbers (a VM's RAM is far below 2^53); descriptor `addr` fields stay bigint, because a
 * stale slot can hold any 64-bit value.
 */

import type { VringDesc } from '../../virtio/splitRing';

/** QEMU's `VirtQueueStatus` (qapi/virtio.json), with the field names of `struct VirtQueue` (hw/virtio/virtio.c). */
export interface QueueStatus {
  name: string;
  queue_index: number;
  inuse: number;
  vring: { num: number; num_default: number | null; align: number | null; desc: number; avail: number; used: number };
  /**
   * Optional in QEMU's schema. qmp_x_query_virtio_queue_status() (hw/virtio/virtio.c) leaves it out when vhost has
   * the device (`vhost_started`) and the queue is not one of the vhost_dev's (`vq_index`..`vq_index + nvqs`); for
   * a vhost queue it fills it with vhost_get_vring_base()'s return code (0 on success), not the index. Null: absent.
   */
  last_avail_idx: number | null;
  /** Reported only when vhost has not started (QEMU's own VirtQueue runs the ring); null: absent. */
  shadow_avail_idx: number | null;
  /**
   * A vhost device (vhost-net, vhost-user, vDPA): `vhost-started` of an x-query-virtio-status answer given with the
   * snapshot, else inferred: the status has no `shadow-avail-idx`, which QEMU reports exactly when `vhost_started`
   * is false (RingSnapshot.vhostDecision says which). The backend runs the ring, so QEMU's VirtQueue fields here
   * are its copies from the last time vhost stopped.
   */
  vhost: boolean;
  used_idx: number;
  signalled_used: number;
  signalled_used_valid: boolean;
}

/** One descriptor as `x-query-virtio-queue-element` reports it (flags by name: "next", "write", "indirect"). */
export interface ElementDesc {
  addr: bigint;
  len: number;
  flags: string[];
}

/** `x-query-virtio-queue-element` for one avail ring position: the chain QEMU would pop there now. */
export interface QueueElement {
  /** The free-running avail ring position asked about (null when unknown, e.g. HMP's "head" query). */
  availPos: number | null;
  /** The head descriptor index (`index`). */
  index: number;
  /** As QEMU lists them: it prepends each descriptor it walks, so the last one of the chain comes first. */
  descs: ElementDesc[];
  /** The same descriptors in chain order (header first). */
  chain: ElementDesc[];
  avail: { flags: number; idx: number; ring: number };
  used: { flags: number; idx: number };
}

export type SnapshotArea = 'desc' | 'avail' | 'used';

/** Where one captured area sits in guest-physical memory and which file it came from. */
export interface CapturedArea {
  area: SnapshotArea;
  file: string;
  gpa: number;
  bytes: Uint8Array;
  /** Where the area starts in `file`, when one dump of the whole ring held it (see RingDumpSlice); else absent. */
  offset?: number;
}

/**
 * One pmemsave over several areas (`pmemsave 0x2986000 6726 ring_0x2986000.bin`: desc table, avail ring and used
 * ring in one go), cut into the areas it holds by the status's vring-* addresses.
 */
export interface RingDumpSlice {
  file: string;
  /** Guest-physical address of the file's first byte (from its name, or given by the user). */
  gpa: number;
  bytes: number;
  /** Each area the dump held, at this offset in the file. */
  areas: Partial<Record<SnapshotArea, number>>;
}

/** What `x-query-virtio-status` (qmp_x_query_virtio_status()) said about vhost, from a file given with the queue's. */
export interface DeviceVhostStatus {
  file: string;
  /** `vhost-started` (VirtIODevice.vhost_started); null when the answer has no such field. */
  vhost_started: boolean | null;
  /** `vhost-dev`, present only while vhost runs: the virtqueues it owns are vq-index .. vq-index + nvqs - 1. */
  vhost_dev: { vq_index: number; nvqs: number } | null;
}

/**
 * How the snapshot decided the device is a vhost one: from x-query-virtio-status (`vhost-started`, or the
 * `vhost-dev` object when the answer has no `vhost-started`), or inferred from the queue status's missing
 * `shadow-avail-idx` (which QEMU reports exactly when vhost has not started) when no device status was given.
 */
export interface VhostDecision {
  vhost: boolean;
  by: 'vhost-started' | 'vhost-dev' | 'missing-fields';
  /** What the missing-fields inference says; it may differ when the two queries straddle vhost starting. */
  inferred: boolean;
  device: DeviceVhostStatus | null;
  /** The queue is one of the vhost_dev's (vq-index ≤ queue-index < vq-index + nvqs); null without vhost-dev. */
  queueInVhostDev: boolean | null;
}

/**
 * A saved `x-query-virtio-queue-element` answer given as its own file that no outstanding chain took: said, never
 * dropped. `reason`: its position is not between used.idx and avail.idx ('notOutstanding'); no outstanding chain
 * starts at its head ('noHead'); several do and the name gives no position ('ambiguous'); the chain at its position
 * has an element query already ('duplicate').
 */
export interface UnmatchedElement {
  file: string;
  /** The head the answer gives (`index`). */
  index: number;
  /** The avail position the file's name gives (`element808.json`, `index808.json`), or null. */
  availPos: number | null;
  reason: 'notOutstanding' | 'noHead' | 'ambiguous' | 'duplicate';
  /** English sentence, for the CLI. */
  message: string;
  /** The values `message` is made from, for a UI's own sentence (i18n `snapshot:problems.element.<reason>`). */
  params: Record<string, string | number>;
}

/** A further dump of guest memory (not one of the three areas), at the guest-physical address its name gives. */
export interface CapturedDump {
  file: string;
  gpa: number;
  bytes: Uint8Array;
}

export interface SnapshotDesc {
  index: number;
  addr: bigint;
  len: number;
  flags: number;
  next: number;
  /** The head of the outstanding chain it belongs to, or null. */
  head: number | null;
  /** The avail position of that outstanding chain, or null. */
  availPos: number | null;
}

/**
 * An INDIRECT descriptor's table: its address and entry count are in the descriptor; its contents are known only
 * when the captured memory holds the whole table (in a real VM's pmemsave snapshot it usually lies elsewhere).
 */
export interface SnapshotIndirect {
  addr: bigint;
  len: number;
  /** len / 16, rounded down. */
  entries: number;
  /** True when the captured memory holds the whole table, so `table` was read from it. */
  captured: boolean;
  /** The table's entries as the captured bytes hold them, in table order; null when not captured. */
  table: VringDesc[] | null;
}

/** A request the device has not completed: a head between the used index and `avail.idx`. */
export interface OutstandingChain {
  /** Free-running avail ring position (`used.idx` ≤ pos < `avail.idx`). */
  availPos: number;
  slot: number;
  head: number;
  /** Ring descriptor indices in chain order. */
  descs: number[];
  indirect: SnapshotIndirect | null;
  /**
   * Popped by the device already (pos < last_avail_idx), or still waiting in the avail ring; null when the status
   * holds no usable last_avail_idx (a vhost device: see QueueStatus.vhost).
   */
  popped: boolean | null;
  /** What the element query said for this position, if it was asked. */
  element: QueueElement | null;
  /** Where walking the chain in memory broke, if it did (absent: it did not). */
  problem?: ChainProblem;
}

/** A chain that cannot be walked: QEMU's virtio_error() wording and function where QEMU checks it. */
export interface ChainProblem {
  /** The QEMU function that would notice (`virtqueue_get_head`, ...), or null: neither QEMU nor Linux checks it. */
  where: string | null;
  message: string;
  /** `message` as data, so a UI can say it in its own language (i18n `snapshot:problems.chain.<key>`). */
  tip?: ChainProblemTip;
}

export interface ChainProblemTip {
  key: 'headPastTable' | 'nextPastTable' | 'loop' | 'offeredTwice';
  params: Record<string, number>;
  /** What QEMU's virtio_error() says at `where`, word for word (null when `where` is null). */
  qemuMessage: string | null;
}

/** Something the JSON/HMP status and the bytes (or two queries) say differently. Shown, never hidden. */
export interface Disagreement {
  /** Stable key for the UI's text (i18n `snapshot:disagree.<kind>`). */
  kind:
    | 'used-idx'
    | 'shadow-avail-idx'
    | 'last-avail-idx'
    | 'inuse'
    | 'status-changed'
    | 'element-head'
    | 'element-avail-idx'
    | 'element-used-idx'
    | 'element-stale'
    | 'element-late'
    | 'element-length'
    | 'not-reported';
  /** The field compared, e.g. "used-idx" or "avail.ring[40]". */
  field: string;
  /** What the query (JSON or HMP) said. */
  reported: string;
  /** What the bytes (or the later query) say. */
  actual: string;
  /** English sentence, for the CLI and logs. */
  message: string;
  /**
   * `message` as data, so a UI can say it in its own language: a sentence key (i18n `snapshot:disagree.tip.<key>`,
   * whose English is `message` word for word) and the values it needs beyond field, reported and actual; `pos` is
   * the avail position an element query was about, absent when it was not asked about one.
   */
  tip?: DisagreementTip;
}

export interface DisagreementTip {
  key:
    | 'usedIdx'
    | 'usedIdxAfter'
    | 'shadowAvailIdx'
    | 'lastAvailIdx'
    | 'inuse'
    | 'statusChanged'
    | 'elementHead'
    | 'elementStale'
    | 'elementStaleGarbage'
    | 'elementStaleIdle'
    | 'elementStaleIdleGarbage'
    | 'elementLate'
    | 'elementAvailIdx'
    | 'elementUsedIdx'
    | 'elementLength'
    | 'indexReads'
    | 'vhostNotReported'
    | 'vhostNotReportedCode';
  params: Record<string, string | number>;
}

export interface RingSnapshot {
  /** Where it came from: 'qmp' (JSON), 'hmp' (text) or 'export' (a simulated run, re-read). */
  origin: 'qmp' | 'hmp';
  statusFile: string;
  status: QueueStatus;
  /** A second status query taken after the memory dumps, when the file holds one. */
  statusAfter: QueueStatus | null;
  size: number;
  /** Guest-physical addresses of the three parts. */
  addrs: { desc: number; avail: number; used: number };
  areas: CapturedArea[];
  /** Further pmemsave dumps, each at the address its file name gives (e.g. indirect tables); usually none. */
  dumps: CapturedDump[];
  /** Dumps of several areas at once, cut into the areas (empty when each area came in its own file). */
  ringDumps: RingDumpSlice[];
  /** Who decided `status.vhost`: the device status, when given, else the missing fields. */
  vhostDecision: VhostDecision;
  /** Element answers given as their own files that matched no outstanding chain. */
  unmatchedElements: UnmatchedElement[];
  desc: SnapshotDesc[];
  avail: { flags: number; idx: number; ring: number[]; used_event: number };
  used: { flags: number; idx: number; ring: { id: number; len: number }[]; avail_event: number };
  /** Outstanding chains, oldest first. */
  outstanding: OutstandingChain[];
  /** Every element query in the file, by avail position. */
  elements: QueueElement[];
  disagreements: Disagreement[];
}
