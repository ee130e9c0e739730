import type { ImportFile, ImportProblem } from '../types';
import { parseJsonKeepingBigInts } from './qmpText';
import { elementFromQmp, FieldError } from './status';
import { decodeText, lineOfKey } from './textPos';
import type { DeviceVhostStatus, QueueElement } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const answer = (v: unknown): unknown => (isObj(v) && 'return' in v ? v['return'] : v);

/** A saved `x-query-virtio-queue-element` answer in its own file, and the avail position its name gives. */
export interface ElementFile {
  file: string;
  element: QueueElement;
}

export interface ExtraJson {
  device: DeviceVhostStatus | null;
  elements: ElementFile[];
}

/**
 * The avail position an element file's name gives: the number after `element`, `elem`, `index`, `idx` or `pos`
 * (`element808.json`, `index-808.json`; QMP's own argument is `index`), read modulo 2^16 as positions are; null
 * when the name gives none (then the answer is matched by its head).
 */
export function elementPosByName(name: string): number | null {
  const m = /(?:element|elem|index|idx|pos)[-_]?(\d+)(?!\d)/i.exec(name.replace(/^.*[\\/]/, ''));
  return m ? Number(m[1]) & 0xffff : null;
}

function deviceFrom(file: string, o: Obj): DeviceVhostStatus {
  const started = o['vhost-started'];
  const dev = o['vhost-dev'];
  const vq = isObj(dev) ? dev['vq-index'] : undefined;
  const nvqs = isObj(dev) ? dev['nvqs'] : undefined;
  return {
    file,
    vhost_started: typeof started === 'boolean' ? started : null,
    vhost_dev:
      typeof vq === 'number' && typeof nvqs === 'number' && Number.isInteger(vq) && Number.isInteger(nvqs)
        ? { vq_index: vq, nvqs }
        : null,
  };
}

/**
 * The JSON files other than the queue status: an `x-query-virtio-status` answer (it has `vhost-started`, or the
 * `vhost-dev` object QEMU adds while vhost runs) and `x-query-virtio-queue-element` answers (`index` and `descs`).
 * Anything else is left as before (not read). A file that is one of these but malformed is a problem with its line.
 */
export function readExtraJson(
  files: ImportFile[],
): { ok: true; extra: ExtraJson } | { ok: false; problem: ImportProblem } {
  const extra: ExtraJson = { device: null, elements: [] };
  for (const f of files) {
    const text = decodeText(f.bytes);
    let root: unknown;
    try {
      root = answer(parseJsonKeepingBigInts(text));
    } catch {
      continue; // Not JSON we know: as before, such files are not read.
    }
    if (!isObj(root)) continue;
    if ('vhost-started' in root || 'vhost-dev' in root) {
      if (extra.device)
        return {
          ok: false,
          problem: { file: f.name, message: `two x-query-virtio-status answers: ${extra.device.file} and ${f.name}` },
        };
      const started = root['vhost-started'];
      if (started !== undefined && typeof started !== 'boolean')
        return {
          ok: false,
          problem: {
            file: f.name,
            line: lineOfKey(text, 'vhost-started') ?? 1,
            message: `"vhost-started" must be true or false, got ${JSON.stringify(started)}`,
          },
        };
      extra.device = deviceFrom(f.name, root);
      continue;
    }
    if ('descs' in root && 'index' in root) {
      try {
        extra.elements.push({ file: f.name, element: elementFromQmp(root, elementPosByName(f.name)) });
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        const line = (e.missing ? undefined : lineOfKey(text, e.field)) ?? 1;
        return { ok: false, problem: { file: f.name, line, message: `element query: ${e.message}` } };
      }
    }
  }
  return { ok: true, extra };
}
