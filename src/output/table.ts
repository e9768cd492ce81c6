/**
 * The human table for a terminal: one line per message at or above the minimum verdict,
 * then a summary block. Every value from a log passes through terminalSafe; colour only
 * when the caller allows it. Rows are streamed (no column sizing over the whole run), so
 * the short columns have fixed widths and the reason takes the rest of the line.
 */
import type { Verdict, VerdictLevel } from '../detect/verdict.js';
import { VERDICT_ORDER } from '../detect/verdict.js';
import type { CorrelatorStats } from '../correlate/record.js';
import { terminalSafe } from './safe-text.js';
import { firstHeaderAddress, topFinding, wasBlocked, wasDelivered } from './record-fields.js';

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const COLOR: Record<VerdictLevel, string> = {
  spoof: `${ESC}1;31m`,
  suspicious: `${ESC}33m`,
  unknown: `${ESC}36m`,
  clean: `${ESC}32m`,
};
const DIM = `${ESC}2m`;
const BOLD = `${ESC}1m`;

const W_TIME = 20;
const W_HOST = 16;
const W_QID = 14;
const W_VERDICT = 10;
const W_STATUS = 11;
const W_FLOW = 48;
const W_CLIENT = 32;
/**
 * The reason takes the rest of the line, up to this many characters: a finding's summary
 * may quote a header of 1 KiB (4 KiB escaped), which would wrap one row over dozens of
 * terminal lines. The whole reason is in the JSON formats.
 */
export const W_REASON_MAX = 240;

/** Cut to width (by UTF-16 units: escapes are ASCII, log text mostly is) with an ellipsis, then pad. */
export function fit(s: string, width: number): string {
  if (s.length <= width) return s.padEnd(width);
  let end = width - 1;
  // Never cut between the two halves of a surrogate pair.
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…`.padEnd(width);
}

/** The reason cell: cut at W_REASON_MAX with an ellipsis, not padded (it ends the line). */
function fitReason(s: string): string {
  return s.length <= W_REASON_MAX ? s : fit(s, W_REASON_MAX);
}

export function formatTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '-';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function flowOf(v: Verdict): string {
  const r = v.record;
  const hdr = firstHeaderAddress(r, 'from');
  const env = r.envelope.from;
  let from: string;
  if (hdr !== undefined) from = hdr;
  else if (env !== undefined) from = `env:${env === '' ? '<>' : env}`;
  else from = '?';
  const rcpts = r.envelope.recipients.length > 0 ? r.envelope.recipients : r.recipients.map((x) => x.to);
  const first = rcpts[0] ?? '?';
  const more = rcpts.length > 1 ? ` (+${rcpts.length - 1})` : '';
  return `${from} → ${first}${more}`;
}

function clientOf(v: Verdict): string {
  const s = v.record.session;
  if (v.record.local === true) return 'local';
  if (s.clientIp === undefined && s.clientHost === undefined) return '-';
  return `${s.clientHost ?? 'unknown'}[${s.clientIp ?? '?'}]`;
}

/** One-line reason: top finding (+ guard note), or what the logs lacked. */
export function reasonOf(v: Verdict): string {
  const top = topFinding(v);
  if (top !== undefined) {
    const guard = top.guard !== undefined ? ` (lowered by ${top.guard.name}: ${top.guard.reason})` : '';
    const more = v.findings.length > 1 ? ` [+${v.findings.length - 1} more]` : '';
    return `${top.summary}${guard}${more}`;
  }
  if (v.missing.length > 0) return `logs lack: ${v.missing.join(', ')}`;
  return v.verdict === 'clean' ? 'no findings' : '-';
}

export function tableHeader(): string {
  return (
    [
      fit('TIME', W_TIME),
      fit('HOST', W_HOST),
      fit('QUEUE ID', W_QID),
      fit('VERDICT', W_VERDICT),
      fit('STATUS', W_STATUS),
      fit('FROM → RCPT', W_FLOW),
      fit('CLIENT', W_CLIENT),
      'REASON',
    ].join(' ') + '\n'
  );
}

export function tableRow(v: Verdict, color: boolean): string {
  const r = v.record;
  const verdict = fit(v.verdict, W_VERDICT);
  const cells = [
    fit(formatTime(r.firstSeen ?? r.lastSeen), W_TIME),
    fit(terminalSafe(r.host === '' ? '-' : r.host), W_HOST),
    fit(terminalSafe(r.queueId === undefined || r.queueId === '' ? 'NOQUEUE' : r.queueId), W_QID),
    color ? `${COLOR[v.verdict]}${verdict}${RESET}` : verdict,
    fit(terminalSafe(r.disposition === '' ? '-' : r.disposition), W_STATUS),
    fit(terminalSafe(flowOf(v)), W_FLOW),
    fit(terminalSafe(clientOf(v)), W_CLIENT),
    fitReason(terminalSafe(reasonOf(v))),
  ];
  return `${cells.join(' ').trimEnd()}\n`;
}

/** Counts the table needs beyond ScanSummary: what happened to the spoofs. */
export interface SpoofOutcomes {
  blocked: number;
  delivered: number;
  other: number;
}

export function countSpoofOutcome(acc: SpoofOutcomes, v: Verdict): void {
  if (v.verdict !== 'spoof') return;
  if (wasBlocked(v.record) && !wasDelivered(v.record)) acc.blocked++;
  else if (wasDelivered(v.record)) acc.delivered++;
  else acc.other++;
}

export interface SummaryInput {
  files: string[];
  lines: number;
  recognised: number;
  unrecognised: number;
  records: number;
  byVerdict: Record<VerdictLevel, number>;
  correlator: CorrelatorStats;
  notes: string[];
}

function n(x: number): string {
  return x.toLocaleString('en');
}

export function pct(part: number, whole: number): string {
  if (whole === 0) return '-';
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** The summary block (plain text; safe for a terminal). */
export function renderSummary(s: SummaryInput, spoofs: SpoofOutcomes, color = false, shown?: number): string {
  const b = (t: string): string => (color ? `${BOLD}${t}${RESET}` : t);
  const d = (t: string): string => (color ? `${DIM}${t}${RESET}` : t);
  const out: string[] = [];
  out.push(d('── summary ' + '─'.repeat(60)));
  out.push(
    `${b('input')}      ${n(s.files.length)} file(s), ${n(s.lines)} lines read, ${pct(s.recognised, s.lines)} recognised` +
      ` (${n(s.unrecognised)} unrecognised)`,
  );
  const levels: VerdictLevel[] = ['spoof', 'suspicious', 'unknown', 'clean'];
  const counts = levels
    .map((l) => {
      const c = `${l} ${n(s.byVerdict[l] ?? 0)}`;
      return color ? `${COLOR[l]}${c}${RESET}` : c;
    })
    .join(', ');
  out.push(
    `${b('messages')}   ${n(s.records)}: ${counts}${shown !== undefined ? ` (${n(shown)} shown)` : ''}`,
  );
  if ((s.byVerdict.spoof ?? 0) > 0 || spoofs.blocked + spoofs.delivered + spoofs.other > 0) {
    out.push(
      `${b('spoofs')}     ${n(spoofs.blocked)} blocked, ${n(spoofs.delivered)} delivered` +
        (spoofs.other > 0 ? `, ${n(spoofs.other)} with no final status in the logs` : ''),
    );
  }
  const c = s.correlator;
  out.push(
    `${b('correlator')} ${n(c.records)} records, ${n(c.agedOut)} aged out, ${n(c.evicted)} evicted` +
      ` (memory limit), ${n(c.orphanEvents)} lines matched no message`,
  );
  for (const note of s.notes) out.push(`${b('note')}       ${terminalSafe(note)}`);
  return `${out.join('\n')}\n`;
}

export function passes(v: Verdict, min: VerdictLevel): boolean {
  return VERDICT_ORDER[v.verdict] >= VERDICT_ORDER[min];
}
