/**
 * Shared by every importer of real-VM data (QEMU trace logs, QMP/HMP ring snapshots): the files handed in, and
 * what goes wrong with them. A problem always says where: the file, and the line (text) or byte offset (binary).
 */
export interface ImportFile {
  name: string;
  bytes: Uint8Array;
  /**
   * Where a memory dump's first byte sits in guest-physical memory, when the user said so (the CLI's `--base`);
   * otherwise a dump's name may carry it (`ring_0x2986000.bin`).
   */
  gpa?: number;
}

export interface ImportProblem {
  file: string;
  /** 1-based line of a text file. */
  line?: number;
  /** 0-based byte offset in a binary file. */
  byte?: number;
  /** The archive `file` was unpacked from (then `file` is the entry's path inside it). */
  archive?: string;
  message: string;
  /**
   * The name (as handed in, before any archive path) of a memory dump whose guest-physical address the user may
   * give to get past this problem (ImportFile.gpa; the CLI's `--base`): one dump of the whole ring whose name
   * carries no address, or a dump whose given address did not fit. Absent when an address would not help.
   */
  baseFor?: string;
}

/** Either the whole result, or what was valid up to the first problem (marked partial), or nothing. */
export type ImportResult<T> =
  | { ok: true; value: T; partial: false }
  | { ok: true; value: T; partial: true; problem: ImportProblem }
  | { ok: false; problem: ImportProblem };
