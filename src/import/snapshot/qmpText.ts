import type { ImportProblem } from '../types';
import { elementFromQmp, FieldError, statusFromQmp } from './status';
import { lineAt, lineOfKey } from './textPos';
import type { QueueElement, QueueStatus } from './types';

export interface StatusDoc {
  status: QueueStatus;
  statusAfter: QueueStatus | null;
  elements: QueueElement[];
  /** An element query that could not be read: the status is still good, the elements stop there. */
  elementProblem: ImportProblem | null;
}

export type DocResult = { ok: true; doc: StatusDoc } | { ok: false; problem: ImportProblem };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON.parse turns 64-bit descriptor addresses (e.g. a stale slot's 0xf221496b55e7f47d) into rounded doubles, so
 * integers of 16 digits or more in value position are quoted first and read back as bigint.
 */
export function parseJsonKeepingBigInts(text: string): unknown {
  return JSON.parse(text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

function jsonErrorLine(text: string, e: unknown): number {
  const msg = e instanceof Error ? e.message : String(e);
  const line = /line (\d+)/.exec(msg);
  if (line) return Number(line[1]);
  const pos = /position (\d+)/.exec(msg);
  if (pos) return lineAt(text, Number(pos[1]));
  return lineAt(text, text.length);
}

/** `{"return": X}` → X; a QMP error answer → a FieldError with QEMU's description. */
function unwrap(v: unknown, what: string): unknown {
  if (isObj(v) && 'error' in v) {
    const desc = isObj(v['error']) ? v['error']['desc'] : undefined;
    throw new FieldError(
      'error',
      `QEMU answered ${what} with an error: ${typeof desc === 'string' ? desc : 'unknown'}`,
    );
  }
  return isObj(v) && 'return' in v ? v['return'] : v;
}

/**
 * An `x-query-virtio-queue-status` answer: bare (`{"return": {...}}`), the plain return object, or the capture
 * wrapper of the samples (`queue_status`, `queue_status_after`, `queue_elements_by_avail_pos`).
 */
export function parseQmpStatusText(file: string, text: string): DocResult {
  let root: unknown;
  try {
    root = parseJsonKeepingBigInts(text);
  } catch (e) {
    return {
      ok: false,
      problem: { file, line: jsonErrorLine(text, e), message: `not valid JSON: ${(e as Error).message}` },
    };
  }
  const wrapped = isObj(root) && 'queue_status' in root;
  const fail = (e: unknown, from = 0): DocResult => {
    if (!(e instanceof FieldError)) throw e;
    const line = (e.missing ? undefined : lineOfKey(text, e.field, from)) ?? lineOfKey(text, 'return', from) ?? 1;
    return { ok: false, problem: { file, line, message: e.message } };
  };
  let status: QueueStatus;
  let statusAfter: QueueStatus | null = null;
  try {
    status = statusFromQmp(unwrap(wrapped ? (root as Obj)['queue_status'] : root, 'x-query-virtio-queue-status'));
  } catch (e) {
    return fail(e, wrapped ? text.indexOf('"queue_status"') : 0);
  }
  if (!wrapped) return { ok: true, doc: { status, statusAfter, elements: [], elementProblem: null } };
  const r = root as Obj;
  if (r['queue_status_after'] !== undefined) {
    const from = text.indexOf('"queue_status_after"');
    try {
      statusAfter = statusFromQmp(unwrap(r['queue_status_after'], 'the second status query'));
    } catch (e) {
      return fail(e, from);
    }
  }
  const elements: QueueElement[] = [];
  let elementProblem: ImportProblem | null = null;
  const byPos = r['queue_elements_by_avail_pos'];
  if (isObj(byPos)) {
    const keys = Object.keys(byPos).sort((a, b) => Number(a) - Number(b));
    for (const key of keys) {
      const from = Math.max(0, text.indexOf(`"${key}"`, text.indexOf('"queue_elements_by_avail_pos"')));
      try {
        if (!/^\d+$/.test(key)) throw new FieldError(key, `"${key}" is not an avail ring position`);
        elements.push(elementFromQmp(unwrap(byPos[key], `the element query at ${key}`), Number(key) & 0xffff));
      } catch (e) {
        const f = fail(e, from);
        if (f.ok) throw new Error('unreachable');
        elementProblem = {
          ...f.problem,
          message: `element query at avail position ${key}: ${f.problem.message}`,
        };
        break;
      }
    }
  }
  return { ok: true, doc: { status, statusAfter, elements, elementProblem } };
}
