import type { EmbedOptions } from './urlCodec';

/** The step range an embed plays: [from, to], to null meaning the end of the run. */
export interface EmbedRange {
  from: number;
  to: number | null;
}

export const rangeOf = (o: EmbedOptions): EmbedRange => ({ from: o.from ?? 0, to: o.to });

/** Where an embed opens: the link's step when it lies in the range, else the range's start. */
export function startStep(range: EmbedRange, linkStep: number): number {
  if (linkStep < range.from) return range.from;
  if (range.to !== null && linkStep > range.to) return range.from;
  return linkStep;
}

/** What playback does next at `step`: take a step, go back to the start (loop), or stop. */
export function nextMove(range: EmbedRange, step: number, ended: boolean, loop: boolean): 'step' | 'restart' | 'stop' {
  const atEnd = ended || (range.to !== null && step >= range.to);
  if (!atEnd) return 'step';
  return loop && step > range.from ? 'restart' : 'stop';
}
