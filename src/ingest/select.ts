/**
 * Which lines a run reads: a time range (`--since` / `--until`) and, for multi-instance
 * Postfix, which instances (`--syslog-name`, as pflogsumm has it). Plain data, so the
 * same selection applies whether lines are parsed here or handed to worker threads.
 */
import type { LogLine } from './line.js';
import { SpoofwatchError } from '../errors.js';
import { createEnvelopeContext, wallClockMs, type TimeZoneMode } from './timestamp.js';

export interface LineSelection {
  /** Epoch ms: lines stamped earlier are skipped. */
  since?: number;
  /** Epoch ms: lines stamped at or after it are skipped. */
  until?: number;
  /**
   * Postfix syslog names to keep ("postfix", "postfix-in", "postfix/submission"): Postfix
   * lines of other instances are skipped; lines of other programs (milters, policy
   * services, proxies) are always kept, since they serve every instance.
   */
  syslogNames?: readonly string[];
}

/** Lines without a readable stamp are kept: dropping them would hide evidence silently. */
export function selects(sel: LineSelection, line: LogLine): boolean {
  const t = line.time;
  if (t !== null) {
    if (sel.since !== undefined && t < sel.since) return false;
    if (sel.until !== undefined && t >= sel.until) return false;
  }
  const names = sel.syslogNames;
  if (names !== undefined && names.length > 0) {
    const program = line.program;
    const slash = program.lastIndexOf('/');
    // "instance/daemon" tags are Postfix's (postfix-in/smtpd, postfix/submission/smtpd).
    if (slash > 0) return names.includes(program.slice(0, slash));
  }
  return true;
}

export function isEmptySelection(sel: LineSelection): boolean {
  return sel.since === undefined && sel.until === undefined && (sel.syslogNames?.length ?? 0) === 0;
}

/** Keeps the selected lines of a batch, in place. */
export function selectInPlace(sel: LineSelection, batch: LogLine[]): LogLine[] {
  let j = 0;
  for (let i = 0; i < batch.length; i++) {
    const l = batch[i]!;
    if (selects(sel, l)) batch[j++] = l;
  }
  batch.length = j;
  return batch;
}

const RELATIVE = /^(\d{1,6})([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };

/** A date, or a date and time, with no zone: `2026-11-20`, `2026-11-20T10:00`, `2026-11-20 10:00:30.5`. */
const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * A user's time: ISO 8601 (`2026-11-20`, `2026-11-20T10:00`, with or without zone) or
 * relative to now (`90m`, `36h`, `7d`, `2w`). A time without a zone is read in `tz`, the zone
 * of the log's own zoneless stamps (a date alone is its midnight there), so `--tz UTC
 * --since 2026-11-20` starts where the stamps of that day start.
 */
export function parseTimeOption(
  value: string,
  flag: string,
  now = Date.now(),
  tz: TimeZoneMode = 'local',
): number {
  const v = value.trim();
  const rel = RELATIVE.exec(v);
  if (rel !== null) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  const z = ZONELESS.exec(v);
  let t = Number.NaN;
  if (z !== null) {
    const f = z.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    const ms = z[7] === undefined ? 0 : Number(z[7].padEnd(3, '0'));
    const [y, mo, d, h, mi, sec] = [f[0]!, f[1]! - 1, f[2]!, f[3]!, f[4]!, f[5]!];
    // Out-of-range fields (month 13, 25:00) are refused rather than rolled over by Date.
    if (mo >= 0 && mo <= 11 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 59) {
      const ctx = createEnvelopeContext(now, tz);
      t = wallClockMs(ctx, y, mo, d, h, mi, sec, ms);
      if (new Date(Date.UTC(y, mo, d)).getUTCDate() !== d) t = Number.NaN;
    }
  } else {
    t = Date.parse(v);
  }
  if (Number.isNaN(t)) {
    throw new SpoofwatchError(
      'USAGE',
      `${flag}: expected a date like 2026-11-20 or 2026-11-20T10:00:00Z, or an age like 36h or 7d; got "${value}"`,
    );
  }
  return t;
}
