// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { StepRecord } from '../../engine/step';
import { stepRecord } from '../../engine/testing/stepRecord';
import { KickInterruptLayer } from './index';
import { ringsI18n } from './testing/i18n';

afterEach(cleanup);

const kick: StepRecord = stepRecord({
  index: 7,
  fn: 'virtqueue_notify',
  events: [{ type: 'kick', queue: 0 }],
  callEnd: true,
});

const liveText = (quiet: boolean) => {
  const { container } = render(
    <I18nextProvider i18n={ringsI18n('en')}>
      <KickInterruptLayer current={kick} quiet={quiet} />
    </I18nextProvider>,
  );
  return container.querySelector('[aria-live="polite"]')!.textContent;
};

describe('KickInterruptLayer live region', () => {
  it('says a kick of a single step', () => {
    expect(liveText(false)).toBe('Kick: the driver notifies the device about queue 0.');
  });

  it('stays quiet while Play or free-run go on, and still draws the kick', () => {
    expect(liveText(true)).toBe('');
    expect(document.querySelector('[data-testid="kick-animation"]')).not.toBeNull();
  });
});
