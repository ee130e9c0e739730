import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkpointReplacer } from '../machine/checkpointJson';
import { Machine, type SavedMachine } from '../machine/machine';
import { BUILTIN_SCENARIOS, builtinScenario } from '../scenario/builtin';
import { deviceOnly, fromWire, packDescState, playbackOnly, toWire, unpackDescState } from './wireState';

const json = (x: unknown) => JSON.stringify(x, checkpointReplacer);
/** A saved state without the two parts a played-out store may move. */
const rest = (s: SavedMachine) => ({
  json: json({ ...s, machine: null, alloc: null, dataBytes: null }),
  bytes: s.dataBytes ? Buffer.from(s.dataBytes) : null,
});
type DescState = SavedMachine['driver']['vqs'][number]['desc_state'];

describe('wire state', () => {
  it('packs desc_state into columns and back without loss', () => {
    const entry = fc.record({
      data: fc.option(fc.oneof(fc.nat(), fc.double({ noNaN: true })), { nil: null }),
      indir_desc: fc.option(fc.nat(), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 300 }), (list) => {
        const back = unpackDescState(packDescState(list as DescState));
        expect(back).toEqual(list);
        back.forEach((d, i) => expect(Object.is(d.data, list[i]!.data)).toBe(true));
      }),
    );
  });

  it('a state sent through toWire, a structured clone and fromWire loads into an equal machine', () => {
    const scenario = builtinScenario('indirect')!;
    const m = new Machine({ scenario, seed: 2 });
    for (let i = 0; i < 80; i++) m.step();
    const saved = m.savePlain(true, false);
    const before = json(saved);
    const wire = structuredClone(toWire(saved));
    expect(json(saved)).toBe(before); // toWire leaves its input alone
    const other = new Machine({ scenario, seed: 2, memoryBuffer: m.mem.buffer, diskBuffer: m.disk.buffer });
    other.loadPlain(fromWire(wire), false);
    expect(other.saveStateJSON()).toBe(m.saveStateJSON());
    expect(json(other.step())).toBe(json(m.step()));
    expect(other.saveStateJSON()).toBe(m.saveStateJSON());
  });

  it('a step that playbackOnly accepts moves nothing but the machine state and the allocation map', () => {
    let checked = 0;
    for (const scenario of BUILTIN_SCENARIOS) {
      const m = new Machine({ scenario, seed: 5 });
      for (let i = 0; i < 800; i++) {
        const playing = m.peek() !== null;
        if (!playing) {
          if (m.step() === null) break;
          continue;
        }
        const before = rest(m.savePlain(true, false));
        const record = m.step();
        if (record === null) break;
        if (!playbackOnly(playing, record)) continue;
        const after = rest(m.savePlain(true, false));
        expect(after.json, `${scenario.name} step ${record.index} (${record.fn})`).toBe(before.json);
        expect(after.bytes?.equals(before.bytes!) ?? before.bytes === null).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  }, 120_000);

  it('an IOThread operation that deviceOnly accepts leaves the driver, the allocation map and the data model', () => {
    let checked = 0;
    for (const scenario of BUILTIN_SCENARIOS) {
      const m = new Machine({ scenario, seed: 5 });
      for (let i = 0; i < 800; i++) {
        const playing = m.peek() !== null;
        if (playing) {
          if (m.step() === null) break;
          continue;
        }
        const guestHalf = () => {
          const s = m.savePlain();
          return json({ driver: s.driver, alloc: s.alloc, data: s.data, dataBytes: s.dataBytes });
        };
        const before = guestHalf();
        const record = m.step();
        if (record === null) break;
        if (!deviceOnly(playing, record)) continue;
        expect(guestHalf(), `${scenario.name} step ${record.index} (${record.fn})`).toBe(before);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  }, 120_000);

  it('playbackOnly refuses a step that started an operation, a completion and the end', () => {
    const m = new Machine({ scenario: builtinScenario('single-read')!, seed: 1 });
    expect(m.peek()).toBeNull();
    const first = m.step()!;
    expect(playbackOnly(false, first)).toBe(false);
    expect(playbackOnly(true, null)).toBe(false);
    expect(playbackOnly(true, { ...first, events: [{ type: 'completed', queue: 0, request: 0 } as never] })).toBe(
      false,
    );
    expect(playbackOnly(true, { ...first, events: [] })).toBe(true);
  });
});
