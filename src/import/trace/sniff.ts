import { eventNumber } from './events';

const EVENT_LINE = /^(?:\d+@\d+\.\d+:)?([A-Za-z_][A-Za-z0-9_]*) /;

/** True when one of the first lines of the text is a virtio trace event the importer knows. */
export function looksLikeTrace(head: string, maxLines = 200): boolean {
  const lines = head.split('\n', maxLines);
  return lines.some((l) => {
    const m = EVENT_LINE.exec(l);
    return m !== null && eventNumber(m[1]!) !== undefined;
  });
}
