import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateToBase64Url, fromBase64Url, inflateFromBase64Url, toBase64Url } from './compress';

describe('base64url', () => {
  it('round-trips any bytes, using only URL-safe characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
    );
  });

  it('matches the standard encoding', () => {
    const bytes = new TextEncoder().encode('virtio?>>');
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
  });

  it('names the first character that is not base64url', () => {
    expect(() => fromBase64Url('ab+d')).toThrow(/character 3 \("\+"\)/);
    expect(() => fromBase64Url('abcde')).toThrow(/length/);
  });
});

describe('deflate for links', () => {
  it('round-trips text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
        expect(await inflateFromBase64Url(await deflateToBase64Url(text))).toBe(text);
      }),
      { numRuns: 50 },
    );
  });

  it('compresses a repetitive document', async () => {
    const doc = JSON.stringify({ ops: Array.from({ length: 50 }, () => ({ op: 'read', sector: 0 })) });
    expect((await deflateToBase64Url(doc)).length).toBeLessThan(doc.length / 4);
  });

  it('rejects altered or truncated data, and data that expands too far', async () => {
    const good = await deflateToBase64Url('{"hello":"world","n":[1,2,3,4,5,6,7,8]}');
    const cut = good.slice(0, good.length - 8);
    await expect(inflateFromBase64Url(cut.length % 4 === 1 ? cut.slice(1) : cut)).rejects.toThrow(/compressed data/);
    await expect(inflateFromBase64Url('AAAA' + good)).rejects.toThrow();
    const big = await deflateToBase64Url('x'.repeat(10_000));
    await expect(inflateFromBase64Url(big, 1000)).rejects.toThrow(/more than 1000 bytes/);
  });
});
