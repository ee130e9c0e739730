import type { ElementDesc, QueueElement, QueueStatus } from './types';
import type { DocResult } from './qmpText';
import { elementFromParts, usableLastAvailIdx } from './status';

interface Line {
  no: number;
  key: string;
  value: string;
}

interface Block {
  start: number;
  lines: Line[];
  /** Raw descriptor lines of an element block (`addr 0x.. len N (flags)`), with their line numbers. */
  descs: { no: number; text: string }[];
}

/** Splits HMP output into blocks, one per `<QOM path>:` header (`/machine/.../virtio-backend:`). */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  let cur: Block | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const no = i + 1;
    if (/^\S.*:\s*$/.test(line) && line.startsWith('/')) {
      cur = { start: no, lines: [], descs: [] };
      out.push(cur);
      return;
    }
    if (!cur) return;
    const desc = /^\s*addr\s/.exec(line);
    if (desc) {
      cur.descs.push({ no, text: line.trim() });
      return;
    }
    const kv = /^\s*([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (kv) cur.lines.push({ no, key: kv[1]!, value: kv[2]!.trim() });
  });
  return out;
}

export class HmpError {
  constructor(
    readonly line: number,
    readonly message: string,
  ) {}
}

function num(l: Line | undefined, key: string, start: number, max: number): number {
  if (!l) throw new HmpError(start, `"${key}:" is missing from this block`);
  const m = /^(0x[0-9a-fA-F]+|\d+)\b/.exec(l.value);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > max)
    throw new HmpError(l.no, `"${key}: ${l.value}" is not an integer from 0 to ${max}`);
  return n;
}

function statusFromBlock(b: Block): QueueStatus {
  const get = (k: string) => b.lines.find((l) => l.key === k);
  const valid = get('signalled_used_valid');
  if (!valid) throw new HmpError(b.start, '"signalled_used_valid:" is missing from this block');
  if (!/^(true|false|0|1)$/.test(valid.value))
    throw new HmpError(valid.no, `"signalled_used_valid: ${valid.value}" is not true or false`);
  const optional = (k: string, max = 0xffffffff) => (get(k) ? num(get(k), k, b.start, max) : null);
  return {
    name: get('device_name')?.value ?? '',
    queue_index: num(get('queue_index'), 'queue_index', b.start, 0xffff),
    inuse: num(get('inuse'), 'inuse', b.start, 0xffffffff),
    vring: {
      num: num(get('num'), 'num', b.start, 0xffffffff),
      num_default: optional('num_default'),
      align: optional('align'),
      desc: num(get('desc'), 'desc', b.start, Number.MAX_SAFE_INTEGER),
      avail: num(get('avail'), 'avail', b.start, Number.MAX_SAFE_INTEGER),
      used: num(get('used'), 'used', b.start, Number.MAX_SAFE_INTEGER),
    },
    // hmp_virtio_queue_status() prints these two lines only when QEMU reported them (has_last_avail_idx,
    // has_shadow_avail_idx): a vhost device's status has no shadow_avail_idx line (see QueueStatus.vhost).
    last_avail_idx: optional('last_avail_idx', 0xffff),
    shadow_avail_idx: optional('shadow_avail_idx', 0xffff),
    vhost: !get('shadow_avail_idx'),
    used_idx: num(get('used_idx'), 'used_idx', b.start, 0xffff),
    signalled_used: num(get('signalled_used'), 'signalled_used', b.start, 0xffff),
    signalled_used_valid: valid.value === 'true' || valid.value === '1',
  };
}

function descFromLine(d: { no: number; text: string }): ElementDesc {
  const m = /^addr\s+(0x[0-9a-fA-F]+|\d+)\s+len\s+(\d+)(?:\s*\(([^)]*)\))?\s*,?$/.exec(d.text);
  if (!m) throw new HmpError(d.no, `"${d.text}" is not a descriptor line ("addr 0x… len N (flags)")`);
  const flags = (m[3] ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return { addr: BigInt(m[1]!), len: Number(m[2]), flags };
}

/** The `avail:`/`used:` sub-sections of an element block: keys after each header belong to it. */
function section(b: Block, name: 'avail' | 'used'): Map<string, Line> {
  const out = new Map<string, Line>();
  let inside = false;
  for (const l of b.lines) {
    if (l.value === '' && ['desc', 'descs', 'avail', 'used'].includes(l.key)) {
      inside = l.key === name;
      continue;
    }
    if (inside) out.set(l.key, l);
  }
  return out;
}

function elementFromBlock(b: Block, headPos: number | null): QueueElement {
  const index = b.lines.find((l) => l.key === 'index');
  const avail = section(b, 'avail');
  const used = section(b, 'used');
  const at = (m: Map<string, Line>, k: string, max: number) => num(m.get(k), k, b.start, max);
  // HMP's element query without an index shows the chain at last_avail_idx (qmp_x_query_virtio_queue_element).
  return elementFromParts(
    headPos,
    num(index, 'index', b.start, 0xffffffff),
    b.descs.map(descFromLine),
    { flags: at(avail, 'flags', 0xffff), idx: at(avail, 'idx', 0xffff), ring: at(avail, 'ring', 0xffff) },
    { flags: at(used, 'flags', 0xffff), idx: at(used, 'idx', 0xffff) },
  );
}

/** `info virtio-queue-status` text, optionally followed by `info virtio-queue-element` output. */
export function parseHmpStatusText(file: string, text: string): DocResult {
  try {
    const all = blocks(text);
    // signalled_used_valid is printed for every queue; last_avail_idx is not for some vhost queues.
    const statusBlock = all.find((b) =>
      b.lines.some((l) => l.key === 'last_avail_idx' || l.key === 'signalled_used_valid'),
    );
    if (!statusBlock)
      return {
        ok: false,
        problem: {
          file,
          line: 1,
          message: 'no "info virtio-queue-status" output found (no last_avail_idx or signalled_used_valid line)',
        },
      };
    const status = statusFromBlock(statusBlock);
    const elements: QueueElement[] = [];
    let elementProblem = null;
    for (const b of all) {
      if (b === statusBlock || !b.lines.some((l) => l.key === 'index')) continue;
      try {
        // The head QEMU shows is at its own last_avail_idx: unknown (null) for a vhost device.
        elements.push(elementFromBlock(b, usableLastAvailIdx(status)));
      } catch (e) {
        if (!(e instanceof HmpError)) throw e;
        elementProblem = { file, line: e.line, message: `info virtio-queue-element: ${e.message}` };
        break;
      }
    }
    return { ok: true, doc: { status, statusAfter: null, elements, elementProblem } };
  } catch (e) {
    if (!(e instanceof HmpError)) throw e;
    return { ok: false, problem: { file, line: e.line, message: `info virtio-queue-status: ${e.message}` } };
  }
}
