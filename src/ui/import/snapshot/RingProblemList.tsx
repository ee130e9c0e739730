import { useTranslation } from 'react-i18next';
import { useSafeId } from '../../components/useSafeId';
import type { RingProblem } from '../../../import/snapshot/problems';
import type { UnmatchedElement } from '../../../import/snapshot/types';
import { ringProblemText, unmatchedElementText } from './ringProblems';

/** Problems listed before the rest fold behind a "more" (a reused head can break every later chain). */
const SHOWN = 5;

function ProblemItems({ problems }: { problems: readonly RingProblem[] }) {
  const { t } = useTranslation('snapshot');
  return (
    <ul>
      {problems.map((p) => {
        const { text, check } = ringProblemText(p, t);
        return (
          <li key={p.kind === 'chain' ? p.pos : 'tooMany'}>
            <strong>{text}</strong>
            {check && <span className="snap-problem-check"> {check}</span>}
          </li>
        );
      })}
    </ul>
  );
}

function UnmatchedItems({ unmatched }: { unmatched: readonly UnmatchedElement[] }) {
  const { t } = useTranslation('snapshot');
  return (
    <ul data-testid="unmatched-elements">
      {unmatched.map((u) => (
        <li key={u.file}>{unmatchedElementText(u, t)}</li>
      ))}
    </ul>
  );
}

/**
 * The ring's broken invariants, at the top of the snapshot view: a ring no correct driver and device could leave
 * must not read as healthy further down. Below them, the element answers given as files that matched no outstanding
 * chain (a problem with the files, not the ring: under their own heading). Nothing is drawn when there is neither.
 */
export function RingProblemList({
  problems,
  unmatched = [],
}: {
  problems: readonly RingProblem[];
  unmatched?: readonly UnmatchedElement[];
}) {
  const { t } = useTranslation('snapshot');
  const titleId = useSafeId();
  if (problems.length === 0 && unmatched.length === 0) return null;
  const elementsTitle = t('problems.elementsTitle', { count: unmatched.length });
  if (problems.length === 0)
    return (
      <section className="snap-problems" role="status" aria-labelledby={titleId} data-testid="ring-problems">
        <h3 id={titleId} className="snap-problems-title">
          {elementsTitle}
        </h3>
        <UnmatchedItems unmatched={unmatched} />
      </section>
    );
  return (
    <section className="snap-problems" role="alert" aria-labelledby={titleId} data-testid="ring-problems">
      <h3 id={titleId} className="snap-problems-title">
        {t('problems.title', { count: problems.length })}
      </h3>
      <p className="snap-problems-lede">{t('problems.lede')}</p>
      <ProblemItems problems={problems.slice(0, SHOWN)} />
      {problems.length > SHOWN && (
        <details className="snap-problems-more">
          <summary>{t('problems.more', { count: problems.length - SHOWN })}</summary>
          <ProblemItems problems={problems.slice(SHOWN)} />
        </details>
      )}
      {unmatched.length > 0 && (
        <>
          <h4 className="snap-problems-title">{elementsTitle}</h4>
          <UnmatchedItems unmatched={unmatched} />
        </>
      )}
    </section>
  );
}
