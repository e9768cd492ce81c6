/** `spoofwatch messages FILES...`: one assembled record per message, as JSON lines. */
import { runPipeline } from '../../pipeline.js';
import type { MessageRecord } from '../../correlate/record.js';
import { parseCommandArgs, positiveNumber } from '../args.js';
import { SELECT_HELP, lineSelection, timeZoneOption } from '../select.js';
import { resolveInputs } from '../inputs.js';
import { BufferedSink } from '../sink.js';
import { Progress } from '../terminal.js';
import { reportInputError, reportEmptyRun, type CommandResult } from '../run.js';
import { WORKERS_HELP, resolveWorkers } from '../../parallel/option.js';
import { runParallel } from '../../parallel/index.js';
import { writeOutput } from '../../parallel/chunks.js';
import { jsonLine } from '../../output/json-line.js';

export const MESSAGES_HELP = `Usage: spoofwatch messages [options] [FILES...]

Assembles each message from its scattered log lines (SMTP session, queue ids, milter and
policy results, header lines, deliveries, content-filter hops) and prints one JSON record
per message, in the order messages close. NOQUEUE rejects are records too.

Options:
      --window MINUTES     emit a record that saw no line for this long (log time; default 120)
      --with-lines         include the raw log lines of each record (default: file and line refs only)
${SELECT_HELP}
${WORKERS_HELP}
  -h, --help               show this help
`;

export function recordToJson(record: MessageRecord, withLines: boolean): Record<string, unknown> {
  if (withLines) return { ...record };
  const { lines: _lines, ...rest } = record;
  return rest;
}

export async function messagesCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    tz: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'syslog-name': { type: 'string', multiple: true },
    window: { type: 'string' },
    'with-lines': { type: 'boolean' },
    workers: { type: 'string' },
  });
  if (values.help === true) return { stdout: MESSAGES_HELP, code: 0 };
  const windowMin = positiveNumber(values.window, '--window');
  const tz = timeZoneOption(values.tz);
  const select = lineSelection(values, tz);
  const inputs = await resolveInputs(positionals);
  const workers = await resolveWorkers(values.workers, inputs, 'messages');
  const out = new BufferedSink(process.stdout);
  const progress = new Progress();
  const withLines = values['with-lines'] === true;
  let records = 0;
  if (workers > 1) {
    const res = await runParallel(inputs, {
      workers,
      spec: {
        kind: 'messages',
        withLines,
        ...(windowMin === undefined ? {} : { windowMs: windowMin * 60_000 }),
      },
      read: { tz, select },
      onOutput: (bytes) => writeOutput(out, bytes),
      onError: reportInputError,
      afterBatch: async (lines, recs) => {
        progress.update(lines, recs);
        await out.drain();
      },
    });
    progress.clear();
    await out.end();
    reportEmptyRun(res.stats, select);
    return { code: res.stats.errors > 0 ? 2 : 0 };
  }
  const stats = await runPipeline(inputs, {
    read: { tz, select },
    correlator: windowMin === undefined ? {} : { windowMs: windowMin * 60_000 },
    onRecord: (r) => {
      records++;
      out.write(jsonLine(recordToJson(r, withLines)));
    },
    onError: reportInputError,
    afterBatch: async (s) => {
      progress.update(s.lines, records);
      await out.drain();
    },
  });
  progress.clear();
  await out.end();
  reportEmptyRun(stats, select);
  return { code: stats.errors > 0 ? 2 : 0 };
}
