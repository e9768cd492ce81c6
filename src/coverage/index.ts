/**
 * `spoofwatch coverage`: can these logs answer "did anyone spoof us"? Runs the same
 * ingest → parse → correlate pipeline as scan, inventories the mail setup and reports, per
 * field the rules use, the share of messages where the logs carry it, and every gap with
 * the rules it blinds and the configuration lines that close it.
 */
import { runPipeline } from '../pipeline.js';
import type { CorrelatorOptions } from '../correlate/index.js';
import type { ReadOptions } from '../ingest/index.js';
import type { SpoofwatchError } from '../errors.js';
import type { Config } from '../detect/config.js';
import { CoverageCollector, type CoverageReport } from './report.js';

export interface CoverageOptions {
  /** The analysis window the user needs (days): a shorter log span is reported as a gap. */
  windowDays?: number;
  /** The user's spoofwatch.yaml: trustedNetworks count as ours (outbound), as in scan. */
  config?: Pick<Config, 'trustedNetworks'>;
  onError?: (err: SpoofwatchError) => void;
  correlator?: CorrelatorOptions;
  read?: Omit<ReadOptions, 'onError'>;
}

export async function runCoverage(paths: string[], opts: CoverageOptions = {}): Promise<CoverageReport> {
  const col = new CoverageCollector(opts.config !== undefined ? { config: opts.config } : {});
  const stats = await runPipeline(paths, {
    onEvent: col.onEvent,
    onRecord: col.onRecord,
    ...(opts.onError !== undefined ? { onError: opts.onError } : {}),
    ...(opts.correlator !== undefined ? { correlator: opts.correlator } : {}),
    ...(opts.read !== undefined ? { read: opts.read } : {}),
  });
  return col.finish(stats, {
    files: paths,
    ...(opts.windowDays !== undefined ? { windowDays: opts.windowDays } : {}),
  });
}

export { CoverageCollector, type CoverageCollectorOptions } from './report.js';
export { renderCoverage } from './render.js';
export type { CoverageReport, FieldCoverage, Gap, HostReport, MessageCounts } from './report.js';
export type { CoverageFormat } from './render.js';
export { FIELD_SPECS, type FieldId } from './fields.js';
