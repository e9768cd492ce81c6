/** `spoofwatch coverage`: can these logs support spoofing detection, and what to configure. */
import { runCoverage, renderCoverage } from '../../coverage/index.js';
import { oneOf, parseCommandArgs, positiveNumber } from '../args.js';
import { resolveInputs } from '../inputs.js';
import { BufferedSink } from '../sink.js';
import { reportInputError, type CommandResult } from '../run.js';
import { loadScanConfig } from './scan.js';
import { SELECT_HELP, lineSelection, timeZoneOption } from '../select.js';

export const COVERAGE_HELP = `Usage: spoofwatch coverage [options] [FILES...]

Audits the telemetry: which mail hosts, MTAs, milters, policy services, proxies and
content filters the logs show; for every field the detection rules use (client ip, HELO,
envelope sender, header From, Reply-To, SPF, DKIM, DMARC, ARC, ...) the share of messages
where it is present, per host; and every gap with the rules it blinds and the exact
configuration lines that close it (Postfix header_checks, OpenDKIM/OpenDMARC, policyd-spf,
Sendmail .mc, Exim ACLs).

Options:
  -c, --config FILE        spoofwatch.yaml (as for scan): trustedNetworks count as outbound
  -f, --format FORMAT      text | json | md (default text)
      --window DAYS        the analysis window you need; warns when the logs span less
${SELECT_HELP}
  -h, --help               show this help
`;

export async function coverageCommand(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f' },
    window: { type: 'string' },
    tz: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'syslog-name': { type: 'string', multiple: true },
  });
  if (values.help === true) return { stdout: COVERAGE_HELP, code: 0 };
  const format = oneOf(values.format, '--format', ['text', 'json', 'md'] as const, 'text');
  const windowDays = positiveNumber(values.window, '--window');
  const tz = timeZoneOption(values.tz);
  const select = lineSelection(values, tz);
  const config = await loadScanConfig(values.config);
  const inputs = await resolveInputs(positionals);
  let errors = 0;
  const report = await runCoverage(inputs, {
    windowDays,
    config,
    read: { tz, select },
    onError: (e) => {
      errors++;
      reportInputError(e);
    },
  });
  const out = new BufferedSink(process.stdout);
  out.write(renderCoverage(report, format));
  await out.end();
  return { code: errors > 0 ? 2 : 0 };
}
