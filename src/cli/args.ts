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
    throw new SpoofwatchError('USAGE', err instanceof Error ? err.message : String(err));
  }
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
