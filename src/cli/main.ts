/**
 * spoofwatch's command line: a thin shell that wires the stages together.
 * Data goes to stdout, everything else to stderr. Exit: 0 ran, 1 --fail-on met, 2 usage/input error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SpoofwatchError } from '../errors.js';
import { reportError, type CommandResult } from './run.js';

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

type Command = (argv: string[]) => Promise<CommandResult>;

/**
 * Each command's module is loaded only when it runs, so `--help` and `--version` answer at
 * once instead of loading every stage first. A Map, so a name like "constructor" is no command.
 */
const COMMANDS = new Map<string, () => Promise<Command>>([
  ['scan', async () => (await import('./commands/scan.js')).scanCommand],
  ['parse', async () => (await import('./commands/parse.js')).parseCommand],
  ['messages', async () => (await import('./commands/messages.js')).messagesCommand],
  ['coverage', async () => (await import('./commands/coverage.js')).coverageCommand],
  ['investigate', async () => (await import('./commands/investigate.js')).investigateCommand],
]);

async function run(name: string, argv: string[]): Promise<CommandResult> {
  const load = COMMANDS.get(name);
  if (load === undefined) throw new Error(`no command ${name}`);
  return (await load())(argv);
}

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
  // The command whose usage a usage error points to.
  let usageOf = '';
  try {
    let result: CommandResult;
    if (first === undefined) {
      // Run bare by a person at a terminal: show what the tool does. Piped, or from cron: scan.
      if (process.stdin.isTTY === true) {
        process.stdout.write(MAIN_HELP);
        return 0;
      }
      usageOf = 'scan';
      result = await run('scan', []);
    } else if (first === '-h' || first === '--help' || first === 'help') {
      const topic = rest[0];
      if (topic !== undefined && !topic.startsWith('-') && !COMMANDS.has(topic))
        throw new SpoofwatchError(
          'USAGE',
          `no help on "${topic}": commands are ${[...COMMANDS.keys()].join(', ')}`,
        );
      process.stdout.write(topic !== undefined && COMMANDS.has(topic) ? await helpOf(topic) : MAIN_HELP);
      return 0;
    } else if (first === '-V' || first === '--version') {
      process.stdout.write(`spoofwatch ${version()}\n`);
      return 0;
    } else if (COMMANDS.has(first)) {
      usageOf = first;
      result = await run(first, rest);
    } else if (looksLikeCommand(first)) {
      throw new SpoofwatchError(
        'USAGE',
        `unknown command "${first}" (commands: ${[...COMMANDS.keys()].join(', ')}; a log file named so: ./${first})`,
      );
    } else {
      // Anything else (a file, an option) is read as `scan ...`, the command people want.
      result = await run('scan', argv);
    }
    if (result.stdout !== undefined) process.stdout.write(result.stdout);
    return result.code;
  } catch (err) {
    if (err instanceof SpoofwatchError) {
      reportError(err);
      if (err.code === 'USAGE')
        process.stderr.write(`Run "spoofwatch ${usageOf === '' ? '' : usageOf + ' '}--help" for usage.\n`);
      return err.exitCode;
    }
    throw err;
  }
}

/**
 * A bare word that is no file here ("sacn", "report") is a mistyped or future command, not
 * a log to scan: saying "cannot read sacn" would hide the real mistake.
 */
function looksLikeCommand(word: string): boolean {
  return /^[a-z][a-z-]{1,30}$/.test(word) && !existsSync(word);
}

async function helpOf(command: string): Promise<string> {
  const r = await run(command, ['--help']);
  return r.stdout ?? '';
}
