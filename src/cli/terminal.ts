/** What the terminal allows: colour and progress only where a person is watching. */
import { terminalSafe } from '../output/safe-text.js';

export function colorAllowed(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  if (ciSet(env)) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

function ciSet(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
}

/**
 * A progress line on stderr, only when stderr is a TTY (and not under CI); rewritten at most
 * every 250 ms. Under NO_COLOR or TERM=dumb it uses no escape sequence at all: a carriage
 * return and spaces wipe the previous text instead of "erase line".
 */
/** The progress line on screen, if any: output to the same terminal wipes it first. */
const onScreen = new Set<Progress>();

/** Wipe the progress line before text goes to stdout on the same terminal (they share a line). */
export function clearProgressLine(): void {
  for (const p of onScreen) p.clear();
}

export class Progress {
  private last = 0;
  private shownWidth = 0;
  private readonly enabled: boolean;
  private readonly plain: boolean;
  constructor(
    enabled = process.stderr.isTTY === true && !ciSet(process.env),
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.enabled = enabled;
    this.plain = env.TERM === 'dumb' || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  }
  update(lines: number, records: number | null): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    const recs = records === null ? '' : `, ${records.toLocaleString('en')} messages`;
    const text = `spoofwatch: ${lines.toLocaleString('en')} lines${recs}`;
    process.stderr.write(this.wipe() + text);
    this.shownWidth = text.length;
    onScreen.add(this);
  }
  clear(): void {
    if (this.enabled && this.shownWidth > 0) process.stderr.write(this.wipe());
    this.shownWidth = 0;
    onScreen.delete(this);
  }
  private wipe(): string {
    if (!this.plain) return '\r\x1b[2K';
    return this.shownWidth > 0 ? `\r${' '.repeat(this.shownWidth)}\r` : '\r';
  }
}

/**
 * One closing line on stderr for a person at a terminal when the results went elsewhere (a
 * file, or JSON on stdout): what was read and how the verdicts fell. Never under CI or into
 * a pipe or a log file, where stderr is for errors.
 */
export function reportDone(
  s: {
    lines: number;
    records: number;
    byVerdict: Record<'spoof' | 'suspicious' | 'unknown' | 'clean', number>;
  },
  outPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (process.stderr.isTTY !== true || ciSet(env)) return;
  const v = s.byVerdict;
  const to = outPath === undefined ? '' : ` (written to ${terminalSafe(outPath)})`;
  process.stderr.write(
    `spoofwatch: ${s.lines.toLocaleString('en')} lines, ${s.records.toLocaleString('en')} messages: ` +
      `spoof ${v.spoof}, suspicious ${v.suspicious}, unknown ${v.unknown}, clean ${v.clean}${to}\n`,
  );
}
