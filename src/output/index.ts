// PLACEHOLDER (contract only): replaced by the output work.
import type { Verdict, VerdictLevel } from '../detect/verdict.js';
import type { CorrelatorStats } from '../correlate/record.js';

export type OutputFormat = 'table' | 'jsonl' | 'ecs' | 'ocsf';

export interface TextSink {
  write(chunk: string): unknown;
}

export interface FormatterOptions {
  /** ANSI colour allowed (a TTY, and not NO_COLOR / TERM=dumb / CI). */
  color: boolean;
  /** Only verdicts at or above this level are written. */
  minVerdict: VerdictLevel;
}

export interface ScanSummary {
  files: string[];
  lines: number;
  recognised: number;
  unrecognised: number;
  records: number;
  byVerdict: Record<VerdictLevel, number>;
  correlator: CorrelatorStats;
  notes: string[];
}

export interface Formatter {
  write(verdict: Verdict): void;
  end(summary: ScanSummary): void;
}

export function createFormatter(_format: OutputFormat, _out: TextSink, _opts: FormatterOptions): Formatter {
  throw new Error('not implemented');
}
