import { describe, expect, it } from 'vitest';
import { checkpointReplacer, checkpointReviver } from './checkpointJson';

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, checkpointReplacer), checkpointReviver);

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

  it('refuses a typed array it does not know', () => {
    expect(() => JSON.parse('{"x":{"$typed":"BigInt64Array","values":[1]}}', checkpointReviver)).toThrow(
      /unknown typed array BigInt64Array/,
    );
  });
});
