// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { useRef } from 'react';
import { useKeepFocus, useKeepFocusWithin } from './keepFocus';

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

function Row({ off }: { off: string[] }) {
  const row = useRef<HTMLDivElement>(null);
  const back = useRef<HTMLButtonElement>(null);
  useKeepFocusWithin(row, off.join(), () => back.current);
  return (
    <>
      <button ref={back} type="button">
        Back
      </button>
      <div ref={row}>
        {['kick', 'end'].map((name) => (
          <button key={name} type="button" disabled={off.includes(name)}>
            {name}
          </button>
        ))}
      </div>
    </>
  );
}

describe('useKeepFocusWithin', () => {
  it('hands focus on when the focused button of the group becomes disabled', () => {
    const { rerender } = render(<Row off={[]} />);
    screen.getByRole('button', { name: 'end' }).focus();
    rerender(<Row off={['kick', 'end']} />);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Back' }));
  });

  it('leaves focus on a button of the group that stays enabled', () => {
    const { rerender } = render(<Row off={[]} />);
    screen.getByRole('button', { name: 'end' }).focus();
    rerender(<Row off={['kick']} />);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'end' }));
  });
});
