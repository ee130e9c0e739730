// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSnapshotFiles } from '../../import/snapshot/parseFiles';
import { sampleFiles } from '../../import/snapshot/samples.testutil';
import i18n from '../i18n';
import { ImportControl } from './ImportControl';
import { importStore } from './importStore';

beforeAll(() => i18n.loadNamespaces(['import']));
beforeEach(() => void i18n.changeLanguage('en'));
afterEach(() => {
  cleanup();
  importStore.setState({ imported: null, view: 'simulation', error: null, progress: null });
});

describe('ImportControl: the header switch between an import and the simulation', () => {
  it('is an action that names where it goes, never shown pressed, and follows the view shown', () => {
    const r = parseSnapshotFiles(sampleFiles('snap00'));
    if (!r.ok) throw new Error(r.problem.message);
    render(<ImportControl />);
    expect(screen.queryByRole('button', { name: /Show the/ })).toBeNull();
    act(() =>
      importStore.setState({ imported: { kind: 'snapshot', snapshot: r.value, problem: null }, view: 'import' }),
    );
    // The import is on screen: the switch offers the simulation and is not pressed.
    const toSim = screen.getByRole('button', { name: 'Show the simulation' });
    expect(toSim.hasAttribute('aria-pressed')).toBe(false);
    expect(toSim.dataset.showing).toBe('import');
    act(() => toSim.click());
    expect(importStore.getState().view).toBe('simulation');
    const toImport = screen.getByRole('button', { name: 'Show the import' });
    expect(toImport.hasAttribute('aria-pressed')).toBe(false);
    expect(toImport.dataset.showing).toBe('simulation');
  });
});
