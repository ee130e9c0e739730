import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NAMESPACES } from './index';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const LOCALES = join(HERE, 'locales');
const UI = join(HERE, '..');
const PLURAL = /_(zero|one|two|few|many|other)$/;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Every leaf key as a dotted path, with i18next's plural suffixes folded (Chinese has only `_other`). */
function leaves(value: Json, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix.replace(PLURAL, ''), String(value));
  }
  return out;
}

const load = (lng: string, ns: string): Map<string, string> =>
  leaves(JSON.parse(readFileSync(join(LOCALES, lng, `${ns}.json`), 'utf8')) as Json);

const variables = (text: string): string[] => [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]!).sort();

const namespaceFiles = (lng: string): string[] =>
  readdirSync(join(LOCALES, lng))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('translations', () => {
  it('have the same namespace files in every language, and they are the ones i18n loads', () => {
    expect(namespaceFiles('zh-CN')).toEqual(namespaceFiles('en'));
    expect(namespaceFiles('en')).toEqual([...NAMESPACES].sort());
  });

  for (const ns of NAMESPACES) {
    it(`${ns}: every English key has a Chinese translation and the reverse`, () => {
      const en = load('en', ns);
      const zh = load('zh-CN', ns);
      expect(
        [...zh.keys()].filter((k) => !en.has(k)),
        'only in zh-CN',
      ).toEqual([]);
      expect(
        [...en.keys()].filter((k) => !zh.has(k)),
        'missing in zh-CN',
      ).toEqual([]);
    });

    it(`${ns}: translations use the same {{variables}} and none is empty`, () => {
      const en = load('en', ns);
      const zh = load('zh-CN', ns);
      for (const [key, text] of en) {
        expect(variables(zh.get(key) ?? ''), key).toEqual(variables(text));
        expect(text.trim(), `en ${key}`).not.toBe('');
        expect((zh.get(key) ?? '').trim(), `zh-CN ${key}`).not.toBe('');
      }
    });
  }

  it("every literal key passed to t('…') in src/ui exists in English", () => {
    const known = new Map(NAMESPACES.map((ns) => [ns, load('en', ns)]));
    const missing: string[] = [];
    for (const file of sourceFiles(UI)) {
      const text = readFileSync(file, 'utf8');
      // A file names its namespace through useTranslation('ns'); 'ns:key' overrides it.
      const fileNs = /useTranslation\(\s*'(\w+)'/.exec(text)?.[1] ?? 'app';
      for (const m of text.matchAll(/\bt\(\s*'([^'$]+)'/g)) {
        const raw = m[1]!;
        const [ns, key] = raw.includes(':') ? (raw.split(':', 2) as [string, string]) : [fileNs, raw];
        const keys = known.get(ns as (typeof NAMESPACES)[number]);
        if (!keys?.has(key)) missing.push(`${relative(UI, file)}: ${raw}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
