// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../../engine/scenario/builtin';
import { Session } from '../../engine/session';
import { describe as describeMachine } from '../../engine/view';
import { DEFAULT_LABELS, escapeXml, renderQueueSvg, wrap } from './diagramSvg';

function viewAt(name: string, step: number) {
  const session = new Session(builtinScenario(name)!, 1);
  session.jump(step);
  return { view: describeMachine(session.machine), current: session.current };
}

const parse = (svg: string) => new DOMParser().parseFromString(svg, 'image/svg+xml');

describe('the slide diagram', () => {
  it('is a well-formed SVG document holding the queue values', () => {
    const { view, current } = viewAt('single-read', 30);
    const q = view.queues[0]!;
    const svg = renderQueueSvg(
      { queue: q, title: 'A <single> read & more', labels: DEFAULT_LABELS, caption: current!.explain },
      30,
    );
    const doc = parse(svg);
    expect(doc.querySelector('parsererror')).toBeNull();
    const root = doc.documentElement;
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(root.querySelector('title')?.textContent).toBe('A <single> read & more · vq0 · step 30');
    expect(root.querySelector('[data-field="avail.idx"]')?.getAttribute('data-value')).toBe(String(q.avail.idx));
    expect(root.querySelector('[data-field="used.idx"]')?.getAttribute('data-value')).toBe(String(q.used.idx));
    for (const d of q.desc) {
      const cells = [...root.querySelectorAll(`[data-desc="${d.index}"] text`)].map((t) => t.textContent);
      expect(cells.slice(0, 3)).toEqual([String(d.index), `0x${d.addr.toString(16)}`, String(d.len)]);
      expect(cells[4]).toBe(String(d.next));
    }
    q.avail.ring.forEach((v, k) =>
      expect(root.querySelector(`[data-slot="avail.ring[${k}]"]`)?.textContent).toBe(String(v)),
    );
    q.used.ring.forEach((e, k) =>
      expect(root.querySelector(`[data-slot="used.ring[${k}]"]`)?.textContent).toBe(`id ${e.id} · len ${e.len}`),
    );
    // The caption is the step's sentence.
    const caption = [...root.querySelectorAll('text')].map((t) => t.textContent).join(' ');
    expect(caption).toContain(current!.explain.split(' ').slice(0, 4).join(' '));
  });

  it('draws an arrow from the avail slot to the chain head and along the chain', () => {
    // Step 17 has avail.idx published: one chain of three descriptors in the ring.
    const { view } = viewAt('single-read', 17);
    const q = view.queues[0]!;
    expect(q.chains).toHaveLength(1);
    const svg = renderQueueSvg({ queue: q, title: 't', labels: DEFAULT_LABELS, caption: '' }, 17);
    const paths = parse(svg).querySelectorAll('path[marker-end]');
    expect(paths.length).toBe(1 + (q.chains[0]!.descs.length - 1));
    expect(svg).not.toContain('NaN');
  });

  it('stays a slide for a large ring, saying what it leaves out', () => {
    const { view } = viewAt('random-soak', 200);
    const q = view.queues[0]!;
    const svg = renderQueueSvg({ queue: q, title: 'soak', labels: DEFAULT_LABELS, caption: 'x' }, 200);
    const doc = parse(svg);
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.querySelectorAll('[data-desc]').length).toBe(Math.min(32, q.size));
    if (q.size > 32) expect(svg).toContain(`of ${q.size}`);
    expect(Number(doc.documentElement.getAttribute('height'))).toBeLessThan(1400);
  });

  it('escapes text and wraps long captions', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    const lines = wrap('word '.repeat(60).trim(), 50);
    expect(lines.every((l) => l.length <= 50)).toBe(true);
    expect(lines.join(' ')).toBe('word '.repeat(60).trim());
    expect(wrap('设备'.repeat(40), 30).every((l) => l.length <= 30)).toBe(true);
  });
});
