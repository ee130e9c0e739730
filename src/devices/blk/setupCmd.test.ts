import { describe, expect, it } from 'vitest';
import { withFeatures } from '../../virtio/features';
import { QEMU_VIRTIO_BLK_PCI_FEATURES, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_SECURE_ERASE } from './features';
import { blockLayerCheck, isOutType, virtblk_result, virtblk_setup_cmd } from './setupCmd';

describe('virtblk_setup_cmd', () => {
  it('maps each operation to its type and header sector', () => {
    expect(virtblk_setup_cmd('read', 5)).toEqual({ type: 0, sector: 5 });
    expect(virtblk_setup_cmd('write', 5)).toEqual({ type: 1, sector: 5 });
    expect(virtblk_setup_cmd('flush', 5)).toEqual({ type: 4, sector: 0 });
    expect(virtblk_setup_cmd('discard', 5)).toEqual({ type: 11, sector: 0 });
    expect(virtblk_setup_cmd('write-zeroes', 5)).toEqual({ type: 13, sector: 0 });
    expect(virtblk_setup_cmd('secure-erase', 5)).toEqual({ type: 14, sector: 0 });
    expect(virtblk_setup_cmd('get-id', 5)).toEqual({ type: 8, sector: 0 });
  });
  it('puts data in the out list only for OUT types', () => {
    expect(isOutType(1)).toBe(true);
    expect(isOutType(11)).toBe(true);
    expect(isOutType(0)).toBe(false);
    expect(isOutType(8)).toBe(false);
  });
});

describe('virtblk_result', () => {
  it('maps OK, UNSUPP and everything else', () => {
    expect(virtblk_result(0)).toBe('BLK_STS_OK');
    expect(virtblk_result(2)).toBe('BLK_STS_NOTSUPP');
    expect(virtblk_result(1)).toBe('BLK_STS_IOERR');
    expect(virtblk_result(0xee)).toBe('BLK_STS_IOERR');
  });
});

describe('blockLayerCheck', () => {
  const limits = { features: QEMU_VIRTIO_BLK_PCI_FEATURES, capacity: 10, writeback: true };
  it('lets valid requests through', () => {
    expect(blockLayerCheck({ op: 'read', sector: 9, nsectors: 1 }, limits)).toBeNull();
    expect(blockLayerCheck({ op: 'write', sector: 0, data: new Uint8Array(512) }, limits)).toBeNull();
    expect(blockLayerCheck({ op: 'flush' }, limits)).toBeNull();
    expect(blockLayerCheck({ op: 'get-id' }, limits)).toBeNull();
    expect(blockLayerCheck({ op: 'discard', sector: 0, nsectors: 10 }, limits)).toBeNull();
  });
  it('refuses what Linux refuses before the driver', () => {
    expect(blockLayerCheck({ op: 'read', sector: 9, nsectors: 2 }, limits)?.reason).toMatch(/beyond end of device/);
    expect(blockLayerCheck({ op: 'read', sector: 0, nsectors: 0 }, limits)).not.toBeNull();
    expect(blockLayerCheck({ op: 'secure-erase', sector: 0, nsectors: 1 }, limits)?.reason).toMatch(/SECURE_ERASE/);
    const none = { ...limits, features: 0n };
    expect(blockLayerCheck({ op: 'discard', sector: 0, nsectors: 1 }, none)?.reason).toMatch(/DISCARD/);
    expect(blockLayerCheck({ op: 'write-zeroes', sector: 0, nsectors: 1 }, none)?.reason).toMatch(/WRITE_ZEROES/);
    const ro = { ...limits, features: limits.features | withFeatures(VIRTIO_BLK_F_RO, VIRTIO_BLK_F_SECURE_ERASE) };
    expect(blockLayerCheck({ op: 'write', sector: 0, data: new Uint8Array(512) }, ro)?.reason).toMatch(/read-only/);
    expect(blockLayerCheck({ op: 'secure-erase', sector: 0, nsectors: 1 }, ro)?.reason).toMatch(/read-only/);
    expect(blockLayerCheck({ op: 'flush' }, { ...limits, writeback: false })).toEqual({
      reason: 'flush on a write-through queue',
      noop: true,
    });
  });
});
