// One side of the shared-memory probe: the "writer" stores a value and wakes the
// other worker; the "reader" waits for it and reports what it saw in shared memory.
export type ProbeRequest = { role: 'writer' | 'reader'; sab: SharedArrayBuffer; value: number };
export type ProbeReply = { role: 'writer' | 'reader'; seen: number };

const FLAG = 0;
const VALUE = 1;

self.onmessage = (event: MessageEvent<ProbeRequest>) => {
  const { role, sab, value } = event.data;
  const words = new Int32Array(sab);
  if (role === 'writer') {
    Atomics.store(words, VALUE, value);
    Atomics.store(words, FLAG, 1);
    Atomics.notify(words, FLAG);
    self.postMessage({ role, seen: value } satisfies ProbeReply);
    return;
  }
  // A worker may block; the page may not, which is why both sides are workers.
  Atomics.wait(words, FLAG, 0, 5000);
  self.postMessage({ role, seen: Atomics.load(words, VALUE) } satisfies ProbeReply);
};
