import { useRef, useState, type ChangeEvent, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RingSnapshot } from '../../../import/snapshot';
import { useSafeId } from '../../components/useSafeId';
import { ProblemText } from '../ProblemText';
import { ChainDiffTable } from './ChainDiffTable';
import { pairActions, usePair } from './pairStore';
import { SnapshotCompare } from './SnapshotCompare';

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/** A file picker for B, styled like the header's Import control. */
function PickFiles({ text, label }: { text: string; label: string }) {
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = ''; // the same files can be picked again
    if (files.length) void pairActions.loadSecond(files);
  };
  return (
    <label className="imp-pick">
      <span aria-hidden="true">{text}</span>
      <input type="file" multiple className="sr-only" aria-label={label} onChange={pick} />
    </label>
  );
}

/**
 * The drop target for B's files. It keeps its drags to itself, so the page-wide drop (which replaces A, the
 * import on screen) neither fires nor shows its overlay while the files are over this box.
 */
function useOwnDrop() {
  const depth = useRef(0);
  const [over, setOver] = useState(false);
  const stop = (e: DragEvent) => {
    if (!hasFiles(e)) return false;
    e.preventDefault();
    e.stopPropagation();
    return true;
  };
  return {
    over,
    handlers: {
      onDragEnter: (e: DragEvent) => {
        if (!stop(e)) return;
        depth.current++;
        setOver(true);
      },
      onDragOver: (e: DragEvent) => {
        if (stop(e)) e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (e: DragEvent) => {
        if (!stop(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      },
      onDrop: (e: DragEvent) => {
        if (!stop(e)) return;
        depth.current = 0;
        setOver(false);
        const files = Array.from(e.dataTransfer.files);
        if (files.length) void pairActions.loadSecond(files);
      },
    },
  };
}

/** Why B's files showed nothing, located like an import's problem; A and B stay as they were. */
function PairError() {
  const { t } = useTranslation('snapshot');
  const error = usePair((s) => s.error);
  const hasB = usePair((s) => s.second !== null);
  if (!error) return null;
  return (
    <div className="imp-status imp-error" role="alert" data-testid="pair-error">
      <strong>{t('pair.failed')}</strong> <ProblemText problem={error} />{' '}
      <span className="vr-note">{t(hasB ? 'pair.untouched' : 'pair.untouchedA')}</span>
      <button type="button" onClick={pairActions.dismissError}>
        {t('pair.dismiss')}
      </button>
    </div>
  );
}

/**
 * Two snapshots of one queue (before and after, or two VMs) side by side: A is the import the view shows, B is
 * loaded here (file picker or drop). The fields with how far each index moved, the outstanding chains by head,
 * both rings; A and B can be swapped or cleared.
 */
/** One side's card: which snapshot it is, where it came from, and its Clear (plus whatever else that side offers). */
function PairSide({
  side,
  snapshot,
  onClear,
  children,
}: {
  side: 'a' | 'b';
  snapshot: RingSnapshot;
  onClear: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation('snapshot');
  return (
    <div className="snap-pair-side" data-testid={`pair-side-${side}`}>
      <strong>{side.toUpperCase()}</strong> <code>{snapshot.statusFile}</code>{' '}
      <span className="vr-note">{t(`pair.origin.${snapshot.origin}`)}</span>
      {children}
      <button
        type="button"
        onClick={onClear}
        aria-label={t(side === 'a' ? 'pair.clearALabel' : 'pair.clearBLabel', { file: snapshot.statusFile })}
      >
        {t('pair.clear')}
      </button>
    </div>
  );
}

export function SnapshotPair({ first }: { first: RingSnapshot }) {
  const { t } = useTranslation('snapshot');
  const titleId = useSafeId();
  const second = usePair((s) => s.second);
  const loading = usePair((s) => s.loading);
  const { over, handlers } = useOwnDrop();
  const cls = `vr-panel snap-pair${over ? ' snap-pair-over' : ''}${second ? '' : ' snap-pair-empty'}`;

  if (!second)
    return (
      <section className={cls} aria-labelledby={titleId} data-testid="snapshot-pair-drop" {...handlers}>
        <h3 id={titleId} className="vr-panel-title">
          {t('pair.title')}
        </h3>
        <p className="vr-lede">{t('pair.invite')}</p>
        <div className="snap-pair-pick">
          <PickFiles text={t('pair.load')} label={t('pair.loadLabel')} />
          <span className="vr-note">{over ? t('pair.dropNow') : t('pair.drop')}</span>
          {loading && (
            <span className="vr-note" role="status">
              {t('pair.loading')}
            </span>
          )}
        </div>
        <PairError />
      </section>
    );

  const b = second.snapshot;
  const side = (s: 'A' | 'B', snap: RingSnapshot) => t('pair.side', { side: s, file: snap.statusFile });
  return (
    <section className={cls} aria-labelledby={titleId} data-testid="snapshot-pair" {...handlers}>
      <h3 id={titleId} className="vr-panel-title">
        {t('pair.title')}
      </h3>
      <div className="snap-pair-sides">
        <PairSide side="a" snapshot={first} onClear={pairActions.clearFirst} />
        <button type="button" className="snap-pair-swap" onClick={pairActions.swap}>
          <span aria-hidden="true">⇄ </span>
          {t('pair.swap')}
        </button>
        <PairSide side="b" snapshot={b} onClear={pairActions.clearSecond}>
          <PickFiles text={t('pair.replace')} label={t('pair.replaceLabel')} />
        </PairSide>
      </div>
      <p className="vr-note">{over ? t('pair.dropNow') : t('pair.dropReplace')}</p>
      {loading && (
        <p className="vr-note" role="status">
          {t('pair.loading')}
        </p>
      )}
      <PairError />
      {second.problem && (
        <p className="vr-warn" role="note">
          {t('pair.partialB')} <ProblemText problem={second.problem} />
        </p>
      )}
      <SnapshotCompare
        left={first}
        right={b}
        leftLabel={side('A', first)}
        rightLabel={side('B', b)}
        columnLabels={['A', 'B']}
        lede={t('pair.lede')}
        moved
        filterable
      >
        <ChainDiffTable left={first} right={b} />
      </SnapshotCompare>
    </section>
  );
}
