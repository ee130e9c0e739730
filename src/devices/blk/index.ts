// virtio-blk: the request protocol, config space and feature bits, the disk image and its virtual-time backend,
// QEMU's device half (VirtIOBlock) and Linux's driver half (VirtioBlk, virtblk_probe).
export * from './protocol';
export * from './features';
export * from './config';
export { DiskImage, type DiskError, type DiskErrorKind, type DiskImageOptions, type DiskStats } from './disk';
export { Prng } from './prng';
export * from './completion';
export { VIRTIO_ID_BLOCK, VirtIOBlock, type VirtIOBlockOptions } from './device';
export * from './deviceTypes';
export { virtio_blk_handle_request, virtio_blk_sect_range_ok, type BlkRequestContext } from './handleRequest';
export { VirtioBlk, type VirtioBlkDriverOptions } from './driver';
export * from './driverTypes';
export { virtblk_probe, type VirtblkProbeOptions, type VirtblkProbed } from './probe';
export { blockLayerCheck, virtblk_result, virtblk_setup_cmd } from './setupCmd';
export { BlkSystem, type BlkSystemEvent, type BlkSystemOptions } from './testing/blkSystem';
