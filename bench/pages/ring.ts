import { ringThroughputBrowser } from '../../src/engine/ringbench/browser';

// The bench script calls this through Playwright's page.evaluate.
declare global {
  interface Window {
    ringThroughputBrowser: typeof ringThroughputBrowser;
    ringBenchReady: boolean;
  }
}

window.ringThroughputBrowser = ringThroughputBrowser;
window.ringBenchReady = true;
