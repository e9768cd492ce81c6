/** `spoofwatch investigate ID`: one message's whole story, with hashed evidence lines. */
import { runInvestigate, renderInvestigate } from '../../investigate/index.js';
import { SpoofwatchError } from '../../errors.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { resolveInputs } from '../inputs.js';
import { BufferedSink } from '../sink.js';
import { reportInputError, type CommandResult } from '../run.js';
import { loadScanConfig } from './scan.js';
import { SELECT_HELP, lineSelection, timeZoneOption } from '../select.js';

export const INVESTIGATE_HELP = `Usage: spoofwatch investigate [options] QUEUE_ID|MESSAGE_ID [FILES...]

Every log line of one message, in time order across daemons, hosts and hops (proxy, MTA,
milters, content filter, delivery); the identities it claimed side by side (header From,
envelope sender, DKIM d=, HELO, reverse DNS, Reply-To); the verdict with each finding and
guard (the same verdict "scan" gives); and an evidence block with file, line number and
SHA-256 of every raw line, so a reviewer can show the lines were not altered.

Options:
  -c, --config FILE        spoofwatch.yaml (as for scan)
  -f, --format FORMAT      md | json (default md)
${SELECT_HELP}
  -h, --help               show this help

Give scan's --tz so times agree with its verdicts; --since / --until narrow a search
over months of logs to the days the message was seen.
`;

export async function investigateCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f' },
    tz: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'syslog-name': { type: 'string', multiple: true },
  });
  if (values.help === true) return { stdout: INVESTIGATE_HELP, code: 0 };
  const [id, ...files] = positionals;
  if (id === undefined || id === '')
    throw new SpoofwatchError('USAGE', 'investigate: give a queue id or Message-ID');
  const format = oneOf(values.format, '--format', ['md', 'json'] as const, 'md');
  const tz = timeZoneOption(values.tz);
  const select = lineSelection(values, tz);
  const config = await loadScanConfig(values.config);
  const inputs = await resolveInputs(files);
  let errors = 0;
  const report = await runInvestigate(id, inputs, {
    config,
    read: { tz, select },
    onError: (e) => {
      errors++;
      reportInputError(e);
    },
  });
  const out = new BufferedSink(process.stdout);
  out.write(renderInvestigate(report, format));
  await out.end();
  return { code: errors > 0 ? 2 : 0 };
}
