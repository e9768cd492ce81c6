/**
 * policyd-spf results carry no queue id and come from the policy daemon's own pid, so they
 * join the smtpd session by what they do carry: host, client ip, HELO and envelope sender.
 *
 * Postfix asks the policy service at RCPT time, BEFORE it logs `QID: client=` for the
 * transaction, so an mfrom result waits in the session (`pendingSpf`) and goes to the next
 * record bound to that session, and to the NOQUEUE rejects of the same sender in the
 * session. HELO-scope results hold for every message of the session. Only OPEN sessions
 * are candidates, newest first: a later connection from the same ip (or a reused smtpd pid)
 * is a new session object and never sees an older connection's result.
 */
import type { SpfEvent } from '../parse/event.js';
import type { SpfResult } from './record.js';
import type { SessionTable } from './sessions.js';
import { NONE, append, type JoinedSpf, type OpenRecord, type SessionState } from './state.js';
import { MAX_PENDING_SPF } from './bounds.js';
import { addLine, addSpf } from './fold.js';

/** Envelope sender as compared across producers: no angle brackets, lower case. */
export function normSender(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  let v = s;
  if (v.length >= 2 && v.charCodeAt(0) === 60 && v.charCodeAt(v.length - 1) === 62) v = v.slice(1, -1);
  return v.toLowerCase();
}

function sameSender(a: string | undefined, b: string | undefined): boolean {
  // Equal as logged (the usual case) needs no normalised copies.
  return a === undefined || b === undefined || a === b || normSender(a) === normSender(b);
}

/** HELO names compared without case (equal as logged needs no lower-cased copies). */
function sameHelo(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** The open session this policyd-spf line belongs to, or null. */
export function findSpfSession(sessions: SessionTable, ev: SpfEvent): SessionState | null {
  const ip = ev.clientIp;
  if (ip === undefined) return null;
  const list = sessions.byIp.get(ip);
  if (list === undefined) return null;
  const host = ev.line.host;
  const helo = ev.helo;
  let fallback: SessionState | null = null;
  for (let i = list.length - 1; i >= 0; i--) {
    const s = list[i]!;
    if (s.end !== null || s.host !== host) continue;
    const sh = s.info.helo;
    if (helo !== undefined && sh !== undefined) {
      if (sameHelo(sh, helo)) return s;
      continue;
    }
    if (fallback === null) fallback = s;
  }
  return fallback;
}

/** The record this session's current transaction is, when the result came after `client=`. */
function currentTakes(s: SessionState, spf: SpfResult): OpenRecord | null {
  const r = s.current;
  if (r === null || r.state !== 'open') return null;
  if (!sameSender(r.rec.envelope.from, spf.envelopeFrom)) return null;
  for (const e of r.rec.auth.spf) if (e.source === spf.source && e.scope === spf.scope) return null;
  return r;
}

/** Give a joined result to a record, with its line as evidence. */
export function attachSpf(r: OpenRecord, j: JoinedSpf): void {
  if (addSpf(r, j.spf)) addLine(r, j.ev);
}

/** Attach a policyd-spf result to its session (and the records already bound to it). */
export function joinSpf(s: SessionState, j: JoinedSpf, helo: string | undefined): void {
  const spf = j.spf;
  if (helo !== undefined && s.info.helo === undefined) s.info.helo = helo;
  if (spf.scope === 'helo') {
    if (s.heloSpf.length < MAX_PENDING_SPF) s.heloSpf = append(s.heloSpf, j);
    if (s.current !== null && s.current.state === 'open') attachSpf(s.current, j);
    const noqueue = s.noqueue;
    for (let i = 0; i < noqueue.length; i++) if (noqueue[i]!.state === 'open') attachSpf(noqueue[i]!, j);
    return;
  }
  // Results for the NOQUEUE rejects of this sender already open in the session.
  const noqueue = s.noqueue;
  for (let i = 0; i < noqueue.length; i++) {
    const nq = noqueue[i]!;
    if (nq.state === 'open' && sameSender(nq.noqueueFrom, spf.envelopeFrom)) attachSpf(nq, j);
  }
  const cur = currentTakes(s, spf);
  if (cur !== null) {
    attachSpf(cur, j);
    return;
  }
  // A result for another sender starts a new transaction: older pending ones are stale.
  const pending = s.pendingSpf;
  if (pending.length > 0 && !sameSender(pending[pending.length - 1]!.spf.envelopeFrom, spf.envelopeFrom)) {
    s.pendingSpf = NONE;
  }
  if (s.pendingSpf.length < MAX_PENDING_SPF) s.pendingSpf = append(s.pendingSpf, j);
}

/** Every result of a list to the record. */
function attachAll(r: OpenRecord, list: readonly JoinedSpf[]): void {
  for (let i = 0; i < list.length; i++) attachSpf(r, list[i]!);
}

/** A record was bound to the session: it takes the waiting results. */
export function takePendingSpf(s: SessionState, r: OpenRecord): void {
  attachAll(r, s.heloSpf);
  attachAll(r, s.pendingSpf);
  s.pendingSpf = NONE;
}

/** A NOQUEUE reject for `from`: the waiting results of that sender apply (they stay for the next RCPT). */
export function pendingForSender(s: SessionState, r: OpenRecord, from: string | undefined): void {
  attachAll(r, s.heloSpf);
  const pending = s.pendingSpf;
  for (let i = 0; i < pending.length; i++) {
    const j = pending[i]!;
    if (sameSender(j.spf.envelopeFrom, from)) attachSpf(r, j);
  }
}

/** Once the envelope sender is known, drop policy results that were for another sender. */
export function dropForeignSpf(r: OpenRecord): void {
  const from = r.rec.envelope.from;
  if (from === undefined) return;
  const list = r.rec.auth.spf;
  let w = 0;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.source === 'policyd-spf' && e.scope === 'mfrom' && !sameSender(e.envelopeFrom, from)) continue;
    list[w++] = e;
  }
  list.length = w;
}
