import type { RingSnapshot } from './snapshot';
import { looksLikeSnapshot, parseSnapshotFiles } from './snapshot';
import type { TraceHistory } from './trace/history';
import { parseTrace } from './trace/parser';
import { looksLikeTrace } from './trace/sniff';
import type { ImportFile, ImportProblem, ImportResult } from './types';

export type DetectedImport =
  | { kind: 'trace'; file: ImportFile }
  | { kind: 'snapshot'; files: ImportFile[] }
  | { kind: 'unknown'; problem: ImportProblem };

export type ImportOutcome =
  | { kind: 'trace'; result: ImportResult<TraceHistory> }
  | { kind: 'snapshot'; result: ImportResult<RingSnapshot> }
  | { kind: 'unknown'; problem: ImportProblem };

const HEAD_BYTES = 64 * 1024;
const TIMESTAMP_PREFIX = /^\d+@\d+\.\d+:[A-Za-z_]/m;

const head = (f: ImportFile) => new TextDecoder('utf-8').decode(f.bytes.subarray(0, HEAD_BYTES));
const isBinaryText = (text: string) => text.includes('\u0000');
const isBin = (f: ImportFile) => /\.bin$/i.test(f.name);

/** A QEMU trace log: a known virtio event near the top, or QEMU's `<tid>@<sec>.<usec>:` line prefix. */
function isTrace(f: ImportFile): boolean {
  if (isBin(f)) return false;
  const text = head(f);
  return !isBinaryText(text) && (looksLikeTrace(text) || TIMESTAMP_PREFIX.test(text));
}

/** QMP JSON, HMP `info virtio-queue-status` text, or a pmemsave dump. */
function isSnapshotPart(f: ImportFile): boolean {
  if (isBin(f) || looksLikeSnapshot([f])) return true;
  const text = head(f);
  if (isBinaryText(text)) return false;
  return /^\s*[{[]/.test(text) || /last_avail_idx\s*:|virtio-queue-status|last-avail-idx/.test(text);
}

const KNOWN =
  'expected a QEMU -trace log (lines such as "virtqueue_pop vq 0x... elem 0x... in_num 2 out_num 1") or a ring ' +
  'snapshot (x-query-virtio-queue-status JSON or info virtio-queue-status text, with the desc/avail/used .bin dumps)';

/** Decides from names and contents whether the files are one trace log or one ring snapshot. */
export function detectImport(files: ImportFile[]): DetectedImport {
  if (files.length === 0) return { kind: 'unknown', problem: { file: '', message: `no files: ${KNOWN}` } };
  const traces = files.filter(isTrace);
  const others = files.filter((f) => !traces.includes(f));
  if (traces.length > 1) {
    return {
      kind: 'unknown',
      problem: { file: traces[1]!.name, message: `one trace log at a time (also given: ${traces[0]!.name})` },
    };
  }
  if (traces.length === 1 && others.length === 0) return { kind: 'trace', file: traces[0]! };
  const unknown = others.find((f) => !isSnapshotPart(f));
  if (unknown) {
    const empty = unknown.bytes.byteLength === 0;
    return {
      kind: 'unknown',
      problem: {
        file: unknown.name,
        ...(empty ? {} : isBinaryText(head(unknown)) ? { byte: 0 } : { line: 1 }),
        message: empty ? `the file is empty: ${KNOWN}` : `unknown format: ${KNOWN}`,
      },
    };
  }
  if (traces.length === 1) {
    return {
      kind: 'unknown',
      problem: {
        file: traces[0]!.name,
        message: `a trace log and a ring snapshot together: import them one at a time (snapshot files: ${others
          .map((f) => f.name)
          .join(', ')})`,
      },
    };
  }
  return { kind: 'snapshot', files };
}

/** Detects and parses in one go (the CLI and tests; the page parses traces in a worker). Never throws. */
export function importFiles(files: ImportFile[]): ImportOutcome {
  const d = detectImport(files);
  if (d.kind === 'trace') return { kind: 'trace', result: parseTrace(d.file) };
  if (d.kind === 'snapshot') return { kind: 'snapshot', result: parseSnapshotFiles(d.files) };
  return d;
}
