import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { BLK_STATUS_NAMES, TRACE_EVENTS, VALUE_ARG } from '../../import/trace/events';
import type { TraceHistory } from '../../import/trace/history';
import {
  countersAt,
  queueStateAt,
  requestsBeforeTrace,
  requestsNear,
  requestsOnNoQueue,
  requestsOnNoQueueNear,
  stateKnownAt,
  type RequestRow,
  type TraceCounters,
} from '../../import/trace/query';
import type { ImportProblem } from '../../import/types';
import { Field } from '../components/Field';
import { Timeline } from '../components/Timeline';
import { DepthChart } from './DepthChart';
import { formatUs } from './format';
import { importActions, useImport } from './importStore';
import { LatencyPanel } from './LatencyPanel';
import { ProblemText } from './ProblemText';
import { traceTimeline } from './traceTimeline';

const NOT_IN_TRACE = ['avail_idx', 'shadow_avail_idx', 'descriptors', 'ring_slots', 'event_idx'] as const;

const queueName = (trace: TraceHistory, q: number) => {
  const queue = trace.queues[q];
  // A request begun before the trace has no queue until an event names its vq.
  if (!queue) return '?';
  const name = queue.index === null ? `vq ${queue.vq}` : String(queue.index);
  // Several devices each have a queue 0: name the device too.
  return trace.devices.length > 1 && queue.device >= 0 ? `${trace.devices[queue.device]!.vdev}/${name}` : name;
};

/** A QEMU trace log, replayed: the device's VirtQueue at a chosen event, counters, depth, latency, requests. */
export function TraceView({ trace, problem }: { trace: TraceHistory; problem: ImportProblem | null }) {
  const { t } = useTranslation('import');
  const selected = useImport((s) => s.selected);
  const queue = useImport((s) => Math.min(s.queue, Math.max(0, trace.queues.length - 1)));
  const last = trace.events.length - 1;
  const timeline = useMemo(() => traceTimeline(trace, queue), [trace, queue]);

  return (
    <div className="imp-trace">
      <div className="imp-facts">
        <p>
          {t('trace.facts', {
            lines: trace.lines,
            events: trace.events.length,
            ignored: trace.ignoredLines,
            requests: trace.requests.length,
          })}{' '}
          {trace.hasTimestamps ? t('trace.timestamps') : t('trace.noTimestamps')}
        </p>
        {trace.startsMidRun && (
          <p className="vr-warn" data-testid="import-mid-run">
            <strong>{t('trace.midRun', { line: trace.events.line[0] ?? 1 })}</strong>{' '}
            {t('trace.midRunDetail', { requests: requestsBeforeTrace(trace) })}
          </p>
        )}
        {problem && (
          <p className="vr-warn" role="status" data-testid="import-partial">
            <strong>{t('trace.partial')}</strong> <ProblemText problem={problem} />
          </p>
        )}
        {trace.queues.length > 1 && (
          <label className="imp-queue-pick">
            <span className="field-label">{t('trace.queue')}</span>
            <select value={queue} onChange={(e) => importActions.setQueue(Number(e.target.value))}>
              {trace.queues.map((_, i) => (
                <option key={i} value={i}>
                  {queueName(trace, i)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <Timeline timeline={timeline} step={selected} onJump={importActions.select} unit="event" />
      <Scrubber trace={trace} selected={selected} last={last} />
      <div className="imp-grid">
        <QueueFields trace={trace} queue={queue} selected={selected} />
        <Counters trace={trace} queue={queue} selected={selected} />
        <NotInTrace />
      </div>
      <section className="vr-panel" aria-labelledby="imp-depth">
        <h3 id="imp-depth" className="sr-only">
          {t('depth.title')}
        </h3>
        <DepthChart trace={trace} queue={queue} selected={selected} onSelect={importActions.select} />
      </section>
      <LatencyPanel trace={trace} queue={queue} />
      <TraceRequests trace={trace} queue={queue} selected={selected} />
    </div>
  );
}

function Scrubber({ trace, selected, last }: { trace: TraceHistory; selected: number; last: number }) {
  const { t } = useTranslation('import');
  const ev = trace.events;
  const kind = ev.kind[selected]!;
  const arg = VALUE_ARG[kind];
  const first = ev.time.find((x) => Number.isFinite(x));
  const at = ev.time[selected]!;
  const since = Number.isFinite(at) && first !== undefined ? `+${((at - first) / 1e6).toFixed(6)} s` : null;
  const step = (d: number) => importActions.select(selected + d);
  return (
    <section className="vr-panel imp-scrub" aria-labelledby="imp-scrub-title">
      <h3 id="imp-scrub-title" className="vr-panel-title">
        {t('scrub.title')}{' '}
        <span className="vr-sub" data-testid="scrub-position">
          {t('scrub.position', { n: selected, count: last })}
        </span>
      </h3>
      <div className="imp-scrub-row">
        <button type="button" onClick={() => importActions.select(0)} aria-label={t('scrub.first')}>
          «
        </button>
        <button type="button" onClick={() => step(-1)} aria-label={t('scrub.prev')}>
          ◀
        </button>
        <button type="button" onClick={() => step(1)} aria-label={t('scrub.next')}>
          ▶
        </button>
        <button type="button" onClick={() => importActions.select(last)} aria-label={t('scrub.last')}>
          »
        </button>
      </div>
      <p className="imp-event" data-testid="scrub-event">
        <span className="imp-line">{t('scrub.line', { line: ev.line[selected] })}</span>
        {since && <span className="imp-time">{since}</span>}
        <code>{TRACE_EVENTS[kind]}</code>
        {arg && (
          <code>
            {arg} {ev.value[selected]}
          </code>
        )}
        {ev.queue[selected]! >= 0 && (
          <span>{t('scrub.onQueue', { queue: queueName(trace, ev.queue[selected]!) })}</span>
        )}
      </p>
    </section>
  );
}

function QueueFields({ trace, queue, selected }: { trace: TraceHistory; queue: number; selected: number }) {
  const { t } = useTranslation('import');
  const f = queueStateAt(trace, queue, selected);
  const q = trace.queues[queue];
  return (
    <section className="vr-panel vr-side vr-side-device" aria-labelledby="imp-fields-title">
      <h3 id="imp-fields-title" className="vr-panel-title">
        {t('fields.title')} <span className="vr-sub">{t('fields.sub', { queue: queueName(trace, queue) })}</span>
      </h3>
      <dl className="vr-fields">
        <Field name="last_avail_idx" label="last_avail_idx" value={f.last_avail_idx} note={t('fields.lastAvail')} />
        <Field name="used_idx" label="used_idx" value={f.used_idx} note={t('fields.used')} />
        <Field name="inuse" label="inuse" value={f.inuse} note={t('fields.inuse')} />
        <Field name={t('fields.inFlightName')} label="in flight" value={f.inFlight} note={t('fields.inFlight')} />
      </dl>
      {!stateKnownAt(trace, queue, selected) && (
        <p className="vr-note" data-testid="import-fields-relative">
          {t('fields.relative')}
        </p>
      )}
      {q && (
        <p className="vr-note">
          {t('fields.device', {
            resets: q.device >= 0 ? trace.devices[q.device]!.resets : 0,
            vq: q.vq,
          })}
        </p>
      )}
    </section>
  );
}

const ratio = (v: number | null) => (v === null ? '–' : v.toFixed(2));
const COUNTER_ROWS: (keyof TraceCounters)[] = [
  'requests',
  'completed',
  'kicks',
  'interrupts',
  'kicksPerRequest',
  'interruptsPerRequest',
];

function Counters({ trace, queue, selected }: { trace: TraceHistory; queue: number; selected: number }) {
  const { t } = useTranslation('import');
  const here = countersAt(trace, queue, selected);
  const total = useMemo(() => countersAt(trace, queue, trace.events.length - 1), [trace, queue]);
  const show = (c: TraceCounters, k: keyof TraceCounters) =>
    k === 'kicksPerRequest' || k === 'interruptsPerRequest' ? ratio(c[k]) : String(c[k]);
  return (
    <section className="vr-panel imp-counters" aria-labelledby="imp-counters-title">
      <h3 id="imp-counters-title" className="vr-panel-title">
        {t('counters.title')}
      </h3>
      <table className="imp-table" aria-labelledby="imp-counters-title">
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">{t('counters.what')}</span>
            </th>
            <th scope="col">{t('counters.here')}</th>
            <th scope="col">{t('counters.total')}</th>
          </tr>
        </thead>
        <tbody>
          {COUNTER_ROWS.map((k) => (
            <tr key={k}>
              <th scope="row">{t(`counters.${k}`)}</th>
              <td data-testid={`trace-here-${k}`}>{show(here, k)}</td>
              <td data-testid={`trace-total-${k}`}>{show(total, k)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="vr-note">{t('counters.note')}</p>
    </section>
  );
}

/** What a trace cannot know: it is said, not invented. */
function NotInTrace() {
  const { t } = useTranslation('import');
  return (
    <section className="vr-panel imp-unknown" aria-labelledby="imp-unknown-title">
      <h3 id="imp-unknown-title" className="vr-panel-title">
        {t('unknown.title')}
      </h3>
      <dl>
        {NOT_IN_TRACE.map((k) => (
          <div key={k}>
            <dt>
              <code>{t(`unknown.${k}.name`)}</code>
            </dt>
            <dd>{t(`unknown.${k}.why`)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function TraceRequests({ trace, queue, selected }: { trace: TraceHistory; queue: number; selected: number }) {
  const { t } = useTranslation('import');
  const rows = requestsNear(trace, queue, selected, 40);
  const noQueue = useMemo(() => requestsOnNoQueue(trace), [trace]);
  const unplaced = noQueue > 0 ? requestsOnNoQueueNear(trace, selected, 40) : [];
  return (
    <section className="vr-panel imp-requests" aria-labelledby="imp-requests-title">
      <h3 id="imp-requests-title" className="vr-panel-title">
        {t('requests.title')} <span className="vr-sub">{t('requests.sub')}</span>
      </h3>
      {rows.length === 0 ? (
        <p className="vr-note">{t('requests.none')}</p>
      ) : (
        <RequestTable trace={trace} rows={rows} titleId="imp-requests-title" region={t('requests.rowsRegion')} />
      )}
      {noQueue > 0 && (
        // Begun before the trace and never filled in it: no event names their vq, so no queue's list has them.
        <section className="imp-no-queue" aria-labelledby="imp-no-queue-title" data-testid="requests-no-queue">
          <h4 id="imp-no-queue-title" className="vr-panel-title">
            {t('requests.noQueueTitle', { count: noQueue })}
          </h4>
          <p className="vr-note">{t('requests.noQueueWhy')}</p>
          {unplaced.length === 0 ? (
            <p className="vr-note">{t('requests.noQueueNotYet')}</p>
          ) : (
            <RequestTable
              trace={trace}
              rows={unplaced}
              titleId="imp-no-queue-title"
              region={t('requests.noQueueRegion')}
            />
          )}
        </section>
      )}
      <p className="vr-note">{t('requests.note')}</p>
    </section>
  );
}

function RequestTable({
  trace,
  rows,
  titleId,
  region,
}: {
  trace: TraceHistory;
  rows: RequestRow[];
  titleId: string;
  region: string;
}) {
  const { t } = useTranslation('import');
  return (
    // A region that scrolls takes focus so a keyboard can scroll it; its own name, as landmark names must differ.
    <div className="imp-table-scroll" tabIndex={0} role="region" aria-label={region}>
      <table className="imp-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('requests.queue')}</th>
            <th scope="col">{t('requests.op')}</th>
            <th scope="col">sector</th>
            <th scope="col">nsectors</th>
            <th scope="col">{t('requests.segments')}</th>
            <th scope="col">status</th>
            <th scope="col">{t('requests.stage')}</th>
            <th scope="col">{t('requests.latency')}</th>
            <th scope="col">{t('requests.line')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={`imp-stage-${r.stage}`}>
              <td>{r.id}</td>
              <td>{r.queue < 0 ? t('requests.queueNotKnown') : queueName(trace, r.queue)}</td>
              <td>
                {t(`op.${r.op}`)}
                {r.merged && <span className="imp-tag"> {t('requests.merged')}</span>}
                {r.beforeTrace && <span className="imp-tag"> {t('requests.beforeTrace')}</span>}
              </td>
              <td>{r.sector ?? '–'}</td>
              <td>{r.nsectors ?? '–'}</td>
              <td>{r.beforeTrace ? '–' : t('requests.outIn', { out: r.out_num, in: r.in_num })}</td>
              <td>{r.status === null ? '–' : (BLK_STATUS_NAMES[r.status] ?? r.status)}</td>
              <td>{t(`stage.${r.stage}`)}</td>
              <td>{r.latencyUs === null ? '–' : formatUs(r.latencyUs)}</td>
              <td>{r.popLine}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
