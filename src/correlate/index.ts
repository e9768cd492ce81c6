// PLACEHOLDER (contract only): replaced by the correlate work.
import type { Correlator, RecordSink } from './record.js';

export interface CorrelatorOptions {
  /** Idle time (log time) after which an open record is emitted as aged out. */
  windowMs?: number;
  maxOpenRecords?: number;
  maxOpenSessions?: number;
}

export function createCorrelator(_sink: RecordSink, _opts: CorrelatorOptions = {}): Correlator {
  throw new Error('not implemented');
}
