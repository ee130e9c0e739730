import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RingSnapshot } from '../../../import/snapshot';
import { pmemsaveIndirectCommand as pmemsaveCommand } from '../../../import/snapshot/areas';
import type { ImportProblem } from '../../../import/types';
import { hex } from '../../components/format';
import { useSim } from '../../store';
import { ProblemText } from '../ProblemText';
import { DisagreementList } from './DisagreementList';
import { ExportSnapshotButton } from './ExportSnapshotButton';
import { OutstandingTable } from './OutstandingTable';
import { RingProblemList } from './RingProblemList';
import { ringProblems } from '../../../import/snapshot/problems';
import { simulationSnapshot } from './fromSimulation';
import { SnapshotCompare } from './SnapshotCompare';
import { SnapshotPair } from './SnapshotPair';
import { SnapshotRing } from './SnapshotRing';
import './snapshot.css';

export interface SnapshotViewProps {
  snapshot: RingSnapshot;
  problem?: ImportProblem;
}

/** Side by side with the simulation's current queue, exported and read back the same way. */
function CompareWithSimulation({ snapshot }: { snapshot: RingSnapshot }) {
  const { t } = useTranslation('snapshot');
  const sim = useSim((s) => s.sim);
  const queueIndex = useSim((s) => s.queueIndex);
  const other = useMemo(() => (sim ? simulationSnapshot(sim.view, sim.memory, queueIndex) : null), [sim, queueIndex]);
  if (!other) return <p className="vr-note">{t('compare.noSim')}</p>;
  if (!other.ok) return <p className="vr-warn">{t('export.failed', { message: other.problem.message })}</p>;
  return (
    <SnapshotCompare
      left={snapshot}
      right={other.value}
      leftLabel={t('compare.left')}
      rightLabel={t('compare.right')}
    />
  );
}

/**
 * A real VM's ring (QMP/HMP status plus pmemsave dumps), drawn with the simulation's components, with what the
 * snapshot cannot know said plainly, the outstanding requests, and every disagreement between queries and bytes.
 */
export function SnapshotView({ snapshot, problem }: SnapshotViewProps) {
  const { t } = useTranslation('snapshot');
  const [comparing, setComparing] = useState(false);
  const uncaptured = snapshot.outstanding.filter((c) => c.indirect && !c.indirect.captured);
  const indirect = uncaptured.length;
  // The first uncaptured table's own pmemsave line, so the hint is a command that can be pasted into the monitor.
  const first = uncaptured[0];
  const command = first?.indirect ? pmemsaveCommand(first.indirect.addr, first.indirect.len) : '';
  const problems = useMemo(() => ringProblems(snapshot), [snapshot]);
  return (
    <section className="snap-view" aria-label={t('title')} data-testid="snapshot-view">
      <div className="snap-head">
        <p className="vr-note">{t(`origin.${snapshot.origin}`)}</p>
        <details className="snap-areas">
          <summary>{t('areas')}</summary>
          <ul>
            {snapshot.areas.map((a) => (
              <li key={a.area}>
                {t('area', { area: a.area, addr: hex(a.gpa, 8), bytes: a.bytes.length, file: a.file })}
              </li>
            ))}
            {snapshot.dumps.map((d) => (
              <li key={d.file}>{t('dump', { addr: hex(d.gpa, 8), bytes: d.bytes.length, file: d.file })}</li>
            ))}
          </ul>
        </details>
        <div className="button-group snap-actions">
          <button
            type="button"
            className="snap-compare-sim"
            // An action, as the header's switch is: its label says what a press does, so it is never shown pressed
            // (pressed while labelled "Hide the comparison", it said on and off at once). data-showing: what is open.
            data-showing={comparing ? 'comparison' : 'none'}
            onClick={() => setComparing(!comparing)}
          >
            {comparing ? t('compare.hide') : t('compare.button')}
          </button>
          <ExportSnapshotButton />
        </div>
      </div>
      <RingProblemList problems={problems} unmatched={snapshot.unmatchedElements} />
      {problem && (
        <p className="vr-warn snap-partial" role="alert">
          {t('partial')} <ProblemText problem={problem} />
        </p>
      )}
      {indirect > 0 && (
        <p className="vr-warn" role="note" data-testid="indirect-note">
          {t('notes.indirect', { count: indirect })} {t('notes.indirectHow', { head: first?.head, command })}
        </p>
      )}
      <p className="vr-note">{t('notes.features')}</p>
      <SnapshotPair first={snapshot} />
      {comparing && <CompareWithSimulation snapshot={snapshot} />}
      <DisagreementList list={snapshot.disagreements} />
      <SnapshotRing snapshot={snapshot} />
      <OutstandingTable chains={snapshot.outstanding} />
    </section>
  );
}
