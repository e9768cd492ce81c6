/**
 * The literal MITRE AN1203 rule against spoofwatch, on the lab's real logs.
 *
 * AN1203 (T1672) says: flag SPF fail, DKIM fail, DMARC fail, or a header From domain that
 * differs from the Return-Path (envelope) domain. Applied literally to the same assembled
 * records spoofwatch sees, it is scored here beside spoofwatch's verdicts against the lab's
 * ground truth: recall on spoofs, and legitimate messages it would call spoof.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { MessageRecord } from '../../src/correlate/record.js';
import { findVerdict, loadTruth, scanLog } from './lab-verdicts.js';

function domainOf(addr: string | undefined): string | undefined {
  if (addr === undefined) return undefined;
  const m = /<([^<>]*)>/.exec(addr);
  const a = (m ? m[1]! : addr).trim();
  const at = a.lastIndexOf('@');
  return at < 0
    ? undefined
    : a
        .slice(at + 1)
        .toLowerCase()
        .replace(/>$/, '');
}

/** The rule as written: any failing result, or header From domain != envelope domain. */
export function literalAn1203(r: MessageRecord): boolean {
  if (r.auth.spf.some((s) => s.result === 'fail' || s.result === 'softfail')) return true;
  if (r.auth.dkim.some((d) => d.result === 'fail')) return true;
  if (r.auth.dmarc?.result === 'fail') return true;
  const hdr = domainOf(r.headers['from']?.[0]?.value);
  const env = domainOf(r.envelope.from);
  return hdr !== undefined && env !== undefined && hdr !== env;
}

export interface Tally {
  spoofs: number;
  legit: number;
  /** Spoofs flagged. */
  caught: number;
  /** Legitimate messages flagged. */
  falseAlarms: number;
}

export interface Comparison {
  messages: number;
  literal: Tally;
  /** spoofwatch verdict `spoof`. */
  spoofwatchSpoof: Tally;
  /** spoofwatch verdict `spoof` or `suspicious`. */
  spoofwatchAny: Tally;
  /** Per mode (MTA set-up): the same three tallies. */
  byMode: Record<string, { literal: Tally; spoofwatchSpoof: Tally; spoofwatchAny: Tally }>;
}

const empty = (): Tally => ({ spoofs: 0, legit: 0, caught: 0, falseAlarms: 0 });

function count(t: Tally, isSpoof: boolean, flagged: boolean): void {
  if (isSpoof) {
    t.spoofs++;
    if (flagged) t.caught++;
  } else {
    t.legit++;
    if (flagged) t.falseAlarms++;
  }
}

export async function compareOnLab(dir: string): Promise<Comparison> {
  const truth = loadTruth(join(dir, 'truth.json'));
  const config = join(dir, 'spoofwatch.yaml');
  const out: Comparison = {
    messages: 0,
    literal: empty(),
    spoofwatchSpoof: empty(),
    spoofwatchAny: empty(),
    byMode: {},
  };
  for (const mode of truth.modes) {
    const log = join(dir, truth.logs[mode] ?? `postfix-${mode}.log`);
    if (!existsSync(log)) continue;
    const verdicts = await scanLog(log, config);
    const per = { literal: empty(), spoofwatchSpoof: empty(), spoofwatchAny: empty() };
    out.byMode[mode] = per;
    for (const m of truth.messages.filter((x) => x.mode === mode)) {
      const v = findVerdict(verdicts, m);
      if (v === undefined) continue;
      out.messages++;
      const isSpoof = m.label === 'spoof';
      const lit = literalAn1203(v.record);
      const sw = v.verdict === 'spoof';
      const swAny = sw || v.verdict === 'suspicious';
      for (const [t, f] of [
        [out.literal, lit],
        [per.literal, lit],
        [out.spoofwatchSpoof, sw],
        [per.spoofwatchSpoof, sw],
        [out.spoofwatchAny, swAny],
        [per.spoofwatchAny, swAny],
      ] as const)
        count(t, isSpoof, f);
    }
  }
  return out;
}

const pct = (a: number, b: number): string => (b === 0 ? '–' : `${((100 * a) / b).toFixed(0)} %`);

export function comparisonTable(c: Comparison): string {
  const row = (name: string, t: Tally): string =>
    `| ${name} | ${t.caught} / ${t.spoofs} (${pct(t.caught, t.spoofs)}) | ${t.falseAlarms} / ${t.legit} (${pct(t.falseAlarms, t.legit)}) |`;
  const lines = [
    '| rule | spoofs flagged (recall) | legitimate messages flagged |',
    '|---|---:|---:|',
    row('AN1203 taken literally (SPF/DKIM/DMARC fail, or From ≠ Return-Path domain)', c.literal),
    row('spoofwatch: verdict `spoof`', c.spoofwatchSpoof),
    row('spoofwatch: verdict `spoof` or `suspicious`', c.spoofwatchAny),
    '',
    '| mode | literal AN1203: recall / false alarms | spoofwatch `spoof`: recall / false alarms | spoofwatch `spoof`+`suspicious`: recall / false alarms |',
    '|---|---:|---:|---:|',
  ];
  for (const [mode, t] of Object.entries(c.byMode)) {
    const cell = (x: Tally): string => `${x.caught}/${x.spoofs} · ${x.falseAlarms}/${x.legit}`;
    lines.push(`| ${mode} | ${cell(t.literal)} | ${cell(t.spoofwatchSpoof)} | ${cell(t.spoofwatchAny)} |`);
  }
  return lines.join('\n') + '\n';
}
