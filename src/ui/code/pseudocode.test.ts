import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS } from '../../engine/scenario/builtin';
import { Session } from '../../engine/session';
import type { StepRecord } from '../../engine/step';
import { fileUrl, functionUrl } from './links';
import { activeLines, KNOWN_FUNCTIONS, pseudocodeFor } from './pseudocode';

/** Steps of every built-in scenario (the long soak only in part). */
function* allSteps(): Generator<[string, StepRecord]> {
  for (const scenario of BUILTIN_SCENARIOS) {
    const session = new Session(scenario, 1);
    for (let n = 0; n < 4000; n++) {
      const r = session.stepOnce();
      if (!r) break;
      yield [scenario.name, r];
    }
  }
}

const steps = [...allSteps()];

describe('pseudocode', () => {
  it('exists for every function the built-in scenarios play out, in the right tree', () => {
    const missing = new Set<string>();
    for (const [, r] of steps) {
      const f = pseudocodeFor(r.fn);
      if (!f) missing.add(r.fn);
      else expect(f.source, r.fn).toBe(r.source);
    }
    expect([...missing]).toEqual([]);
  });

  it('points at a line for every write, barrier, notification and completion', () => {
    const unmatched = new Set<string>();
    for (const [name, r] of steps) {
      const important =
        r.kind !== 'action' ||
        r.events.some((e) =>
          [
            'kick',
            'kick-suppressed',
            'interrupt',
            'interrupt-suppressed',
            'completed',
            'error',
            'popped',
            'io-submitted',
          ].includes(e.type),
        );
      // An injected fault's store is not in the real function's code, so there is no line to point at.
      const injected = r.fault !== undefined || r.events.some((e) => e.type === 'fault');
      const f = pseudocodeFor(r.fn);
      if (important && !injected && f && activeLines(f, r).length === 0)
        unmatched.add(`${name}: ${r.fn}: ${r.explain}`);
    }
    expect([...unmatched]).toEqual([]);
  });

  it('highlights the avail.idx store and the barrier before it in virtqueue_add_split', () => {
    const f = pseudocodeFor('virtqueue_add_split')!;
    const publish = steps.find(([, r]) => r.fn === f.fn && /avail\.idx = /.test(r.explain))![1];
    const wmb = steps.find(([, r]) => r.fn === f.fn && r.kind === 'barrier')![1];
    const [pi] = activeLines(f, publish);
    const [bi] = activeLines(f, wmb);
    expect(f.lines[pi!]!.code).toMatch(/avail\.idx = /);
    expect(f.lines[bi!]!.code).toMatch(/virtio_wmb/);
    expect(bi!).toBeLessThan(pi!);
  });

  it("shows Linux's forced notify on a full ring as vq->notify (vp_notify), and virtqueue_disable_cb_split's event_triggered test", () => {
    const add = pseudocodeFor('virtqueue_add_split')!.lines.map((l) => l.code);
    const full = add.findIndex((c) => /num_free < descs_used/.test(c));
    expect(add[full + 1]).toMatch(/if out_sgs: vq\.notify\(vq\)/);
    expect(add[full + 2]).toMatch(/return -ENOSPC/);
    const forced = steps.find(([name, r]) => name === 'ring-full' && r.fn === 'vp_notify')![1];
    const vp = pseudocodeFor('vp_notify')!;
    expect(vp.source).toBe('linux');
    expect(vp.lines[activeLines(vp, forced)[0]!]!.code).toMatch(/iowrite16/);
    const disable = pseudocodeFor('virtqueue_disable_cb_split')!.lines.map((l) => l.code.trim());
    const shadow = disable.indexOf('vq.avail_flags_shadow |= NO_INTERRUPT');
    expect(disable[shadow + 1]).toMatch(/^if vq\.event_triggered: return/);
  });

  it('puts the start of a read or write in virtio_blk_submit_multireq, not in virtio_blk_handle_request', () => {
    const submitted = steps.find(
      ([name, r]) => name === 'single-read' && r.events.some((e) => e.type === 'io-submitted'),
    )![1];
    expect(submitted.fn).toBe('virtio_blk_submit_multireq');
    const f = pseudocodeFor('virtio_blk_submit_multireq')!;
    expect(f.lines[activeLines(f, submitted)[0]!]!.code).toMatch(/submit_requests/);
    const handle = pseudocodeFor('virtio_blk_handle_request')!;
    expect(handle.lines.map((l) => l.code).join('\n')).not.toMatch(/start the read or write/);
  });

  it('covers the functions the lessons name even where the engine folds them into others', () => {
    for (const fn of [
      'vring_interrupt',
      'virtblk_done',
      'virtqueue_get_buf',
      'detach_buf_split',
      'virtqueue_push',
      'virtio_blk_handle_vq',
      'virtio_blk_handle_request',
      'virtio_blk_handle_output',
    ])
      expect(KNOWN_FUNCTIONS).toContain(fn);
  });

  it('links to the real function and file', () => {
    expect(functionUrl('virtqueue_add_split', 'linux')).toBe(
      'https://elixir.bootlin.com/linux/latest/A/ident/virtqueue_add_split',
    );
    expect(functionUrl('virtqueue_split_pop', 'qemu')).toBe(
      'https://elixir.bootlin.com/qemu/latest/A/ident/virtqueue_split_pop',
    );
    expect(fileUrl(pseudocodeFor('virtio_blk_req_complete')!.file, 'qemu')).toBe(
      'https://gitlab.com/qemu-project/qemu/-/blob/master/hw/block/virtio-blk.c',
    );
  });
});
