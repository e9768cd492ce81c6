/** `spoofwatch scan`: a verdict for every message, with the evidence lines behind it. */
import { existsSync } from 'node:fs';
import { runPipeline } from '../../pipeline.js';
import { createDetector } from '../../detect/index.js';
import { defaultConfig, readConfigFile } from '../../detect/config-load.js';
import { VERDICT_ORDER, type VerdictLevel } from '../../detect/verdict.js';
import { createFormatter, formatFromPath, type ScanSummary } from '../../output/index.js';
import { oneOf, parseCommandArgs, positiveNumber, verdictLevel } from '../args.js';
import { SELECT_HELP, lineSelection, timeZoneOption } from '../select.js';
import { refuseOverwritingInput, resolveInputs } from '../inputs.js';
import { BufferedSink } from '../sink.js';
import { colorAllowed, Progress, reportDone } from '../terminal.js';
import { reportInputError, reportEmptyRun, type CommandResult } from '../run.js';
import { WORKERS_HELP, resolveWorkers } from '../../parallel/option.js';
import { scanParallel } from '../../parallel/scan.js';

export const SCAN_HELP = `Usage: spoofwatch scan [options] [FILES...]

Reads mail logs (Postfix, Sendmail, Exim, OpenDKIM, OpenDMARC, policyd-spf, Rspamd,
Amavis, postscreen, HAProxy), assembles each message and gives it a verdict:
  spoof        strong evidence of a forged sender (blocked or not: see "disposition")
  suspicious   discrepancies that need a look
  unknown      the logs lack what the decision needs (see "missing")
  clean        the logs carry enough to decide, and nothing is wrong
Every verdict cites its log lines (file and line numbers).

FILES may be plain, .gz, or .xz/.zst/.bz2 (through xz, zstd, bzip2 when installed);
rotated sets are read oldest first; "-" reads stdin.
With no FILES: stdin when piped, else /var/log/mail.log* (maillog*, mail* where that is
what the system writes).

Options:
  -c, --config FILE        spoofwatch.yaml (protected domains, trusted networks, ...);
                           default: ./spoofwatch.yaml if present, else built-in defaults
  -f, --format FORMAT      table | jsonl | ecs | ocsf (default: table on a terminal, else jsonl)
  -o, --output FILE        write results to FILE (format from .jsonl/.ecs.json/.ocsf.json;
                           "-" is stdout; a file being read is refused)
      --min-verdict LEVEL  only output verdicts at or above LEVEL
                           (clean < unknown < suspicious < spoof; default: table unknown, else clean)
      --fail-on LEVEL      exit 1 when any message reaches LEVEL
      --window MINUTES     emit a message that saw no line for this long (log time; default 120)
      --no-color           no ANSI colour (also NO_COLOR, TERM=dumb, CI)
${SELECT_HELP}
${WORKERS_HELP}
  -h, --help               show this help

Exit status: 0 success, 1 --fail-on level reached, 2 usage or input error.
`;

const FORMATS = ['table', 'jsonl', 'ecs', 'ocsf'] as const;
const DEFAULT_CONFIG = 'spoofwatch.yaml';

/** The config named with -c, else ./spoofwatch.yaml when it exists (errors in it are the user's to fix), else defaults. */
export async function loadScanConfig(path: string | undefined) {
  if (path !== undefined) return readConfigFile(path);
  if (!existsSync(DEFAULT_CONFIG)) return defaultConfig();
  return readConfigFile(DEFAULT_CONFIG);
}

export async function scanCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    tz: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'syslog-name': { type: 'string', multiple: true },
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    'min-verdict': { type: 'string' },
    'fail-on': { type: 'string' },
    window: { type: 'string' },
    'no-color': { type: 'boolean' },
    workers: { type: 'string' },
  });
  if (values.help === true) return { stdout: SCAN_HELP, code: 0 };

  // `-o -` is stdout, as in most Unix tools.
  const outPath = values.output === '-' ? undefined : values.output;
  const toTty = outPath === undefined && process.stdout.isTTY === true;
  const inferred = outPath === undefined ? undefined : formatFromPath(outPath);
  const format = oneOf(values.format, '--format', FORMATS, inferred ?? (toTty ? 'table' : 'jsonl'));
  const minVerdict = verdictLevel(
    values['min-verdict'],
    '--min-verdict',
    format === 'table' ? 'unknown' : 'clean',
  );
  const failOn =
    values['fail-on'] === undefined ? undefined : verdictLevel(values['fail-on'], '--fail-on', 'spoof');
  const windowMin = positiveNumber(values.window, '--window');
  const config = await loadScanConfig(values.config);
  const tz = timeZoneOption(values.tz);
  const select = lineSelection(values, tz);
  const inputs = await resolveInputs(positionals);
  const workers = await resolveWorkers(values.workers, inputs, 'scan');
  if (outPath !== undefined) refuseOverwritingInput(outPath, inputs);

  const detector = createDetector(config);
  const out = outPath === undefined ? new BufferedSink(process.stdout) : BufferedSink.toFile(outPath);
  const color = values['no-color'] !== true && outPath === undefined && colorAllowed(process.stdout);
  const formatter = createFormatter(format, out, { color, minVerdict });
  const progress = new Progress();

  const byVerdict: Record<VerdictLevel, number> = { spoof: 0, suspicious: 0, unknown: 0, clean: 0 };
  let records = 0;
  let failed = false;
  const parallel =
    workers > 1
      ? await scanParallel(inputs, {
          workers,
          config,
          format,
          color,
          minVerdict,
          ...(windowMin === undefined ? {} : { windowMs: windowMin * 60_000 }),
          read: { tz, select },
          out,
          onError: reportInputError,
          afterBatch: async (lines, recs) => {
            progress.update(lines, recs);
            await out.drain();
          },
        })
      : null;
  if (parallel !== null) {
    records = parallel.records;
    Object.assign(byVerdict, parallel.byVerdict);
    if (failOn !== undefined)
      failed = (Object.keys(byVerdict) as VerdictLevel[]).some(
        (l) => byVerdict[l] > 0 && VERDICT_ORDER[l] >= VERDICT_ORDER[failOn],
      );
  }
  const stats =
    parallel?.stats ??
    (await runPipeline(inputs, {
      read: { tz, select },
      correlator: windowMin === undefined ? {} : { windowMs: windowMin * 60_000 },
      onRecord: (record) => {
        records++;
        const verdict = detector.detect(record);
        byVerdict[verdict.verdict]++;
        if (failOn !== undefined && VERDICT_ORDER[verdict.verdict] >= VERDICT_ORDER[failOn]) failed = true;
        formatter.write(verdict);
      },
      onError: reportInputError,
      afterBatch: async (s) => {
        progress.update(s.lines, records);
        await out.drain();
      },
    }));
  progress.clear();
  const summary: ScanSummary = {
    files: inputs,
    lines: stats.lines,
    recognised: stats.recognised,
    unrecognised: stats.unrecognised,
    records,
    byVerdict,
    correlator: stats.correlator ?? {
      events: 0,
      records: 0,
      openRecords: 0,
      agedOut: 0,
      evicted: 0,
      orphanEvents: 0,
    },
    notes: parallel?.notes ?? detector.notes(),
  };
  if (parallel !== null) parallel.end(summary);
  else formatter.end(summary);
  await out.end();
  if (format !== 'table' || outPath !== undefined) reportDone(summary, outPath);
  reportEmptyRun(stats, select);
  if (stats.errors > 0) return { code: 2 };
  return { code: failed ? 1 : 0 };
}
