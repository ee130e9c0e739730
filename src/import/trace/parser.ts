import type { ImportFile, ImportProblem, ImportResult } from '../types';
import { TRACE_EVENTS, type TraceEventName } from './events';
import type { TraceHistory } from './history';
import { LINE_BLANK, LINE_ERROR, LINE_EVENT, LineReader } from './lineReader';
import { TraceReplayer } from './replayer';

export interface TraceProgress {
  bytes: number;
  lines: number;
  events: number;
  /** Bytes the history's columns hold so far. */
  bytesHeld: number;
}

/**
 * Parses a QEMU trace log fed in chunks of any size (bytes or text), so a worker can read a large file piece by
 * piece and report progress. The first contradiction or unparsable line of a known event stops it: the result
 * is then what was valid before that line, marked partial, with the problem.
 */
export class TraceParser {
  private readonly reader = new LineReader();
  private readonly replayer = new TraceReplayer();
  private readonly decoder = new TextDecoder('utf-8');
  private carry = '';
  private lineNo = 0;
  private bytes = 0;
  private ignored = 0;
  private readonly ignoredByName = new Map<string, number>();
  private readonly counts = new Uint32Array(TRACE_EVENTS.length);
  private timestamps = false;
  private problem: ImportProblem | null = null;
  private finished = false;

  constructor(readonly file: string) {}

  /** True once a problem stopped the parse: later chunks are not read. */
  get stopped(): boolean {
    return this.problem !== null;
  }

  get progress(): TraceProgress {
    return {
      bytes: this.bytes,
      lines: this.lineNo,
      events: this.replayer.eventCount,
      bytesHeld: this.replayer.bytesHeld,
    };
  }

  feed(chunk: Uint8Array | string): void {
    if (this.finished) throw new Error('TraceParser.feed after finish');
    if (this.problem) return;
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    this.bytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const piece = text.slice(start, nl);
      const line = this.carry === '' ? piece : this.carry + piece;
      this.carry = '';
      start = nl + 1;
      if (!this.handle(line, false)) return;
    }
    this.carry += text.slice(start);
  }

  finish(): ImportResult<TraceHistory> {
    if (!this.finished) {
      this.finished = true;
      if (!this.problem) {
        const tail = this.carry + this.decoder.decode();
        this.carry = '';
        if (tail !== '') this.handle(tail, true);
      }
    }
    const parts = this.replayer.build();
    const eventCounts: Partial<Record<TraceEventName, number>> = {};
    TRACE_EVENTS.forEach((name, i) => {
      if (this.counts[i]) eventCounts[name] = this.counts[i];
    });
    const lines = this.problem ? this.lineNo - 1 : this.lineNo;
    const history: TraceHistory = {
      file: this.file,
      lines,
      ignoredLines: this.ignored,
      ignoredByName: Object.fromEntries(this.ignoredByName),
      eventCounts,
      hasTimestamps: this.timestamps,
      ...parts,
    };
    if (this.problem) return { ok: true, value: history, partial: true, problem: this.problem };
    if (parts.events.length === 0) {
      return {
        ok: false,
        problem: {
          file: this.file,
          message: `no QEMU virtio trace events in ${lines} line(s): not a trace log of virtio-blk (log backend)`,
        },
      };
    }
    return { ok: true, value: history, partial: false };
  }

  /** One line; false when it stopped the parse. */
  private handle(line: string, last: boolean): boolean {
    this.lineNo++;
    const code = this.reader.read(line);
    if (code === LINE_EVENT) {
      const message = this.replayer.apply(this.reader, this.lineNo);
      if (message === null) {
        this.counts[this.reader.kind]!++;
        if (!Number.isNaN(this.reader.timeUs)) this.timestamps = true;
        return true;
      }
      this.problem = { file: this.file, line: this.lineNo, message };
      return false;
    }
    if (code === LINE_ERROR) {
      const cut = last ? ' (the file ends in the middle of this line: truncated?)' : '';
      this.problem = { file: this.file, line: this.lineNo, message: this.reader.error + cut };
      return false;
    }
    this.ignored++;
    if (code !== LINE_BLANK) {
      const name = this.reader.ignoredName;
      this.ignoredByName.set(name, (this.ignoredByName.get(name) ?? 0) + 1);
    }
    return true;
  }
}

/** Parses a whole trace held in memory (the CLI, tests); the page uses the worker. */
export function parseTrace(file: ImportFile | { name: string; text: string }): ImportResult<TraceHistory> {
  const parser = new TraceParser(file.name);
  if ('text' in file) parser.feed(file.text);
  else {
    const CHUNK = 1 << 20;
    for (let at = 0; at < file.bytes.byteLength && !parser.stopped; at += CHUNK) {
      parser.feed(file.bytes.subarray(at, at + CHUNK));
    }
  }
  return parser.finish();
}
