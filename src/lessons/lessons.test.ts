import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../engine/scenario/builtin';
import type { MachineView } from '../engine/view';
import { answerOf } from './answers';
import { LESSONS } from './catalog';
import { highlightLabelKey, parseHighlight } from './highlights';
import { planLesson } from './plan';
import { TEXT_PARAMS } from './textParams';
import { lessonSummaryKey, lessonTitleKey, stopQuestionKey, stopTextKey, type PlannedStop } from './types';

const LOCALES = fileURLToPath(new URL('../ui/i18n/locales', import.meta.url));
type Json = string | { [k: string]: Json };
const load = (lng: string): Json => JSON.parse(readFileSync(join(LOCALES, lng, 'lessons.json'), 'utf8')) as Json;
const TEXTS = { en: load('en'), 'zh-CN': load('zh-CN') };

function lookup(root: Json, key: string): string | undefined {
  let node: Json | undefined = root;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

const variables = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]!);

describe('the lesson catalogue', () => {
  it('has the nine lessons of the issue, each with a unique id and unique stop ids', () => {
    expect(LESSONS.map((l) => l.id)).toEqual([
      'why-paravirt',
      'journey',
      'chains',
      'indices',
      'notify',
      'out-of-order',
      'indirect',
      'multiqueue',
      'break-it',
    ]);
    for (const lesson of LESSONS) {
      const ids = lesson.stops.map((s) => s.id);
      expect(new Set(ids).size, lesson.id).toBe(ids.length);
      expect(lesson.stops.length, lesson.id).toBeGreaterThanOrEqual(4);
    }
  });

  it('names only built-in scenarios', () => {
    for (const lesson of LESSONS) {
      const names = [lesson.scenario.name, ...lesson.stops.flatMap((s) => (s.scenario ? [s.scenario.name] : []))];
      const compared = lesson.stops.flatMap((s) => s.compare?.entries.map((e) => e.scenario) ?? []);
      for (const name of [...names, ...compared]) expect(builtinScenario(name), `${lesson.id}: ${name}`).toBeDefined();
    }
  });

  it('asks no question at a lesson’s first stop (a question is asked at the state before its stop)', () => {
    for (const lesson of LESSONS) expect(lesson.stops[0]?.question, lesson.id).toBeUndefined();
  });

  it('has every text in English and Chinese, quoting only the numbers the player passes', () => {
    const missing: string[] = [];
    const badVars: string[] = [];
    for (const lesson of LESSONS) {
      const keys = [lessonTitleKey(lesson), lessonSummaryKey(lesson)];
      for (const stop of lesson.stops) {
        keys.push(stopTextKey(lesson, stop));
        if (stop.question) {
          keys.push(stopQuestionKey(lesson, stop));
          for (const c of stop.question.choices ?? []) if (c.labelKey) keys.push(c.labelKey);
        }
        for (const e of stop.compare?.entries ?? []) keys.push(e.labelKey);
        for (const h of stop.highlight) {
          const p = parseHighlight(h);
          keys.push(p ? highlightLabelKey(p) : `unknown highlight ${h}`);
        }
      }
      for (const [lng, root] of Object.entries(TEXTS))
        for (const key of keys) {
          const text = lookup(root, key);
          if (text === undefined || text.trim() === '') missing.push(`${lng}: ${key}`);
          else if (key.endsWith('.text') || key.endsWith('.q'))
            for (const v of variables(text))
              if (!(TEXT_PARAMS as readonly string[]).includes(v)) badVars.push(`${lng}: ${key} {{${v}}}`);
        }
    }
    expect(missing).toEqual([]);
    expect(badVars).toEqual([]);
  });

  // A stop scrolls its first listed highlight into view (src/ui/lessons/highlight.ts): it must be what the narration
  // is about. Checked where the narration says so in words a test can read: the fields its first sentence names.
  describe('lists first what the narration is about', () => {
    const firstSentence = (text: string) => text.split(/(?<=[.!?])\s/)[0]!;
    const names = (sentence: string, h: string) =>
      /[._]/.test(h) && new RegExp(`(?<![\\w.])${h.replace('.', '\\.')}(?![\\w])`).test(sentence);
    const stops = LESSONS.flatMap((lesson) =>
      lesson.stops.map((stop) => {
        const sentence = firstSentence(lookup(TEXTS.en, stopTextKey(lesson, stop)) ?? '');
        return { where: `${lesson.id}:${stop.id}`, stop, named: stop.highlight.filter((h) => names(sentence, h)) };
      }),
    );

    it('finds the fields a sentence names, and only whole names', () => {
      expect(names('the driver has not yet moved used_event, and', 'used_event')).toBe(true);
      expect(names('signalled_used_valid is false', 'signalled_used')).toBe(false);
      expect(names('it reads vq1.used.idx', 'used.idx')).toBe(false);
      expect(names('it reads avail.idx, then', 'avail.idx')).toBe(true);
      expect(stops.filter((s) => s.named.length > 0).length).toBeGreaterThanOrEqual(15);
    });

    it('puts no strip, step or counters first when the first sentence names a highlighted field', () => {
      const generic = ['notify', 'step', 'counters'];
      const wrong = stops.filter((s) => s.named.length > 0 && generic.includes(s.stop.highlight[0]!));
      expect(wrong.map((s) => `${s.where} [${s.stop.highlight.join(', ')}]`)).toEqual([]);
    });

    it('lists the highlighted fields the first sentence names before those it does not', () => {
      const wrong = stops.filter((s) => {
        const fields = s.stop.highlight.filter((h) => /[._]/.test(h));
        const firstUnnamed = fields.findIndex((h) => !s.named.includes(h));
        return firstUnnamed >= 0 && firstUnnamed < fields.findLastIndex((h) => s.named.includes(h));
      });
      expect(wrong.map((s) => `${s.where} [${s.stop.highlight.join(', ')}] names ${s.named.join(', ')}`)).toEqual([]);
    });
  });

  for (const lesson of LESSONS) {
    describe(lesson.id, () => {
      const views: MachineView[] = [];
      let plan: PlannedStop[] = [];
      it('reaches every stop in the real engine, never going back within a scenario', () => {
        plan = planLesson(lesson, { onStop: (_, view) => views.push(view) });
        expect(plan).toHaveLength(lesson.stops.length);
        plan.forEach((p, i) => {
          const prev = plan[i - 1];
          if (prev && !p.stop.scenario) expect(p.step, p.stop.id).toBeGreaterThanOrEqual(prev.step);
          expect(views[i]!.step, p.stop.id).toBe(p.step);
        });
      });

      it('highlights only elements that exist in the state each stop shows', () => {
        plan.forEach((p, i) => {
          for (const h of p.stop.highlight) {
            const parsed = parseHighlight(h);
            expect(parsed, `${p.stop.id}: ${h}`).not.toBeNull();
            if (parsed && 'indexed' in parsed)
              expect(parsed.index, `${p.stop.id}: ${h}`).toBeLessThan(views[i]!.queues[0]!.size);
          }
        });
      });

      if (lesson.id === 'break-it')
        it('marks, in the looped chain, the descriptor whose next points at itself', () => {
          const i = plan.findIndex((p) => p.stop.id === 'loop');
          const marked = plan[i]!.stop.highlight[0]!;
          const parsed = parseHighlight(marked);
          expect(parsed && 'indexed' in parsed ? parsed.indexed : null).toBe('desc');
          const index = parsed && 'indexed' in parsed ? parsed.index : -1;
          const d = views[i]!.queues[0]!.desc[index]!;
          expect(d.next).toBe(index);
          expect(d.head).not.toBeNull();
        });

      it('computes every answer from the revealed state, and a choice question offers it', () => {
        plan.forEach((p, i) => {
          const q = p.stop.question;
          if (!q) return;
          const answer = answerOf(q.answer, views[i]!, q.queue ?? 0);
          expect(Number.isInteger(answer), p.stop.id).toBe(true);
          if (q.kind === 'choice')
            expect(
              q.choices?.map((c) => c.value),
              p.stop.id,
            ).toContain(answer);
          else expect(q.choices, p.stop.id).toBeUndefined();
        });
      });
    });
  }
});
