import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Question } from '../../lessons/types';

function choiceLabel(q: Question, value: number, t: (k: string) => string): string {
  const c = q.choices?.find((x) => x.value === value);
  return c?.labelKey ? t(c.labelKey) : String(value);
}

/** The question asked before a stop reveals its state: choices as buttons, or a number to type. */
export function QuestionBox({
  question,
  prompt,
  disabled,
  onAnswer,
  onReveal,
}: {
  question: Question;
  prompt: string;
  disabled: boolean;
  onAnswer: (value: number) => void;
  onReveal: () => void;
}) {
  const { t } = useTranslation('lessons');
  const inputId = useId();
  const [draft, setDraft] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (/^\d+$/.test(draft.trim())) onAnswer(Number(draft.trim()));
  };
  return (
    <div className="lesson-question" role="group" aria-labelledby={`${inputId}-q`}>
      <p id={`${inputId}-q`} className="lesson-prompt">
        <strong>{t('ui.question')}</strong> {prompt}
      </p>
      {question.kind === 'choice' ? (
        <div className="lesson-choices">
          {(question.choices ?? []).map((c) => (
            <button
              key={c.value}
              type="button"
              data-testid="lesson-choice"
              data-value={c.value}
              disabled={disabled}
              onClick={() => onAnswer(c.value)}
            >
              {choiceLabel(question, c.value, t)}
            </button>
          ))}
        </div>
      ) : (
        <form className="lesson-number" onSubmit={submit}>
          <label htmlFor={inputId}>{t('ui.answer')}</label>
          <input
            id={inputId}
            type="number"
            inputMode="numeric"
            min={0}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            disabled={disabled}
          />
          <button type="submit" className="primary" disabled={disabled || !/^\d+$/.test(draft.trim())}>
            {t('ui.check')}
          </button>
        </form>
      )}
      <button type="button" className="lesson-link" disabled={disabled} onClick={onReveal}>
        {t('ui.reveal')}
      </button>
    </div>
  );
}

export { choiceLabel };
