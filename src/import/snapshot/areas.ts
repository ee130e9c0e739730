import { availRingBytes, descTableBytes, usedRingBytes } from '../../virtio/layout';
import type { ImportFile, ImportProblem } from '../types';
import { areaNotInDump, cutRingDump, pmemsaveRingCommand, type AreaPlaces } from './ringDump';
import type { RingDumpSlice, SnapshotArea } from './types';

export const AREAS: readonly SnapshotArea[] = ['desc', 'avail', 'used'];

/** The size pmemsave must have written for each area of a ring of `num` entries. */
export function areaBytes(area: SnapshotArea, num: number): number {
  return area === 'desc' ? descTableBytes(num) : area === 'avail' ? availRingBytes(num) : usedRingBytes(num);
}

const AREA_TEXT: Record<SnapshotArea, string> = {
  desc: 'descriptor table (16 × num)',
  avail: 'avail ring (6 + 2 × num)',
  used: 'used ring (6 + 8 × num)',
};

/** Which area a file's name says it holds ("…desc….bin", "…avail….bin", "…used….bin"), if any. */
export function areaByName(name: string): SnapshotArea | null {
  const base = name.replace(/^.*[\\/]/, '').toLowerCase();
  const hits = AREAS.filter((a) => base.includes(a));
  return hits.length === 1 ? hits[0]! : null;
}

/**
 * The guest-physical address a further dump's name gives (`pmemsave 0x3f1c000 48 ind_0x3f1c000.bin`, e.g. of an
 * indirect table), or null: the name holds no `0x` address, or one past 2^53 (no VM's RAM reaches that far).
 */
export function dumpAddrByName(name: string): number | null {
  const m = /0x([0-9a-f]+)/i.exec(name.replace(/^.*[\\/]/, ''));
  if (!m) return null;
  const addr = Number.parseInt(m[1]!, 16);
  return Number.isSafeInteger(addr) ? addr : null;
}

/**
 * The monitor command that saves an INDIRECT descriptor's table under a name dumpAddrByName reads back:
 * `pmemsave 0x2972f00 48 ind_0x2972f00.bin`.
 */
export function pmemsaveIndirectCommand(addr: bigint, len: number): string {
  const at = `0x${addr.toString(16)}`;
  return `pmemsave ${at} ${len} ind_${at}.bin`;
}

/** A dump of other guest memory than the three areas, at the address its file name gives. */
export interface MemoryDump {
  file: ImportFile;
  gpa: number;
}

/**
 * Assigns the binary files to the three areas: by name first, then by the guest-physical address the name carries
 * (or the user gave, ImportFile.gpa): a dump at an area's vring-* address of exactly its size is that area, and a
 * dump reaching into the areas otherwise is cut into the ones it holds (one pmemsave over the whole ring); then by
 * size (16·num, 6+2·num, 6+8·num are distinct for every queue size). A dump at an address that touches no area is a
 * further dump of guest memory (an indirect table, say). A named file of the wrong size, a dump holding part of an
 * area, a missing area or two files for one area is a problem naming the file and the byte where it goes wrong.
 */
export function assignAreas(
  bins: ImportFile[],
  num: number,
  statusFile: string,
  gpa: Record<SnapshotArea, number> | null = null,
): AssignedAreas {
  const r = assign(bins, num, statusFile, gpa);
  // An address the user gave that did not work out: another one may (the problem says what the dump held).
  const given = bins.find((f) => f.gpa !== undefined);
  if (!r.ok && given && r.problem.baseFor === undefined)
    return { ok: false, problem: { ...r.problem, baseFor: given.name } };
  return r;
}

type AssignedAreas =
  | { ok: true; areas: Record<SnapshotArea, ImportFile>; dumps: MemoryDump[]; ringDumps: RingDumpSlice[] }
  | { ok: false; problem: ImportProblem };

function assign(
  bins: ImportFile[],
  num: number,
  statusFile: string,
  gpa: Record<SnapshotArea, number> | null,
): AssignedAreas {
  const found: Partial<Record<SnapshotArea, ImportFile>> = {};
  const unnamed: ImportFile[] = [];
  const dumps: MemoryDump[] = [];
  const ringDumps: RingDumpSlice[] = [];
  const places = gpa
    ? (Object.fromEntries(AREAS.map((a) => [a, { gpa: gpa[a], bytes: areaBytes(a, num) }])) as AreaPlaces)
    : null;
  const take = (a: SnapshotArea, f: ImportFile): ImportProblem | null => {
    if (found[a]) return { file: f.name, message: `two files for the ${AREA_TEXT[a]}: ${found[a].name} and ${f.name}` };
    found[a] = f;
    return null;
  };
  for (const f of bins) {
    const at = f.gpa ?? dumpAddrByName(f.name);
    let a = areaByName(f.name);
    if (!a && at !== null && places) {
      a = AREAS.find((x) => places[x].gpa === at && places[x].bytes === f.bytes.length) ?? null;
      if (!a) {
        const cut = cutRingDump(f, at, places);
        if (cut.kind === 'problem') return { ok: false, problem: cut.problem };
        if (cut.kind === 'areas') {
          ringDumps.push(cut.slice);
          for (const x of AREAS) {
            const part = cut.parts[x];
            const clash = part ? take(x, part) : null;
            if (clash) return { ok: false, problem: clash };
          }
          continue;
        }
      }
    }
    if (!a && at !== null) {
      if (f.bytes.length === 0) return { ok: false, problem: { file: f.name, byte: 0, message: `${f.name} is empty` } };
      dumps.push({ file: f, gpa: at });
      continue;
    }
    if (!a) {
      unnamed.push(f);
      continue;
    }
    const clash = take(a, f);
    if (clash) return { ok: false, problem: clash };
  }
  for (const f of unnamed) {
    const a = AREAS.find((x) => !found[x] && areaBytes(x, num) === f.bytes.length);
    if (a) found[a] = f;
  }
  for (const a of AREAS) {
    const f = found[a];
    const want = areaBytes(a, num);
    if (!f) {
      const stray = unnamed.find((u) => !AREAS.some((x) => found[x] === u));
      const ringDump = ringDumps[0];
      if (!stray && ringDump && places) return { ok: false, problem: areaNotInDump(a, places, ringDump) };
      // A dump of the whole ring needs the address of its first byte to be cut: the command names it so.
      const whole = places && stray && stray.bytes.length > want ? `; ${wholeRingHint(places)}` : '';
      return {
        ok: false,
        problem: stray
          ? {
              file: stray.name,
              byte: Math.min(stray.bytes.length, want),
              message: `${stray.name} is ${stray.bytes.length} bytes, which fits no area of a ring of ${num}: the ${AREA_TEXT[a]} must be ${want} bytes${whole}`,
              ...(whole ? { baseFor: stray.name } : {}),
            }
          : {
              file: statusFile,
              message: `the ${AREA_TEXT[a]} is missing: add the pmemsave dump of ${want} bytes from vring-${a}`,
            },
      };
    }
    if (f.bytes.length !== want) {
      const short = f.bytes.length < want;
      return {
        ok: false,
        problem: {
          file: f.name,
          byte: short ? f.bytes.length : want,
          message: short
            ? `${f.name} is truncated: the ${AREA_TEXT[a]} of a ring of ${num} is ${want} bytes, the file ends at byte ${f.bytes.length}`
            : `${f.name} is too long: the ${AREA_TEXT[a]} of a ring of ${num} is ${want} bytes, the file has ${f.bytes.length} (extra from byte ${want})`,
        },
      };
    }
  }
  return { ok: true, areas: found as Record<SnapshotArea, ImportFile>, dumps, ringDumps };
}

/** What to do with a dump of the whole ring that carries no address. */
function wholeRingHint(places: AreaPlaces): string {
  const start = Math.min(...AREAS.map((a) => places[a].gpa));
  return (
    `if it is one dump of the whole ring, name it by the guest-physical address of its first byte ` +
    `(\`${pmemsaveRingCommand(places)}\` saves it as ring_0x${start.toString(16)}.bin; the CLI also takes --base ADDR)`
  );
}
