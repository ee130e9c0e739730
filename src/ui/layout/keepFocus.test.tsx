// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { useRef } from 'react';
import { useKeepFocus } from './keepFocus';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
afterEach(cleanup);

function Pair({ backDisabled }: { backDisabled: boolean }) {
  const back = useRef<HTMLButtonElement>(null);
  const step = useRef<HTMLButtonElement>(null);
  useKeepFocus(back, backDisabled, () => step.current);
  return (
    <>
      <button ref={back} type="button" disabled={backDisabled}>
        Back
      </button>
      <button ref={step} type="button">
        Step
      </button>
      <button type="button">Elsewhere</button>
    </>
  );
}

describe('useKeepFocus', () => {
  it('hands focus on when the focused button becomes disabled', () => {
    const { rerender } = render(<Pair backDisabled={false} />);
    screen.getByRole('button', { name: 'Back' }).focus();
    rerender(<Pair backDisabled={true} />);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Step' }));
  });

  it('leaves focus alone when it is somewhere else', () => {
    const { rerender } = render(<Pair backDisabled={false} />);
    screen.getByRole('button', { name: 'Elsewhere' }).focus();
    rerender(<Pair backDisabled={true} />);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Elsewhere' }));
  });
});
