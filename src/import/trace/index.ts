/** QEMU `-trace` logs (log backend): parse, replay into the device's history, query, summarise. */
export { TRACE_EVENTS, EV, BLK_STATUS_NAMES, VALUE_ARG, type TraceEventName } from './events';
export type {
  TraceHistory,
  TraceDevice,
  TraceQueue,
  TraceEvents,
  TraceRequests,
  QueueFields,
  RequestOp,
  BeforeTrace,
} from './history';
export { OP_NAMES, OP_UNKNOWN, OP_READ, OP_WRITE, OP_FLUSH } from './history';
export { TraceParser, parseTrace, type TraceProgress } from './parser';
export {
  queueStateAt,
  countersAt,
  latencyStats,
  depthSeries,
  requestAt,
  requestsNear,
  requestLatencyUs,
  lastAtOrBefore,
  stateKnownAt,
  requestsBeforeTrace,
  type TraceCounters,
  type LatencyStats,
  type DepthPoint,
  type RequestRow,
} from './query';
export { traceSummary, summarizeTraceResult, type TraceSummary, type TraceQueueSummary } from './summary';
export { looksLikeTrace } from './sniff';
