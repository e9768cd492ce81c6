/** What the terminal allows: colour and progress only where a person is watching. */

export function colorAllowed(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** A progress line on stderr, only when stderr is a TTY; rewritten at most every 250 ms. */
export class Progress {
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;
  constructor(enabled = process.stderr.isTTY === true && process.env.CI === undefined) {
    this.enabled = enabled;
  }
  update(lines: number, records: number | null): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    this.shown = true;
    const recs = records === null ? '' : `, ${records.toLocaleString('en')} messages`;
    process.stderr.write(`\r\x1b[2Kspoofwatch: ${lines.toLocaleString('en')} lines${recs}`);
  }
  clear(): void {
    if (this.enabled && this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}
