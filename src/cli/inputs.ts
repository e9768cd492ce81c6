/** Which inputs a command reads when the user names none. */
import { defaultInputs } from '../ingest/index.js';
import { SpoofwatchError } from '../errors.js';

export async function resolveInputs(positionals: string[]): Promise<string[]> {
  if (positionals.length > 0) return positionals;
  if (process.stdin.isTTY !== true) return ['-'];
  const found = await defaultInputs();
  if (found.length > 0) return found;
  throw new SpoofwatchError(
    'USAGE',
    'no input: name log files (plain or .gz), or pipe a log on stdin (no /var/log/mail.log* or /var/log/maillog* found)',
  );
}
