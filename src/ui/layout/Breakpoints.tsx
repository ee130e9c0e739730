import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { actions, useSim } from '../store';

export function Breakpoints() {
  const { t } = useTranslation();
  const inputId = useId();
  const errorId = useId();
  const [text, setText] = useState('');
  const breakpoints = useSim((s) => s.breakpoints);
  const error = useSim((s) => s.breakpointError);
  const hit = useSim((s) => s.hitBreakpoint);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') return;
    if (await actions.addBreakpoint(text)) setText('');
  };

  return (
    <div className="breakpoints">
      <form onSubmit={(e) => void submit(e)} className="breakpoint-form">
        <label htmlFor={inputId} className="field-label">
          {t('breakpoints.label')}
        </label>
        <input
          id={inputId}
          type="text"
          value={text}
          spellCheck={false}
          autoComplete="off"
          placeholder={t('breakpoints.placeholder')}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">{t('breakpoints.add')}</button>
      </form>
      {error !== null && (
        <p id={errorId} className="inline-error" role="alert">
          {t('breakpoints.invalid')}{' '}
          {t(`breakpoints.problem.${error.code}`, { ...error.values, defaultValue: error.text })}
        </p>
      )}
      {breakpoints.length > 0 && (
        <ul className="breakpoint-list" aria-label={t('breakpoints.list')}>
          {breakpoints.map((b) => (
            <li key={b.id} className={b.id === hit ? 'hit' : undefined}>
              <code>{b.text}</code>
              {b.id === hit && <span className="sr-only"> ({t('breakpoints.hit')})</span>}
              <button
                type="button"
                className="chip-remove"
                aria-label={t('breakpoints.remove', { text: b.text })}
                onClick={() => void actions.removeBreakpoint(b.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
