import { validateQueueSize } from '../../virtio/layout';
import type { ImportFile, ImportProblem, ImportResult } from '../types';
import { AREAS, assignAreas } from './areas';
import { CapturedMemory } from './capturedMemory';
import { decodeRing } from './decode';
import { readExtraJson } from './extraJson';
import { matchElementFiles } from './matchElements';
import { decideVhost } from './vhostDecision';
import { findDisagreements } from './disagreements';
import { parseHmpStatusText } from './hmpText';
import { parseQmpStatusText, type DocResult } from './qmpText';
import { decodeText, lineOfKey } from './textPos';
import type { CapturedArea, RingSnapshot } from './types';

const isBin = (f: ImportFile) => /\.bin$/i.test(f.name);
const looksJson = (f: ImportFile, text: string) => /\.json$/i.test(f.name) || /^\s*[{[]/.test(text);

/**
 * The status file: the first JSON holding a queue status (`vring-num`), else the first JSON, else the first text
 * with `info virtio-queue-status` output. A saved `x-query-virtio-queue-element` answer given before the status
 * (as a shell glob sorts `element….json` first) must not be taken for it.
 */
function pickStatus(files: ImportFile[]): { file: ImportFile; text: string; json: boolean } | null {
  const texts = files.filter((f) => !isBin(f)).map((f) => ({ file: f, text: decodeText(f.bytes) }));
  const jsons = texts.filter((t) => looksJson(t.file, t.text));
  const json = jsons.find((t) => /"vring-num"\s*:/.test(t.text));
  if (json) return { ...json, json: true };
  // An HMP status with JSON beside it (an x-query-virtio-status or element answer) is still the HMP one.
  const hmp = texts.find((t) => !jsons.includes(t) && /(last_avail_idx|signalled_used_valid)\s*:/.test(t.text));
  if (hmp) return { ...hmp, json: false };
  if (jsons[0]) return { ...jsons[0], json: true };
  return texts[0] ? { ...texts[0], json: false } : null;
}

/**
 * A ring snapshot from its files: one status file (QMP `x-query-virtio-queue-status` JSON, bare, plain or in the
 * samples' capture wrapper; or HMP `info virtio-queue-status` text) and the three pmemsave dumps. Never throws:
 * bad input is an ImportProblem naming the file and line or byte. The ring is all or nothing; a bad element query
 * after a good ring gives a partial result (the elements before it).
 */
export function parseSnapshotFiles(files: ImportFile[]): ImportResult<RingSnapshot> {
  try {
    return parse(files);
  } catch (e) {
    // Every known bad input is handled above; this keeps a bug from crashing the page.
    return { ok: false, problem: { file: files[0]?.name ?? '', message: `could not read the snapshot: ${String(e)}` } };
  }
}

function parse(files: ImportFile[]): ImportResult<RingSnapshot> {
  const picked = pickStatus(files);
  if (!picked)
    return {
      ok: false,
      problem: {
        file: files[0]?.name ?? '',
        message: 'no status file: add the x-query-virtio-queue-status JSON or the info virtio-queue-status text',
      },
    };
  const { file, text, json } = picked;
  const doc: DocResult = json ? parseQmpStatusText(file.name, text) : parseHmpStatusText(file.name, text);
  if (!doc.ok) return { ok: false, problem: doc.problem };
  const extra = readExtraJson(files.filter((f) => f !== file && !isBin(f)));
  if (!extra.ok) return { ok: false, problem: extra.problem };
  const { elementProblem } = doc.doc;
  const vhostDecision = decideVhost(doc.doc.status, extra.extra.device);
  // The decision replaces the inference in both queries: everything after reads `vhost` from the status.
  const status = { ...doc.doc.status, vhost: vhostDecision.vhost };
  const statusAfter = doc.doc.statusAfter && { ...doc.doc.statusAfter, vhost: vhostDecision.vhost };
  const num = status.vring.num;
  const sized = validateQueueSize(num);
  if (!sized.ok)
    return {
      ok: false,
      problem: {
        file: file.name,
        line: lineOfKey(text, 'vring-num') ?? lineOfKey(text, 'num') ?? 1,
        message: `vring-num ${num} is not a split-ring size (a power of two up to 32768)`,
      },
    };
  const gpa = { desc: status.vring.desc, avail: status.vring.avail, used: status.vring.used };
  const assigned = assignAreas(files.filter(isBin), num, file.name, gpa);
  if (!assigned.ok) return { ok: false, problem: assigned.problem };
  const dumps = assigned.dumps.map((d) => ({ file: d.file.name, gpa: d.gpa, bytes: d.file.bytes }));
  const areas: CapturedArea[] = AREAS.map((a) => {
    const offset = assigned.ringDumps.find((r) => r.areas[a] !== undefined)?.areas[a];
    return {
      area: a,
      file: assigned.areas[a].name,
      gpa: gpa[a],
      bytes: assigned.areas[a].bytes,
      ...(offset !== undefined ? { offset } : {}),
    };
  });
  const cap = new CapturedMemory(
    num,
    {
      desc: { gpa: gpa.desc, bytes: assigned.areas.desc.bytes },
      avail: { gpa: gpa.avail, bytes: assigned.areas.avail.bytes },
      used: { gpa: gpa.used, bytes: assigned.areas.used.bytes },
    },
    dumps,
  );
  const decoded = decodeRing(cap, status, doc.doc.elements);
  const byFile = matchElementFiles(
    decoded.outstanding,
    extra.extra.elements,
    { usedIdx: decoded.used.idx, availIdx: decoded.avail.idx },
    file.name,
  );
  // Every element query, by avail position (one the status's wrapper held, or a file's that matched a chain).
  const elements = [...doc.doc.elements, ...byFile.matched].sort(
    (a, b) => (a.availPos ?? Infinity) - (b.availPos ?? Infinity),
  );
  const base = { status, statusAfter, size: num, elements, ...decoded };
  const snapshot: RingSnapshot = {
    origin: json ? 'qmp' : 'hmp',
    statusFile: file.name,
    addrs: gpa,
    areas,
    dumps,
    ringDumps: assigned.ringDumps,
    vhostDecision,
    unmatchedElements: byFile.unmatched,
    ...base,
    disagreements: findDisagreements(base),
  };
  const problem: ImportProblem | null = elementProblem;
  return problem
    ? { ok: true, value: snapshot, partial: true, problem }
    : { ok: true, value: snapshot, partial: false };
}
