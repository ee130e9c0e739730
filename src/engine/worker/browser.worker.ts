import { attachSimWorker } from './host';

// A module Web Worker: the page's WorkerClient starts one for the guest and one per IOThread.
attachSimWorker({
  postMessage: (m) => self.postMessage(m),
  onMessage: (listener) => {
    self.onmessage = (e: MessageEvent) => listener(e.data);
  },
});
