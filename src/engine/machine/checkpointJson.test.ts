import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../scenario/builtin';
import { Machine } from './machine';
import { checkpointReplacer, parseCheckpoint, stringifyCheckpoint } from './checkpointJson';

const roundTrip = (value: unknown): unknown => parseCheckpoint(JSON.stringify(value, checkpointReplacer));

describe('checkpoint JSON', () => {
  it('keeps bigints, typed arrays and maps through a round trip', () => {
    const value = {
      features: 1n << 40n,
      bytes: Uint8Array.from([0, 1, 0xfe, 0xff]),
      words: Uint16Array.from([0, 65535]),
      signed: Int32Array.from([-1, 7]),
      map: new Map<number, string>([
        [1, 'a'],
        [2, 'b'],
      ]),
    };
    const back = roundTrip(value) as typeof value;
    expect(back.features).toBe(1n << 40n);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect([...back.bytes]).toEqual([0, 1, 0xfe, 0xff]);
    expect(back.words).toBeInstanceOf(Uint16Array);
    expect([...back.words]).toEqual([0, 65535]);
    expect([...back.signed]).toEqual([-1, 7]);
    expect([...back.map.entries()]).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('revives tagged values at any depth: in arrays, in maps, at the top', () => {
    const value = [
      { deep: [[{ n: 5n }], new Map<bigint, Uint16Array>([[3n, Uint16Array.from([9])]])] },
      null,
      'text',
      0,
    ];
    const back = roundTrip(value) as [{ deep: [[{ n: bigint }], Map<bigint, Uint16Array>] }, null, string, number];
    expect(back[0].deep[0][0].n).toBe(5n);
    const inner = back[0].deep[1].get(3n);
    expect(inner).toBeInstanceOf(Uint16Array);
    expect([...inner!]).toEqual([9]);
    expect(back.slice(1)).toEqual([null, 'text', 0]);
    expect(roundTrip(1n << 70n)).toBe(1n << 70n);
  });

  it('refuses a typed array it does not know', () => {
    expect(() => parseCheckpoint('{"x":{"$typed":"BigInt64Array","values":[1]}}')).toThrow(
      /unknown typed array BigInt64Array/,
    );
  });

  it('stringifyCheckpoint writes the very text JSON.stringify with the replacer writes', () => {
    const value = {
      a: [1, undefined, 'x', null, 2n, Uint8Array.from([1, 2]), Int32Array.from([-5])],
      b: undefined,
      m: new Map<number, unknown>([[1, { deep: 3n, arr: Uint16Array.from([7]) }]]),
      n: { toJSON: () => ({ replaced: true }) },
      s: 'text',
      z: 0,
    };
    expect(stringifyCheckpoint(value)).toBe(JSON.stringify(value, checkpointReplacer));
    expect(parseCheckpoint(stringifyCheckpoint(value))).toEqual(
      parseCheckpoint(JSON.stringify(value, checkpointReplacer)),
    );
  });

  it("a machine's state mid-run, mid-operation included, comes out the same either way", () => {
    const m = new Machine({ scenario: builtinScenario('random-soak')!, seed: 3 });
    for (let k = 0; k < 3000 && m.stepOnce(); k++) {
      if (k % 250 !== 7) continue;
      expect(m.saveStateJSON()).toBe(JSON.stringify(m.savePlain(true), checkpointReplacer));
    }
  });
});
