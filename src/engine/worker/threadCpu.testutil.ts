import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time of this process's threads, by thread id, from Linux's /proc (ticks of 10 ms). It lets a test count the
 * threads a worker runs on apart from V8's shared helper threads, whose garbage collection for every isolate
 * lands in process.cpuUsage() too. Null where /proc is not there.
 */
export function threadCpuMs(): Map<string, number> | null {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const out = new Map<string, number>();
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU the threads not in `before` (those started since) used from `from` to `to`. */
export function newThreadsCpuMs(
  before: ReadonlySet<string>,
  from: Map<string, number>,
  to: Map<string, number>,
): { ms: number; threads: number } {
  let ms = 0;
  let threads = 0;
  for (const [tid, t] of to) {
    if (before.has(tid)) continue;
    ms += t - (from.get(tid) ?? 0);
    threads++;
  }
  return { ms, threads };
}
