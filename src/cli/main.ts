/**
 * spoofwatch's command line: a thin shell that wires the stages together.
 * Data goes to stdout, everything else to stderr. Exit: 0 ran, 1 --fail-on met, 2 usage/input error.
 */
import { readFileSync } from 'node:fs';
import { SpoofwatchError } from '../errors.js';
import { reportError, type CommandResult } from './run.js';
import { scanCommand, SCAN_HELP } from './commands/scan.js';
import { parseCommand } from './commands/parse.js';
import { messagesCommand } from './commands/messages.js';
import { coverageCommand } from './commands/coverage.js';
import { investigateCommand } from './commands/investigate.js';

export const MAIN_HELP = `spoofwatch — finds spoofed email in the logs of Linux mail servers

Usage: spoofwatch <command> [options] [FILES...]

Commands:
  scan          a verdict for every message (spoof, suspicious, unknown, clean) with evidence
  parse         each log line as a typed event (JSON lines); --summary for recognition counts
  messages      each message assembled from its log lines (JSON lines)
  coverage      can these logs support spoofing detection? what to configure when not
  investigate   one message's whole story, with hashed evidence lines

Run "spoofwatch <command> --help" for a command's options.
With no command, "scan" is assumed: spoofwatch /var/log/mail.log*

Options:
  -h, --help     show this help
  -V, --version  show the version
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<CommandResult>> = {
  scan: scanCommand,
  parse: parseCommand,
  messages: messagesCommand,
  coverage: coverageCommand,
  investigate: investigateCommand,
};

/**
 * The package version. This file runs from src/cli (through tsx) or from dist/src/cli (built),
 * so the package.json is looked for upward rather than at a fixed depth.
 */
function version(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    let text: string | null = null;
    try {
      text = readFileSync(new URL('package.json', dir), 'utf8');
    } catch {
      text = null;
    }
    if (text !== null) {
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (pkg.name === 'spoofwatch' && typeof pkg.version === 'string') return pkg.version;
    }
    dir = new URL('..', dir);
  }
  return 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    let result: CommandResult;
    if (first === undefined) {
      if (process.stdin.isTTY === true) {
        process.stdout.write(MAIN_HELP);
        return 0;
      }
      result = await scanCommand([]);
    } else if (first === '-h' || first === '--help' || first === 'help') {
      process.stdout.write(rest[0] !== undefined && rest[0] in COMMANDS ? await helpOf(rest[0]) : MAIN_HELP);
      return 0;
    } else if (first === '-V' || first === '--version') {
      process.stdout.write(`spoofwatch ${version()}\n`);
      return 0;
    } else {
      const command = COMMANDS[first];
      // Anything else (a file, an option) is read as `scan ...`, the command people want.
      result = command !== undefined ? await command(rest) : await scanCommand(argv);
    }
    if (result.stdout !== undefined) process.stdout.write(result.stdout);
    return result.code;
  } catch (err) {
    if (err instanceof SpoofwatchError) {
      reportError(err);
      if (err.code === 'USAGE') process.stderr.write('Run "spoofwatch --help" for usage.\n');
      return err.exitCode;
    }
    throw err;
  }
}

async function helpOf(command: string): Promise<string> {
  if (command === 'scan') return SCAN_HELP;
  const r = await COMMANDS[command]!(['--help']);
  return r.stdout ?? '';
}
