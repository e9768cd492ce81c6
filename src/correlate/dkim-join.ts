/**
 * DKIM results from several lines of one queue id, joined into one result per signature.
 *
 * OpenDKIM spreads one verification over lines (see DkimNoteEvent): `s= d= SSL` (the RSA
 * check over the headers passed for d), then "DKIM verification successful" (a pass), or
 * "bad signature data" / "signature verification failed" (a failure: with a bare SSL line
 * that means the body hash failed), or `s= d= SSL error:...bad signature` (the header
 * signature failed). Each pair must end as ONE result carrying the domain and the failure,
 * whichever line came first. Other sources (Rspamd, headers) give whole results: those are
 * only deduplicated.
 */
import type { DkimEvent, DkimNoteEvent } from '../parse/event.js';
import type { DkimResult } from './record.js';
import type { OpenRecord } from './state.js';
import { MAX_AUTH_RESULTS } from './bounds.js';

/** How an OpenDKIM result was formed so far. */
export interface DkimTrack {
  res: DkimResult;
  /** Came from a bare `s= d= SSL` line only: a pass unless a failure line pairs with it. */
  sslOnly: boolean;
  /** A "bad signature data" / "verification failed" line is paired with it already. */
  badSig: boolean;
  /** "DKIM verification successful" is paired with it already. */
  confirmed: boolean;
}

/** The record's OpenDKIM tracks so far (empty until the first). */
function tracks(r: OpenRecord): readonly DkimTrack[] {
  return r.dkimTrack ?? NO_TRACKS;
}

const NO_TRACKS: readonly DkimTrack[] = [];

function push(r: OpenRecord, res: DkimResult): DkimResult | null {
  const list = r.rec.auth.dkim;
  if (list.length >= MAX_AUTH_RESULTS) {
    r.rec.capped = true;
    return null;
  }
  // Made with its first result (one slot; pushing into the empty list allocates 16).
  if (list.length === 0) r.rec.auth.dkim = [res];
  else list.push(res);
  return res;
}

function track(r: OpenRecord, res: DkimResult, sslOnly: boolean, badSig: boolean, confirmed: boolean): void {
  const added = push(r, res);
  if (added === null) return;
  const t: DkimTrack = { res: added, sslOnly, badSig, confirmed };
  // Made with its first track (no growth of an empty array).
  if (r.dkimTrack === null) r.dkimTrack = [t];
  else r.dkimTrack.push(t);
}

/** A whole result from another source (Rspamd, a header): added unless the same one is there. */
export function addDkimResult(r: OpenRecord, res: DkimResult): void {
  for (const e of r.rec.auth.dkim) {
    if (
      e.source === res.source &&
      e.result === res.result &&
      e.domain === res.domain &&
      e.selector === res.selector &&
      e.failure === res.failure
    ) {
      return;
    }
  }
  push(r, res);
}

function fill(res: DkimResult, domain: string | undefined, selector: string | undefined): void {
  if (res.domain === undefined && domain !== undefined) res.domain = domain;
  if (res.selector === undefined && selector !== undefined) res.selector = selector;
}

export function foldDkimEvent(r: OpenRecord, ev: DkimEvent): void {
  const source = ev.producer;
  if (source !== 'opendkim') {
    const res: DkimResult = { result: ev.result, source };
    if (ev.domain !== undefined) res.domain = ev.domain;
    if (ev.selector !== undefined) res.selector = ev.selector;
    if (ev.failure !== undefined) res.failure = ev.failure;
    addDkimResult(r, res);
    return;
  }
  const list = tracks(r);
  if (ev.result === 'pass' && ev.domain === undefined) {
    // "DKIM verification successful": confirms a bare SSL line, or waits for one.
    for (const t of list) {
      if (t.sslOnly && !t.badSig && !t.confirmed) {
        t.confirmed = true;
        return;
      }
    }
    track(r, { result: 'pass', source }, false, false, true);
    return;
  }
  if (ev.domain !== undefined) {
    // A result naming its signature: it may complete a failure line that came first.
    for (const t of list) {
      if (t.badSig && t.res.domain === undefined) {
        t.res.result = ev.result;
        fill(t.res, ev.domain, ev.selector);
        if (ev.failure !== undefined) t.res.failure = ev.failure;
        t.sslOnly = false;
        return;
      }
    }
  }
  const res: DkimResult = { result: ev.result, source };
  if (ev.domain !== undefined) res.domain = ev.domain;
  if (ev.selector !== undefined) res.selector = ev.selector;
  if (ev.failure !== undefined) res.failure = ev.failure;
  for (const e of r.rec.auth.dkim) {
    if (
      e.source === source &&
      e.result === res.result &&
      e.domain === res.domain &&
      e.selector === res.selector
    ) {
      if (e.failure === undefined && res.failure !== undefined) e.failure = res.failure;
      return;
    }
  }
  track(r, res, false, false, false);
}

export function foldDkimNote(r: OpenRecord, ev: DkimNoteEvent): void {
  const source = ev.producer;
  const note = ev.note;
  if (note === 'ssl') {
    const domain = ev.domains?.[0];
    const list = tracks(r);
    for (const t of list) {
      const res = t.res;
      if (res.domain !== undefined && res.domain !== domain) continue;
      if (res.selector !== undefined && ev.selector !== undefined && res.selector !== ev.selector) continue;
      if (t.badSig && (res.domain === undefined || res.failure === undefined)) {
        // "bad signature data" came first: the header signature verified, so the body failed.
        res.result = 'fail';
        res.failure = 'body';
        fill(res, domain, ev.selector);
        return;
      }
      if (res.result === 'pass' && res.domain === undefined) {
        fill(res, domain, ev.selector);
        return;
      }
      if (res.domain === domain) return;
    }
    const res: DkimResult = { result: 'pass', source };
    fill(res, domain, ev.selector);
    track(r, res, true, false, false);
    return;
  }
  if (note === 'bad-signature' || note === 'verification-failed') {
    const list = tracks(r);
    // Pair with a bare SSL line (body failure) or a header failure line not yet paired.
    for (const t of list) {
      if (t.badSig) continue;
      if (t.sslOnly && !t.confirmed) {
        t.badSig = true;
        t.res.result = 'fail';
        t.res.failure = 'body';
        return;
      }
    }
    for (const t of list) {
      if (!t.badSig && t.res.result === 'fail' && t.res.failure !== undefined && t.res.failure !== 'body') {
        t.badSig = true;
        return;
      }
    }
    const res: DkimResult = { result: 'fail', source };
    if (ev.failure !== undefined) res.failure = ev.failure;
    track(r, res, false, true, false);
  }
}
