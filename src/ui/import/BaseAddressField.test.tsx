// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import i18n from '../i18n';
import { wholeRingOf } from '../../import/snapshot/wholeRing.testutil';
import { ImportStatus } from './ImportStatus';
import { importStore } from './importStore';

/** snap02's status file and one dump of its whole ring saved as whole.bin (no address in the name). */
const files = () => {
  const { status, bytes } = wholeRingOf('snap02');
  return [new File([status.bytes as BlobPart], status.name), new File([bytes as BlobPart], 'whole.bin')];
};

beforeAll(() => i18n.loadNamespaces(['import', 'snapshot']));
beforeEach(() => void i18n.changeLanguage('en'));
afterEach(() => {
  cleanup();
  importStore.setState({ imported: null, view: 'simulation', error: null, progress: null, retry: null });
});

const refused = async () => {
  render(<ImportStatus />);
  await act(() => importStore.getState().importFiles(files()));
  expect(screen.getByTestId('import-error').textContent).toMatch(/whole\.bin is 6726 bytes, which fits no area/);
};
const field = () => screen.getByRole('textbox', { name: 'Guest address of the first byte of whole.bin (hex)' });
const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Import with this address' }));

describe('the guest address of a whole-ring dump whose name has none', () => {
  it('is asked for under the refusal, and imports the ring when given', async () => {
    await refused();
    expect(field().getAttribute('aria-invalid')).toBe('false');
    expect(field().getAttribute('aria-describedby')).toBeTruthy();
    fireEvent.change(field(), { target: { value: '0x2986000' } });
    submit();
    await waitFor(() => expect(importStore.getState().imported).not.toBeNull());
    const s = importStore.getState();
    expect(s.error).toBeNull();
    expect(s.retry).toBeNull();
    expect(s.view).toBe('import');
    if (s.imported?.kind !== 'snapshot') throw new Error('expected a snapshot');
    expect(s.imported.snapshot.ringDumps).toMatchObject([{ file: 'whole.bin', gpa: 0x2986000 }]);
    expect(s.imported.snapshot.avail.idx).toBe(968);
    expect(screen.queryByTestId('import-error')).toBeNull();
    expect(screen.queryByTestId('import-base')).toBeNull();
  });

  it('input that is not hex, or out of range, is said beside the field and changes nothing else', async () => {
    await refused();
    const before = importStore.getState();
    for (const [value, said] of [
      ['ring', /^“ring” is not a hex address: use the digits 0–9 and a–f, with or without 0x/],
      [
        '0x10000000000000',
        /^0x10000000000000 is out of range: a guest-physical address has at most 52 bits \(up to 0xfffffffffffff\)/,
      ],
      ['', /^Type the address first/],
    ] as const) {
      fireEvent.change(field(), { target: { value } });
      submit();
      expect(screen.getByTestId('import-base-error').textContent).toMatch(said);
      expect(field().getAttribute('aria-invalid')).toBe('true');
      expect(field().getAttribute('aria-describedby')).toContain(screen.getByTestId('import-base-error').id);
      // The same refusal, the same files to retry, nothing imported; the field keeps what was typed.
      const now = importStore.getState();
      expect(now.error).toBe(before.error);
      expect(now.retry).toBe(before.retry);
      expect(now.imported).toBeNull();
      expect((field() as HTMLInputElement).value).toBe(value);
    }
  });

  it('a wrong address: the new refusal says why, and the field stays to try another', async () => {
    await refused();
    fireEvent.change(field(), { target: { value: '2986010' } });
    submit();
    await waitFor(() =>
      expect(screen.getByTestId('import-error').textContent).toMatch(/has only part of the descriptor table/),
    );
    expect(importStore.getState().imported).toBeNull();
    expect((field() as HTMLInputElement).value).toBe('2986010');
    expect(screen.queryByTestId('import-base-error')).toBeNull();
  });

  it('dismissing the refusal takes the field with it; another import’s refusal has none', async () => {
    await refused();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('import-base')).toBeNull();
    await act(() => importStore.getState().importFiles([new File(['hello\n'], 'notes.txt')]));
    expect(screen.getByTestId('import-error')).toBeTruthy();
    expect(screen.queryByTestId('import-base')).toBeNull();
  });

  it('in Chinese too', async () => {
    await i18n.changeLanguage('zh-CN');
    await refused();
    const input = screen.getByRole('textbox', { name: 'whole.bin 第一个字节的客户机地址（十六进制）' });
    fireEvent.change(input, { target: { value: 'xyz' } });
    fireEvent.click(screen.getByRole('button', { name: '用此地址导入' }));
    expect(screen.getByTestId('import-base-error').textContent).toMatch(/^“xyz”不是十六进制地址/);
  });
});
