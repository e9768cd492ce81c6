/** Which inputs a command reads when the user names none. */
import { fstatSync, statSync, type Stats } from 'node:fs';
import { defaultInputs } from '../ingest/index.js';
import { SpoofwatchError } from '../errors.js';

/**
 * True when something was given on stdin: a pipe, a redirected file or a socket. A terminal
 * is a person, and /dev/null (cron, systemd timers, `< /dev/null`) is nobody: in both cases
 * the logs to read are the system's own.
 */
export function stdinHasData(): boolean {
  if (process.stdin.isTTY === true) return false;
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false; // stdin closed
  }
}

export async function resolveInputs(positionals: string[]): Promise<string[]> {
  if (positionals.length > 0) return positionals;
  if (stdinHasData()) return ['-'];
  const found = await defaultInputs();
  if (found.length > 0) return found;
  throw new SpoofwatchError(
    'USAGE',
    'no input: name log files (plain or compressed), or pipe a log on stdin (no /var/log/mail.log*, /var/log/maillog* or /var/log/mail* found)\n' +
      'on a systemd host without a syslog daemon, mail is logged to the journal: ' +
      'journalctl -o json SYSLOG_FACILITY=2 | spoofwatch scan -',
  );
}

/**
 * `-o` naming one of the logs being read would truncate it before a line is read: evidence
 * destroyed. Compared by device and inode, so another path to the same file is caught too,
 * and so is stdin ("-") redirected from it (`scan -o mail.log < mail.log`). `stdinFd` is for tests.
 */
export function refuseOverwritingInput(outPath: string, inputs: readonly string[], stdinFd = 0): void {
  const out = statSync(outPath, { throwIfNoEntry: false });
  if (out === undefined || !out.isFile()) return;
  for (const input of inputs) {
    const st = input === '-' ? stdinStat(stdinFd) : statSync(input, { throwIfNoEntry: false });
    if (st !== undefined && st.dev === out.dev && st.ino === out.ino)
      throw new SpoofwatchError(
        'USAGE',
        `-o ${outPath} is an input (${input === '-' ? 'stdin' : input}): refusing to overwrite a log being read`,
      );
  }
}

function stdinStat(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined; // stdin closed
  }
}
