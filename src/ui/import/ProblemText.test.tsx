// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import i18n from '../i18n';
import { ProblemText } from './ProblemText';

beforeAll(() => i18n.loadNamespaces(['import']));
afterEach(async () => {
  cleanup();
  await i18n.changeLanguage('en');
});

const place = () => screen.getByTestId('import-problem-place').textContent;

describe('ProblemText', () => {
  it('names a loose file and its line or byte as before', async () => {
    await i18n.changeLanguage('en');
    render(<ProblemText problem={{ file: 'p_used.bin', byte: 70, message: 'truncated' }} />);
    expect(place()).toBe('p_used.bin, byte 70');
  });

  it('names the archive a file came out of, in both languages', async () => {
    const problem = { file: 'sim_qmp.json', line: 3, archive: 'sim_vq0_step6.zip', message: 'bad' };
    await i18n.changeLanguage('en');
    const { rerender } = render(<ProblemText problem={problem} />);
    expect(place()).toBe('sim_qmp.json:3 inside archive sim_vq0_step6.zip');
    await i18n.changeLanguage('zh-CN');
    await i18n.loadNamespaces('import');
    rerender(<ProblemText problem={{ ...problem }} />);
    expect(place()).toBe('归档 sim_vq0_step6.zip 中的 sim_qmp.json:3');
  });
});
