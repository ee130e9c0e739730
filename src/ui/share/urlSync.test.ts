import { describe, expect, it } from 'vitest';
import { addressWith, isEmbedRequested, linkParams } from './urlSync';

describe('the address', () => {
  it('reads a link from the query and the fragment, the fragment winning', () => {
    expect(linkParams({ search: '?scenario=ring-full&seed=4', hash: '' })).toBe('s=ring-full&seed=4');
    expect(linkParams({ search: '?embed=1&course=2', hash: '#s=single-read&step=3' })).toBe(
      'embed=1&s=single-read&step=3',
    );
    expect(linkParams({ search: '?seed=4', hash: '#seed=5&bp=a&bp=b' })).toBe('seed=5&bp=a&bp=b');
  });

  it('knows an embed request in either place', () => {
    expect(isEmbedRequested({ search: '?embed=1', hash: '' })).toBe(true);
    expect(isEmbedRequested({ search: '', hash: '#s=x&embed=1' })).toBe(true);
    expect(isEmbedRequested({ search: '?embed=0', hash: '' })).toBe(false);
  });

  it('writes the state into the fragment, keeping other features’ parameters and dropping old query ones', () => {
    expect(addressWith('http://h/?scenario=a&seed=2&course=x#s=a&step=1&tour=3', 's=b&seed=1&step=9')).toBe(
      'http://h/?course=x#s=b&seed=1&step=9&tour=3',
    );
    expect(addressWith('http://h/app/', 's=b&seed=1&step=0')).toBe('http://h/app/#s=b&seed=1&step=0');
  });
});
