/**
 * Wall-clock time in a named IANA time zone (`--tz Europe/Berlin`) -> epoch ms, through the
 * ICU data Node ships with (Intl), for logs read away from the machine that wrote them: an
 * analyst's workstation in another zone, a copy sent by a customer. Called once per hour of
 * log (timestamp.ts caches the hour), so Intl's cost does not reach the per-line path.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's wall clock at instant t, as the epoch ms that wall clock would be in UTC. */
function wallAt(zone: string, t: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(t)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** The zone's offset from UTC (ms, east positive) at instant t. */
function offsetAt(zone: string, t: number): number {
  const whole = Math.floor(t / 1000) * 1000;
  return wallAt(zone, whole) - whole;
}

/**
 * Epoch ms of a wall-clock time in `zone`, given as the epoch ms that wall clock would be in
 * UTC (`Date.UTC(y, mo, d, h, ...)`). As JavaScript's Date does for local time, a time
 * skipped by a DST change counts with the offset before the change (02:30 on a spring-forward
 * day is 03:30), and a time that occurs twice is the first of the two.
 */
export function zonedWallClockMs(zone: string, wall: number): number {
  // The offsets a day either side are the two a transition near this time switches between.
  const before = offsetAt(zone, wall - 86_400_000);
  const after = offsetAt(zone, wall + 86_400_000);
  const early = wall - Math.max(before, after);
  const late = wall - Math.min(before, after);
  // The first candidate whose zone offset maps back to this wall clock.
  for (const t of [early, late]) if (t + offsetAt(zone, t) === wall) return t;
  // Skipped by a change: read with the offset before it.
  return wall - before;
}

/** The year of instant t on the zone's calendar. */
export function zonedYear(zone: string, t: number): number {
  return new Date(wallAt(zone, t)).getUTCFullYear();
}

/** True when `zone` is a time zone name this Node knows (Europe/Berlin, America/New_York, Etc/GMT+5). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
