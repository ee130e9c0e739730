import type { ImportFile } from '../types';
import { sampleFiles, textFile } from './samples.testutil';

/**
 * The real samples (virtio-blk, QEMU's own VirtQueue) edited into what QEMU answers for a vhost device
 * (vhost-user-blk, vhost-net, vDPA), as qmp_x_query_virtio_queue_status() (hw/virtio/virtio.c) builds it:
 * - 'vhost-queue': the queue is one of the vhost_dev's: no `shadow-avail-idx`, and `last-avail-idx` is
 *   vhost_get_vring_base()'s return code, 0 on success;
 * - 'outside-vhost': vhost has started but the queue is outside the vhost_dev's range: neither field.
 * QEMU puts no other vhost marker in the queue status (`vhost-started`/`vhost-dev` are x-query-virtio-status's), and
 * HMP's info virtio-queue-status prints only the lines QEMU reported (hmp_virtio_queue_status()).
 */
export type VhostCase = 'vhost-queue' | 'outside-vhost';

function replaceAll(text: string, re: RegExp, by: string, expected: number): string {
  const hits = text.match(re)?.length ?? 0;
  if (hits !== expected) throw new Error(`fixture: expected ${expected} matches of ${re}, found ${hits}`);
  return text.replace(re, by);
}

/** The QMP capture (its status, the status after the dumps, and the HMP copy inside it), edited as QEMU would. */
export function vhostQmpText(snap: 'snap00' | 'snap02', c: VhostCase): string {
  let text = new TextDecoder().decode(sampleFiles(snap)[0]!.bytes);
  // Both status queries of the capture wrapper, and the HMP text it also holds.
  text = replaceAll(text, /\n\s*"shadow-avail-idx": \d+,/g, '', 2);
  text = replaceAll(text, / {2}shadow_avail_idx: +\d+\\r\\n/g, '', 1);
  if (c === 'outside-vhost') {
    text = replaceAll(text, /\n\s*"last-avail-idx": \d+,/g, '', 2);
    text = replaceAll(text, / {2}last_avail_idx: +\d+\\r\\n/g, '', 1);
  } else {
    text = replaceAll(text, /("last-avail-idx": )\d+/g, '$10', 2);
    text = replaceAll(text, /( {2}last_avail_idx: +)\d+/g, '$10', 1);
  }
  return text;
}

/** The HMP text, edited as hmp_virtio_queue_status() prints a vhost device's status. */
export function vhostHmpText(snap: 'snap00' | 'snap02', c: VhostCase): string {
  let text = new TextDecoder().decode(sampleFiles(snap, 'hmp.txt')[0]!.bytes);
  text = replaceAll(text, /^ {2}shadow_avail_idx: +\d+\r?\n/gm, '', 1);
  text =
    c === 'outside-vhost'
      ? replaceAll(text, /^ {2}last_avail_idx: +\d+\r?\n/gm, '', 1)
      : replaceAll(text, /^( {2}last_avail_idx: +)\d+/gm, '$10', 1);
  return text;
}

/** The four files of a vhost variant: the edited status file and the sample's real dumps. */
export function vhostFiles(snap: 'snap00' | 'snap02', c: VhostCase, status: 'qmp' | 'hmp' = 'qmp'): ImportFile[] {
  const [, ...dumps] = sampleFiles(snap, status === 'qmp' ? 'qmp.json' : 'hmp.txt');
  const name = status === 'qmp' ? `${snap}_${c}_qmp.json` : `${snap}_${c}_hmp.txt`;
  return [textFile(name, status === 'qmp' ? vhostQmpText(snap, c) : vhostHmpText(snap, c)), ...dumps];
}
