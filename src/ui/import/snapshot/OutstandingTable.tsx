import { useTranslation } from 'react-i18next';
import type { OutstandingChain } from '../../../import/snapshot';
import { hex } from '../../components/format';
import { useSafeId } from '../../components/useSafeId';
import { poppedText } from './popped';
import { chainProblemText } from './ringProblems';

/** Rows drawn before the rest is only counted (a ring holds at most 32768). */
const SHOWN = 512;

function ChainCell({ c }: { c: OutstandingChain }) {
  const { t } = useTranslation('snapshot');
  if (c.indirect) {
    const at = { addr: hex(c.indirect.addr, 8), entries: c.indirect.entries };
    return c.indirect.captured ? (
      <span className="snap-indirect" data-testid="indirect-captured">
        {t('outstanding.indirectCaptured', at)}
      </span>
    ) : (
      <span className="snap-indirect" data-testid="indirect-not-captured">
        {t('outstanding.indirect', at)}
      </span>
    );
  }
  return <span>{t('outstanding.direct', { descs: c.descs.join(' → ') })}</span>;
}

/** What broke when the chain was walked, and whether QEMU would refuse it (in its own words). */
function BrokenNote({ c }: { c: OutstandingChain }) {
  const { t } = useTranslation('snapshot');
  if (!c.problem) return null;
  const { what, check } = chainProblemText(c.problem, t);
  return (
    <div className="snap-broken" data-testid="broken-chain">
      <strong>{t('outstanding.brokenLabel', { what })}</strong>
      <span>{check}</span>
    </div>
  );
}

function ElementCell({ c }: { c: OutstandingChain }) {
  const { t } = useTranslation('snapshot');
  if (!c.element) return <span className="vr-dim">{t('outstanding.noElement')}</span>;
  return (
    <ol className="snap-element">
      {c.element.chain.map((d, k) => (
        <li key={k}>
          <code>{hex(d.addr)}</code> {d.len} {d.flags.length ? `(${d.flags.join(', ')})` : ''}
        </li>
      ))}
    </ol>
  );
}

/** The requests offered and not completed, oldest first, with what the element query said about each. */
export function OutstandingTable({ chains }: { chains: readonly OutstandingChain[] }) {
  const { t } = useTranslation('snapshot');
  const titleId = useSafeId();
  const shown = chains.slice(0, SHOWN);
  return (
    <section className="vr-panel snap-outstanding">
      <h3 id={titleId} className="vr-panel-title">
        {t('outstanding.title', { count: chains.length })}
      </h3>
      <p className="vr-lede">{t('outstanding.lede')}</p>
      {chains.length === 0 ? (
        <p className="vr-note">{t('outstanding.none')}</p>
      ) : (
        <div className="snap-scroll" tabIndex={0} role="region" aria-labelledby={titleId}>
          <table className="vr-table snap-table" data-testid="outstanding">
            <thead>
              <tr>
                <th scope="col">{t('outstanding.col.pos')}</th>
                <th scope="col">{t('outstanding.col.slot')}</th>
                <th scope="col">{t('outstanding.col.head')}</th>
                <th scope="col">{t('outstanding.col.state')}</th>
                <th scope="col">{t('outstanding.col.chain')}</th>
                <th scope="col">{t('outstanding.col.element')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.availPos} className={c.problem ? 'snap-broken-row' : undefined}>
                  <td className="vr-num">{c.availPos}</td>
                  <td className="vr-num">{c.slot}</td>
                  <td className="vr-num">{c.head}</td>
                  <td>{poppedText(c, t)}</td>
                  <td>
                    <ChainCell c={c} />
                    <BrokenNote c={c} />
                  </td>
                  <td>
                    <ElementCell c={c} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {chains.length > shown.length && (
            <p className="vr-note">{t('outstanding.more', { count: chains.length - shown.length })}</p>
          )}
        </div>
      )}
    </section>
  );
}
