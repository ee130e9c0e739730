import { describe, expect, it } from 'vitest';
import { parseTrace } from './parser';
import { completionsByName, traceSummary } from './summary';
import { L, readRequest, text } from './testing/lines';

describe('the trace summary’s completions', () => {
  it('are keyed by the virtio-blk status name', () => {
    expect(completionsByName({ '0': 5, '1': 2, '2': 1 })).toEqual({
      VIRTIO_BLK_S_OK: 5,
      VIRTIO_BLK_S_IOERR: 2,
      VIRTIO_BLK_S_UNSUPP: 1,
    });
  });

  it('keep a status QEMU never sends as the number it was read as', () => {
    expect(completionsByName({ '0': 1, '7': 3 })).toEqual({ VIRTIO_BLK_S_OK: 1, '7': 3 });
  });

  it('count an I/O error and an unsupported request under their names', () => {
    // readRequest with the status changed: an I/O error (ret -5, EIO), then an unsupported request type.
    const failing = (elem: string, status: number) =>
      readRequest(elem, 0).map((l) => (l.startsWith('virtio_blk_req_complete') ? L.done(elem, status) : l));
    const lines = [...failing('0xa', 1), ...failing('0xb', 2)];
    const r = parseTrace({ name: 't.log', text: text(lines) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(traceSummary(r.value).queues[0]!.completions).toEqual({ VIRTIO_BLK_S_IOERR: 1, VIRTIO_BLK_S_UNSUPP: 1 });
  });
});
