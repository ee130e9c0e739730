import { describe, expect, it } from 'vitest';
import { EV } from './events';
import { LINE_BLANK, LINE_ERROR, LINE_EVENT, LINE_IGNORED, LineReader, NOT_AN_EVENT } from './lineReader';

describe('LineReader', () => {
  it('reads the prefix as microseconds since the epoch', () => {
    const r = new LineReader();
    expect(r.read('17998@1795614894.054901:virtio_set_status vdev 0x561c1b8d1f80 val 15')).toBe(LINE_EVENT);
    expect(r.kind).toBe(EV.virtio_set_status);
    expect(r.timeUs).toBe(1795614894054901);
    expect(r.pointerName(r.p[0]!)).toBe('0x561c1b8d1f80');
    expect(r.n[0]).toBe(15);
  });

  it('reads lines without a prefix, with Windows line ends, and (nil) pointers', () => {
    const r = new LineReader();
    expect(r.read('virtqueue_flush vq (nil) count 3\r')).toBe(LINE_EVENT);
    expect(Number.isNaN(r.timeUs)).toBe(true);
    expect(r.pointerName(r.p[0]!)).toBe('0x0');
    expect(r.n[0]).toBe(3);
  });

  it('gives one id per pointer, whatever its case', () => {
    const r = new LineReader();
    r.read('virtio_notify_irqfd vdev 0xABC vq 0xdef');
    const [a, b] = [r.p[0], r.p[1]];
    r.read('virtio_notify_irqfd vdev 0xabc vq 0xDEF');
    expect([r.p[0], r.p[1]]).toEqual([a, b]);
  });

  it('reads negative values where QEMU prints %d', () => {
    const r = new LineReader();
    expect(r.read('virtio_blk_rw_complete vdev 0x1 req 0x2 ret -5')).toBe(LINE_EVENT);
    expect(r.n[0]).toBe(-5);
  });

  it('tells blank lines, other events and non-events apart', () => {
    const r = new LineReader();
    expect(r.read('   ')).toBe(LINE_BLANK);
    expect(r.read('1@2.3:vhost_commit Started: 1 Changed: 0')).toBe(LINE_IGNORED);
    expect(r.ignoredName).toBe('vhost_commit');
    expect(r.read('qemu-system-x86_64: terminating on signal 15')).toBe(LINE_IGNORED);
    expect(r.ignoredName).toBe(NOT_AN_EVENT);
  });

  it('refuses a known event with arguments out of shape', () => {
    const r = new LineReader();
    expect(r.read('virtqueue_fill vq 0x1 elem 0x2 len 1 idx 0 extra 1')).toBe(LINE_ERROR);
    expect(r.read('virtqueue_fill vq 0x1 elem 0x2 len 1.5 idx 0')).toBe(LINE_ERROR);
    expect(r.error).toMatch(/len "1.5" is not an unsigned whole number/);
    expect(r.read('virtio_queue_notify vdev 0x1 n x vq 0x2')).toBe(LINE_ERROR);
    expect(r.error).toMatch(/n "x" is not a whole number/);
    expect(r.read('virtio_blk_data_plane_start')).toBe(LINE_ERROR);
    expect(r.read('virtio_blk_handle_read vdev 0x1 req 0x2 sector 99999999999999999999 nsectors 1')).toBe(LINE_ERROR);
  });
});
