import type { RingBenchStart } from './protocol';
import { runRingBenchRole } from './sides';

// A module Web Worker: ringThroughputBrowser starts one for the driver and one for the device.
self.onmessage = (e: MessageEvent<RingBenchStart>) => runRingBenchRole(e.data, (m) => self.postMessage(m));
