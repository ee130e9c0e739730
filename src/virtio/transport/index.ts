export { virtio_dev_probe, type DriverInitOptions, type DriverInitResult, type DriverInitStep } from './virtioDevProbe';
