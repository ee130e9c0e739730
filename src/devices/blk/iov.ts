import type { GuestMemory } from '../../virtio/guestMemory';
import type { IoVec } from '../../virtio/device/virtQueueElement';

// QEMU's util/iov.c helpers over guest-memory segments. The segments come from a popped element, so they were
// checked to lie in guest memory when the chain was mapped.

/** QEMU: iov_size(). */
export const iov_size = (iov: readonly IoVec[]): number => iov.reduce((n, v) => n + v.len, 0);

/** QEMU: iov_to_buf(). Gathers up to `len` bytes starting `offset` bytes into the list; may return fewer. */
export function iov_to_buf(mem: GuestMemory, iov: readonly IoVec[], offset: number, len: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, Math.min(len, iov_size(iov) - offset)));
  let skip = offset;
  let done = 0;
  for (const v of iov) {
    if (done === out.length) break;
    if (skip >= v.len) {
      skip -= v.len;
      continue;
    }
    const n = Math.min(v.len - skip, out.length - done);
    out.set(mem.readBytes(v.addr + skip, n), done);
    done += n;
    skip = 0;
  }
  return out;
}

/** QEMU: iov_from_buf(). Scatters `data` starting `offset` bytes into the list; returns the bytes written. */
export function iov_from_buf(mem: GuestMemory, iov: readonly IoVec[], offset: number, data: Uint8Array): number {
  let skip = offset;
  let done = 0;
  for (const v of iov) {
    if (done === data.length) break;
    if (skip >= v.len) {
      skip -= v.len;
      continue;
    }
    const n = Math.min(v.len - skip, data.length - done);
    mem.writeBytes(v.addr + skip, data.subarray(done, done + n));
    done += n;
    skip = 0;
  }
  return done;
}

/** QEMU: iov_discard_front(). A new list without its first `bytes` bytes. */
export function iov_discard_front(iov: readonly IoVec[], bytes: number): IoVec[] {
  const out: IoVec[] = [];
  let skip = bytes;
  for (const v of iov) {
    if (skip >= v.len) {
      skip -= v.len;
      continue;
    }
    out.push({ addr: v.addr + skip, len: v.len - skip });
    skip = 0;
  }
  return out;
}

/** QEMU: iov_discard_back(). A new list without its last `bytes` bytes. */
export function iov_discard_back(iov: readonly IoVec[], bytes: number): IoVec[] {
  const out = iov.map((v) => ({ ...v }));
  let cut = bytes;
  while (cut > 0 && out.length > 0) {
    const last = out[out.length - 1]!;
    if (last.len > cut) {
      last.len -= cut;
      cut = 0;
    } else {
      cut -= last.len;
      out.pop();
    }
  }
  return out;
}
