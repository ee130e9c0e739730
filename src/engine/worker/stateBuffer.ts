const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Room for the machine's JSON state; a run whose state outgrows it is refused with a clear message. */
export const STATE_BUFFER_BYTES = 64 * 1024 * 1024;

/** Writes the machine state JSON into the shared state buffer ([u32 length][bytes]). */
export function writeState(buffer: SharedArrayBuffer, json: string): void {
  const bytes = encoder.encode(json);
  if (bytes.length + 4 > buffer.byteLength) {
    throw new Error(
      `machine state is ${bytes.length} bytes, more than the ${buffer.byteLength - 4} the shared state buffer holds`,
    );
  }
  new Uint8Array(buffer, 4, bytes.length).set(bytes);
  Atomics.store(new Int32Array(buffer, 0, 1), 0, bytes.length);
}

export function readState(buffer: SharedArrayBuffer): string {
  const length = Atomics.load(new Int32Array(buffer, 0, 1), 0);
  // TextDecoder refuses views of shared memory: copy out first.
  return decoder.decode(new Uint8Array(buffer, 4, length).slice());
}
