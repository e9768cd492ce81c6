/** `spoofwatch parse [--summary] FILES...`: one JSON event per line, or recognition counts. */
import { runPipeline } from '../../pipeline.js';
import type { LogEvent } from '../../parse/event.js';
import { isoTime, jsonLine } from '../../output/json-line.js';
import { parseCommandArgs } from '../args.js';
import { SELECT_HELP, lineSelection, timeZoneOption } from '../select.js';
import { resolveInputs } from '../inputs.js';
import { BufferedSink } from '../sink.js';
import { Progress } from '../terminal.js';
import { reportInputError, type CommandResult } from '../run.js';
import { WORKERS_HELP, resolveWorkers } from '../../parallel/option.js';
import { runParallel } from '../../parallel/index.js';
import { writeOutput } from '../../parallel/chunks.js';

export const PARSE_HELP = `Usage: spoofwatch parse [--summary] [FILES...]

Parses each log line into one typed event and prints the events as JSON lines.
FILES may be plain, .gz, or .xz/.zst/.bz2 (through xz, zstd, bzip2 when installed);
rotated sets (mail.log.2.gz mail.log.1 mail.log) are read oldest first; "-" reads stdin.
With no FILES: stdin when piped, else /var/log/mail.log* (maillog*, mail* where that is
what the system writes).

Options:
      --summary            print only {"lines","recognised","unrecognised","byProgram",...}
${SELECT_HELP}
${WORKERS_HELP}
  -h, --help               show this help
`;

/**
 * An event as JSON: the envelope flattened, the raw text left out (it is in the file). A
 * time outside what a Date can hold (a journal export can claim any number) is null.
 */
export function eventToJson(event: LogEvent): Record<string, unknown> {
  const { line, ...fields } = event;
  return {
    time: line.time === null ? null : (isoTime(line.time) ?? null),
    host: line.host,
    program: line.program,
    pid: line.pid,
    file: line.src.file,
    lineNo: line.src.line,
    ...fields,
  };
}

export async function parseCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    tz: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'syslog-name': { type: 'string', multiple: true },
    summary: { type: 'boolean' },
    workers: { type: 'string' },
  });
  if (values.help === true) return { stdout: PARSE_HELP, code: 0 };
  const tz = timeZoneOption(values.tz);
  const select = lineSelection(values, tz);
  const inputs = await resolveInputs(positionals);
  const workers = await resolveWorkers(values.workers, inputs, 'parse');
  const out = new BufferedSink(process.stdout);
  const progress = new Progress();
  const summaryOnly = values.summary === true;
  const stats =
    workers > 1
      ? (
          await runParallel(inputs, {
            workers,
            spec: { kind: 'parse', summaryOnly },
            read: { tz, select },
            onOutput: (bytes) => writeOutput(out, bytes),
            onError: reportInputError,
            afterBatch: async (lines) => {
              progress.update(lines, null);
              await out.drain();
            },
          })
        ).stats
      : await runPipeline(inputs, {
          read: { tz, select },
          correlate: false,
          onEvent: summaryOnly ? undefined : (e) => out.write(jsonLine(eventToJson(e))),
          onError: reportInputError,
          afterBatch: async (s) => {
            progress.update(s.lines, null);
            await out.drain();
          },
        });
  progress.clear();
  if (summaryOnly) {
    const { lines, recognised, unrecognised, byProgram, unrecognisedByProgram } = stats;
    // Program names are the log's own text: written with jsonLine's escapes, as every document is.
    out.write(
      jsonLine({
        lines,
        recognised,
        unrecognised,
        recognisedPercent: lines === 0 ? null : Math.round((recognised / lines) * 10000) / 100,
        byProgram,
        unrecognisedByProgram,
      }),
    );
  }
  await out.end();
  return { code: stats.errors > 0 ? 2 : 0 };
}
