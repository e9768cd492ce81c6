/** Argument parsing on node:util parseArgs, turning its errors into usage errors (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SpoofwatchError } from '../errors.js';
import { VERDICT_ORDER, type VerdictLevel } from '../detect/verdict.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with positionals and strict checking; every command declares its own `help` option. */
export function parseCommandArgs<const O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new SpoofwatchError('USAGE', usageMessage(err));
  }
}

/** node:util's parseArgs messages, in the words of a Unix tool. */
function usageMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const m = /^Unknown option '([^']{1,200})'/.exec(message);
    if (m !== null) return `unknown option ${m[1]} (a file whose name starts with "-" goes after "--")`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /^Option '(?:-\w, )?(--[\w-]{1,40})[^']{0,40}' argument missing/.exec(message);
    if (m !== null) return `option ${m[1]} needs a value`;
  }
  return message;
}

export function verdictLevel(value: string | undefined, flag: string, fallback: VerdictLevel): VerdictLevel {
  if (value === undefined) return fallback;
  if (Object.prototype.hasOwnProperty.call(VERDICT_ORDER, value)) return value as VerdictLevel;
  throw new SpoofwatchError(
    'USAGE',
    `${flag}: expected one of ${Object.keys(VERDICT_ORDER).join(', ')}, got "${value}"`,
  );
}

export function oneOf<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SpoofwatchError('USAGE', `${flag}: expected one of ${allowed.join(', ')}, got "${value}"`);
}

export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new SpoofwatchError('USAGE', `${flag}: expected a positive number, got "${value}"`);
  return n;
}
