/** Which inputs a command reads when the user names none. */
import { fstatSync } from 'node:fs';
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
    'no input: name log files (plain or .gz), or pipe a log on stdin (no /var/log/mail.log* or /var/log/maillog* found)',
  );
}
