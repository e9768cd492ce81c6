/**
 * Output formats for verdicts: `table` (a person at a terminal), `jsonl` (one object per
 * message, for scripts and jq), `ecs` (Elastic Common Schema 8.x documents) and `ocsf`
 * (OCSF 1.3.0 Email Activity, plus a Detection Finding per alert). Every string from a log
 * is attacker-written: the table escapes it for the terminal, the JSON formats rely on
 * JSON escaping and keep each document on one line.
 */
import type { Verdict, VerdictLevel } from '../detect/verdict.js';
import type { CorrelatorStats } from '../correlate/record.js';
import { jsonLine } from './json-line.js';
import { verdictJsonBytes, verdictJsonLine } from './jsonl.js';
import { verdictToEcs } from './ecs.js';
import { verdictToOcsfActivity, verdictToOcsfFinding } from './ocsf.js';
import {
  countSpoofOutcome,
  passes,
  renderSummary,
  tableHeader,
  tableRow,
  type SpoofOutcomes,
} from './table.js';

export type OutputFormat = 'table' | 'jsonl' | 'ecs' | 'ocsf';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'jsonl', 'ecs', 'ocsf'];

export interface TextSink {
  write(chunk: string): unknown;
  /** UTF-8 text as bytes, copied before the call returns; a sink without it is given strings. */
  writeBytes?(bytes: Uint8Array): unknown;
}

export interface FormatterOptions {
  /** ANSI colour allowed (a TTY, and not NO_COLOR / TERM=dumb / CI). */
  color: boolean;
  /** Only verdicts at or above this level are written. */
  minVerdict: VerdictLevel;
  /** jsonl: keep the raw evidence lines (left out by default: bulky, and investigate shows them). */
  includeLines?: boolean;
  /** Clock for `event.created` / `metadata.logged_time` (tests pin it). */
  now?: () => number;
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
  /** What happened to the spoofs written so far (blocked vs delivered), for a summary on stderr. */
  spoofOutcomes?(): SpoofOutcomes;
}

export type { SpoofOutcomes };
export { renderSummary } from './table.js';
export { terminalSafe, csvSafe, markdownSafe, markdownCodeBlock } from './safe-text.js';
export { verdictToJson, verdictJsonLine } from './jsonl.js';
export { verdictToEcs } from './ecs.js';
export { verdictToOcsfActivity, verdictToOcsfFinding } from './ocsf.js';

/** The format implied by an output file name (`-o alerts.ecs.json`), or undefined. */
export function formatFromPath(path: string): OutputFormat | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.ecs.json') || p.endsWith('.ecs.jsonl') || p.endsWith('.ecs.ndjson')) return 'ecs';
  if (p.endsWith('.ocsf.json') || p.endsWith('.ocsf.jsonl') || p.endsWith('.ocsf.ndjson')) return 'ocsf';
  if (p.endsWith('.jsonl') || p.endsWith('.ndjson') || p.endsWith('.json')) return 'jsonl';
  if (p.endsWith('.txt') || p.endsWith('.log')) return 'table';
  return undefined;
}

export function createFormatter(format: OutputFormat, out: TextSink, opts: FormatterOptions): Formatter {
  const now = opts.now ?? Date.now;
  const spoofs: SpoofOutcomes = { blocked: 0, delivered: 0, other: 0 };
  let shown = 0;
  let headerDone = false;
  const accept = (v: Verdict): boolean => {
    countSpoofOutcome(spoofs, v);
    if (!passes(v, opts.minVerdict)) return false;
    shown++;
    return true;
  };
  const spoofOutcomes = (): SpoofOutcomes => ({ ...spoofs });

  switch (format) {
    case 'table':
      return {
        write(v) {
          if (!accept(v)) return;
          if (!headerDone) {
            out.write(tableHeader());
            headerDone = true;
          }
          out.write(tableRow(v, opts.color));
        },
        end(summary) {
          if (!headerDone) out.write(`No message at or above "${opts.minVerdict}".\n`);
          out.write('\n');
          out.write(renderSummary(summary, spoofs, opts.color, shown));
        },
        spoofOutcomes,
      };
    case 'jsonl': {
      const jsonl = { includeLines: opts.includeLines === true };
      return {
        write(v) {
          if (!accept(v)) return;
          // The document's bytes go to a sink that takes bytes as they are, not decoded to a string.
          if (out.writeBytes !== undefined) out.writeBytes(verdictJsonBytes(v, jsonl));
          else out.write(verdictJsonLine(v, jsonl));
        },
        end() {},
        spoofOutcomes,
      };
    }
    case 'ecs':
      return {
        write(v) {
          if (accept(v)) out.write(jsonLine(verdictToEcs(v, now())));
        },
        end() {},
        spoofOutcomes,
      };
    case 'ocsf':
      return {
        write(v) {
          if (!accept(v)) return;
          const t = now();
          out.write(jsonLine(verdictToOcsfActivity(v, t)));
          const finding = verdictToOcsfFinding(v, t);
          if (finding !== null) out.write(jsonLine(finding));
        },
        end() {},
        spoofOutcomes,
      };
    default: {
      const never: never = format;
      throw new Error(`unknown output format ${String(never)}`);
    }
  }
}
