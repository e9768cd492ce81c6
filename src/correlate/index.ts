/**
 * The correlator: LogEvents in input order (several hosts interleaved) -> MessageRecords.
 *
 * Per host it keeps an SMTP session table (sessions.ts) and an open-record table keyed by
 * queue id (records.ts). Each event is folded in O(1): a Map lookup for its session or
 * record, then a bounded fold (fold.ts). Joins that have no shared key: policyd-spf to the
 * smtpd session (spf-join.ts), postscreen/HAProxy to the session (proxy-join.ts), and
 * content-filter hops into one message (links.ts).
 *
 * Lifecycle: a record closes when every queue id of it logged its close (Postfix
 * `removed`, Exim `Completed`, Sendmail `done`, or for Sendmail without it when every
 * recipient reached a final status; a Postfix reject at or after DATA, which drops the
 * queue file silently), or at session end for NOQUEUE rejects. Records idle for
 * windowMs of log time are emitted with agedOut; past maxOpenRecords the oldest is
 * evicted (agedOut, counted in stats.evicted).
 *
 * Grace (choice for late proxy lines): a closed record that came in over an SMTP session
 * is held until that session ends plus PROXY_GRACE_MS of the host's log time, then
 * emitted; HAProxy's end-of-session line arriving meanwhile reaches it through the shared
 * session object. A line for a held queue id (a milter logging a moment after the close,
 * a content filter's "queued as") takes the record back. Held records are bounded
 * (maxOpenRecords / 4; past that, emitted at once). No supplement is ever emitted: a
 * proxy line later than the grace is counted in orphanEvents.
 *
 * Headers: Received-SPF and Authentication-Results logged as headers are parsed into
 * auth.* with source `header` / `header:<authserv-id>` (auth-headers.ts); the detector
 * decides which authserv-id to believe.
 *
 * Orphans: a milter/filter line (OpenDKIM, OpenDMARC, Rspamd ...) whose queue id has no
 * record yet opens one anyway (mta 'unknown' until an MTA line arrives): when the MTA's
 * lines are missing the result still surfaces as a record. Such openings are counted in
 * stats.orphanEvents; so are lines that could not be placed at all (a policyd-spf result
 * with no open session, a proxy line with no session, a scanner line with no queue id
 * whose Message-ID matches no open record).
 */
import type { LogEvent, MessageClientEvent, RejectEvent } from '../parse/event.js';
import type { Correlator, CorrelatorStats, RecordSink } from './record.js';
import { NONE, append, deleteOpenId, type EmitReason, type OpenRecord, type SessionState } from './state.js';
import {
  DEFAULT_RECORD_WINDOW_MS,
  MAX_OPEN_RECORDS,
  MAX_OPEN_SESSIONS,
  MAX_OPEN_EVIDENCE_CHARS,
} from '../limits.js';
import { MAX_NOQUEUE_PER_SESSION, MAX_PENDING_SPF, MAX_SESSION_LINES } from './bounds.js';
import { finalise } from './emit.js';
import { RecordTable, indexMessageId, openByMessageId, type HostState } from './records.js';
import { SessionTable, hasSessionKey } from './sessions.js';
import { ProxyJoin } from './proxy-join.js';
import { UnjoinedSpf } from './spf-pending.js';
import {
  addLine,
  addSpf,
  fillSession,
  foldArc,
  foldDelivery,
  foldDmarc,
  foldEnvelope,
  foldFilter,
  foldHeader,
  foldNote,
  foldReject,
  markQueued,
  spfFromEvent,
  addAction,
  addRecipient,
  prependLines,
} from './fold.js';
import { foldDkimEvent, foldDkimNote } from './dkim-join.js';
import {
  attachSpf,
  dropForeignSpf,
  findSpfSession,
  joinSpf,
  normSender,
  pendingForSender,
  takePendingSpf,
} from './spf-join.js';
import { activateExpected, expectHop, isHopBack, isLocalRelay, isLoopback, linkHops } from './links.js';

export interface CorrelatorOptions {
  /** Idle time (log time) after which an open record is emitted as aged out. */
  windowMs?: number;
  maxOpenRecords?: number;
  maxOpenSessions?: number;
  /** Raw evidence characters held by all open records (default MAX_OPEN_EVIDENCE_CHARS). */
  maxOpenEvidenceChars?: number;
}

/** Correlator counters, with the session figures beside the contract's. */
export interface CorrelatorCounters extends CorrelatorStats {
  sessions: number;
  openSessions: number;
  evictedSessions: number;
  heldRecords: number;
  /** Hosts the record table keeps state for (hosts with nothing open are forgotten). */
  hosts: number;
}

/** NOQUEUE group of rejects that carry no sender (before MAIL FROM). */
const NO_SENDER = '\u0000';
const MTA_PRODUCERS: ReadonlySet<string> = new Set(['postfix', 'sendmail', 'exim']);
/** Reject actions that refuse (as opposed to filter/hold/warn/prepend, which let the message on). */
const REFUSALS: ReadonlySet<string> = new Set(['reject', 'defer', 'discard']);
/** SMTP stages after which the queue file exists and the whole message is refused. */
const WHOLE_MESSAGE_STAGES: ReadonlySet<string> = new Set([
  'data',
  'end-of-data',
  'header',
  'body',
  'content',
]);

function positive(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}

export function createCorrelator(sink: RecordSink, opts: CorrelatorOptions = {}): Correlator {
  const windowMs = positive(opts.windowMs, DEFAULT_RECORD_WINDOW_MS);
  const maxRecords = Math.floor(positive(opts.maxOpenRecords, MAX_OPEN_RECORDS));
  const maxSessions = Math.floor(positive(opts.maxOpenSessions, MAX_OPEN_SESSIONS));
  const counters = {
    events: 0,
    records: 0,
    agedOut: 0,
    evicted: 0,
    orphanEvents: 0,
    sessions: 0,
    evictedSessions: 0,
  };
  let globalClock = -Infinity;

  const table = new RecordTable(
    (r: OpenRecord, reason: EmitReason) => sink(finalise(r, reason)),
    counters,
    windowMs,
    maxRecords,
    opts.maxOpenEvidenceChars ?? MAX_OPEN_EVIDENCE_CHARS,
  );
  const sessions = new SessionTable(
    (s: SessionState) => {
      const noqueue = s.noqueue;
      for (let i = 0; i < noqueue.length; i++) table.close(noqueue[i]!, 'closed');
      s.noqueue = NONE;
      s.current = null;
      table.sessionEnded(s);
    },
    counters,
    windowMs,
    maxSessions,
  );
  const proxies = new ProxyJoin(sessions);
  const unjoined = new UnjoinedSpf();

  function nowOf(h: HostState, time: number | null): number {
    if (time !== null) return time;
    return Number.isFinite(h.clock) ? h.clock : 0;
  }

  /** The event's session (created when the MTA logs a session line we had not seen open). */
  function sessionFor(ev: LogEvent, now: number, create: boolean): SessionState | null {
    let s = sessions.get(ev) ?? null;
    if (s === null) {
      // Only the receiving side has sessions: Postfix's smtp/lmtp clients log TLS lines too.
      if (!create || (ev.producer === 'postfix' && ev.daemon !== 'smtpd' && ev.daemon !== 'postscreen'))
        return null;
      if (!hasSessionKey(ev)) return null;
      s = sessions.create(ev, now, false);
    } else {
      sessions.touch(s, now);
    }
    if ('clientIp' in ev || 'clientPort' in ev || 'clientHost' in ev) {
      sessions.setClient(s, ev.clientIp, ev.clientPort, ev.clientHost);
      if (ev.daemon === 'postscreen') proxies.attachPostscreen(s, now, false);
    }
    return s;
  }

  /** The open record for the event's queue id (a new one when none is open). */
  function recordFor(ev: LogEvent, qid: string, h: HostState, create = true): OpenRecord | null {
    let r = h.byQid.get(qid) ?? null;
    if (r !== null) {
      if (r.expectedIds !== null) activateExpected(r, qid);
    } else if ((r = h.heldByQid.get(qid) ?? null) !== null) {
      // A late line (a milter logging after the MTA's close): back in, closed again after it.
      table.reopen(r);
      reclose = r;
    } else {
      if (!create) return null;
      r = table.create(h, qid, ev.line.time, ev.line.src);
      if (!MTA_PRODUCERS.has(ev.producer)) counters.orphanEvents++;
    }
    addLine(r, ev);
    table.touch(h, r, ev.line.time);
    if (r.session === null && (ev.producer === 'sendmail' || ev.producer === 'exim')) {
      // Sendmail (and Exim with +pid) log a connection's messages under the connection's pid.
      const s = sessionFor(ev, nowOf(h, ev.line.time), false);
      if (s !== null) bind(r, s, false);
    }
    return r;
  }

  function bind(r: OpenRecord, s: SessionState, newTransaction: boolean): void {
    if (r.session !== null) return;
    fillSession(s.info, r.rec.session);
    r.session = s;
    r.rec.session = s.info;
    delete r.rec.local;
    s.current = r;
    if (newTransaction) {
      takePendingSpf(s, r);
      const pending = s.pendingLines;
      for (let i = 0; i < pending.length; i++) {
        addLine(r, pending[i]!);
        foldReject(r, pending[i]!);
      }
      s.pendingLines = NONE;
    } else {
      const helo = s.heloSpf;
      for (let i = 0; i < helo.length; i++) attachSpf(r, helo[i]!);
    }
    prependLines(r, s.lines);
  }

  function sessionLine(s: SessionState, ev: LogEvent): void {
    if (s.lines.length < MAX_SESSION_LINES) s.lines.push(ev);
  }

  function learnHelo(r: OpenRecord, helo: string | undefined): void {
    if (helo !== undefined && r.rec.session.helo === undefined) r.rec.session.helo = helo;
  }

  function closeQueueId(r: OpenRecord, qid: string): void {
    deleteOpenId(r, qid);
    if (r.openIds.length === 0 && (r.expectedIds === null || r.expectedIds.size === 0))
      table.close(r, 'closed');
  }

  /** Sendmail logs no `removed`: the message is done when every recipient has a final status. */
  function sendmailDone(r: OpenRecord): void {
    const nrcpt = r.rec.envelope.nrcpt;
    if (nrcpt === undefined || r.rec.envelope.from === undefined) return;
    if (r.finalRcpts < nrcpt) return;
    for (const q of r.openIds.slice()) closeQueueId(r, q);
  }

  function onClient(ev: MessageClientEvent, qid: string, h: HostState, now: number): void {
    const r = recordFor(ev, qid, h)!;
    const s = sessionFor(ev, now, true);
    if (s !== null) {
      if (ev.helo !== undefined && s.info.helo === undefined) s.info.helo = ev.helo;
      if (ev.saslMethod !== undefined && s.info.saslMethod === undefined) s.info.saslMethod = ev.saslMethod;
      if (ev.saslUsername !== undefined && s.info.saslUsername === undefined)
        s.info.saslUsername = ev.saslUsername;
    }
    let target = r;
    if (ev.origQueueId !== undefined && ev.origQueueId !== qid) {
      const first = table.findHop(h, ev.origQueueId);
      if (first !== undefined) {
        if (s !== null && r.session === null) bind(r, s, false);
        target = linkHops(table, first, r, ev.origClient ?? s?.info.clientIp, ev.line.time);
        // The merged message closed and was emitted at once: nothing more goes into it.
        if (target.state === 'done') return;
      }
    }
    if (target === r) {
      if (
        s !== null &&
        r.session !== null &&
        r.session !== s &&
        isLoopback(r.session.info.clientIp) &&
        !isLoopback(s.info.clientIp)
      ) {
        // Before-queue filter (smtpd_proxy_filter): the filter's MTA logged `client=localhost`
        // for this queue id first; the proxying smtpd's proxy-accept names the real client.
        addAction(r, { action: 'filtered', by: r.session.info.clientIp ?? 'localhost', time: ev.line.time });
        r.session = null;
        r.rec.session = {};
      }
      if (s !== null) bind(r, s, true);
      else fillSession(r.rec.session, ev);
    }
    markQueued(target, ev.line.time);
    takeUnjoined(h.name, target, now);
  }

  function takeUnjoined(host: string, r: OpenRecord, now: number): void {
    // A session seen from its connect line would have taken the result while open: a
    // result that found no session belongs to an earlier connection, never to this one.
    if (r.session !== null && r.session.lines[0]?.kind === 'session.connect') return;
    const before = r.rec.auth.spf.length;
    if (unjoined.take(host, r, now)) counters.orphanEvents -= r.rec.auth.spf.length - before;
  }

  function onNoqueue(ev: RejectEvent, h: HostState, now: number): void {
    const s = sessionFor(ev, now, true);
    if (!REFUSALS.has(ev.action)) {
      // `NOQUEUE: filter|hold|redirect|warn: RCPT ...`: the message goes on and gets a queue
      // id next; the action belongs to that message.
      if (s === null) {
        counters.orphanEvents++;
        return;
      }
      if (ev.helo !== undefined && s.info.helo === undefined) s.info.helo = ev.helo;
      if (s.pendingLines.length < MAX_PENDING_SPF) s.pendingLines = append(s.pendingLines, ev);
      return;
    }
    const from = ev.from === undefined ? undefined : (normSender(ev.from) ?? '');
    // Rejects before MAIL FROM (connect, HELO) group apart from the null sender <>.
    const group = from ?? NO_SENDER;
    let r: OpenRecord | null = null;
    if (s !== null) {
      if (ev.helo !== undefined && s.info.helo === undefined) s.info.helo = ev.helo;
      for (let i = s.noqueue.length - 1; i >= 0; i--) {
        const nq = s.noqueue[i]!;
        if (nq.state === 'open' && nq.noqueueFrom === group) {
          r = nq;
          break;
        }
      }
      if (r === null) {
        if (s.noqueue.length >= MAX_NOQUEUE_PER_SESSION)
          table.close((s.noqueue as OpenRecord[]).shift()!, 'closed');
        r = table.create(h, undefined, ev.line.time, ev.line.src);
        r.noqueueFrom = group;
        r.session = s;
        r.rec.session = s.info;
        s.noqueue = append(s.noqueue, r);
        prependLines(r, s.lines);
      }
      pendingForSender(s, r, from);
    } else {
      r = table.create(h, undefined, ev.line.time, ev.line.src);
      r.noqueueFrom = group;
    }
    addLine(r, ev);
    table.touch(h, r, ev.line.time);
    foldReject(r, ev);
    if (s === null) table.close(r, 'closed');
  }

  /** A held record taken back for a late line; it closes again once the line is folded. */
  let reclose: OpenRecord | null = null;

  function push(ev: LogEvent): void {
    handle(ev);
    if (reclose !== null) {
      const r = reclose;
      reclose = null;
      if (
        r.state === 'open' &&
        r.openIds.length === 0 &&
        (r.expectedIds === null || r.expectedIds.size === 0)
      ) {
        table.close(r, 'closed');
      }
    }
    if (table.budget.chars > table.maxEvidenceChars) table.enforceBudget(table.host(ev.line.host));
  }

  function handle(ev: LogEvent): void {
    counters.events++;
    const line = ev.line;
    const h = table.host(line.host);
    const time = line.time;
    if (time !== null && time > h.clock) {
      if (time > globalClock) globalClock = time;
      const before = h.nextSweep;
      table.advance(h, time);
      if (h.nextSweep !== before) sessions.sweep(h.name, h.clock, globalClock);
    }
    const now = nowOf(h, time);
    const qid = ev.queueId;

    switch (ev.kind) {
      case 'session.connect': {
        if (!hasSessionKey(ev)) return;
        const s = sessions.create(ev, now, true);
        sessions.setClient(s, ev.clientIp, ev.clientPort, ev.clientHost);
        proxies.attachPostscreen(s, now, ev.daemon !== 'postscreen');
        return;
      }
      case 'session.helo': {
        const s = sessionFor(ev, now, true);
        if (s === null) return;
        if (s.info.helo === undefined) s.info.helo = ev.helo;
        sessionLine(s, ev);
        return;
      }
      case 'session.tls': {
        const s = sessionFor(ev, now, true);
        if (s === null) return;
        sessionLine(s, ev);
        if (ev.tlsProtocol !== undefined) s.info.tlsProtocol = ev.tlsProtocol;
        if (ev.tlsCipher !== undefined) s.info.tlsCipher = ev.tlsCipher;
        return;
      }
      case 'session.auth': {
        const s = sessionFor(ev, now, true);
        if (s === null) return;
        sessionLine(s, ev);
        if (!ev.ok) return;
        if (ev.saslMethod !== undefined) s.info.saslMethod = ev.saslMethod;
        if (ev.saslUsername !== undefined) s.info.saslUsername = ev.saslUsername;
        return;
      }
      case 'session.note':
        sessionFor(ev, now, false);
        return;
      case 'session.disconnect': {
        const s = sessions.get(ev);
        if (s === undefined) return;
        // The end of the connection is evidence for the messages it carried; not for one
        // emitted already (aged out or evicted while the connection went on: the sink has
        // it, and its MessageRecord may be let go), nor for one a later line moved to
        // another session (a before-queue filter's proxy).
        const noqueue = s.noqueue;
        for (let i = 0; i < noqueue.length; i++) if (noqueue[i]!.state === 'open') addLine(noqueue[i]!, ev);
        const held = s.held;
        for (let i = 0; i < held.length; i++) {
          const r = held[i]!;
          if (r.state !== 'done' && r.session === s) addLine(r, ev);
        }
        const cur = s.current;
        if (cur !== null && cur.state === 'open') addLine(cur, ev);
        sessions.end(s, now);
        return;
      }
      case 'proxy':
        if (ev.producer === 'haproxy') {
          proxies.onHaproxy(ev, now);
        } else if (ev.daemon !== 'postscreen') {
          // An MTA's own greeting checks (Sendmail greet_pause, Exim synchronisation errors).
          if (qid !== undefined) {
            const r = recordFor(ev, qid, h)!;
            fillSession(r.rec.session, ev);
            addAction(r, { action: ev.action, stage: 'connect', by: ev.producer, time });
          } else {
            sessionFor(ev, now, false);
          }
        } else {
          proxies.onPostscreen(ev, now);
          const s = sessions.get(ev);
          if (s !== undefined) {
            proxies.attachPostscreen(s, now, false);
            // postscreen is done with the connection: it hung up or handed it to smtpd.
            const a = ev.action;
            if (a === 'disconnect' || a === 'pass-new' || a === 'pass-old' || a === 'hangup')
              sessions.end(s, now);
          }
        }
        return;
      case 'message.client':
        if (qid !== undefined) onClient(ev, qid, h, now);
        return;
      case 'reject': {
        if (qid === undefined) {
          onNoqueue(ev, h, now);
          return;
        }
        const r = recordFor(ev, qid, h)!;
        foldReject(r, ev);
        learnHelo(r, ev.helo);
        // Refused at or after DATA (milter, header/body checks, DMARC): the MTA drops the
        // queue file without a `removed` line.
        if (ev.producer === 'postfix' && REFUSALS.has(ev.action) && WHOLE_MESSAGE_STAGES.has(ev.stage)) {
          closeQueueId(r, qid);
        }
        return;
      }
      case 'auth.spf': {
        const spf = spfFromEvent(ev);
        if (qid !== undefined) {
          const r = recordFor(ev, qid, h)!;
          addSpf(r, spf);
          learnHelo(r, ev.helo);
          return;
        }
        const s = findSpfSession(sessions, ev);
        if (s === null) {
          // No open session (Sendmail logs none): wait for a record of this client.
          counters.orphanEvents++;
          if (ev.clientIp !== undefined) unjoined.add(line.host, ev.clientIp, { spf, ev }, now);
          return;
        }
        sessions.touch(s, now);
        joinSpf(s, { spf, ev }, ev.helo);
        return;
      }
      default:
        break;
    }

    // Everything below is about one message.
    if (qid === undefined) {
      if (ev.kind === 'filter' && ev.messageId !== undefined) {
        const r = openByMessageId(h, ev.messageId);
        if (r !== undefined) {
          addLine(r, ev);
          table.touch(h, r, time);
          foldFilter(r, ev);
          return;
        }
      }
      if (ev.kind !== 'noise' && ev.kind !== 'unrecognised') counters.orphanEvents++;
      return;
    }
    if (ev.kind === 'noise' || ev.kind === 'unrecognised') return;
    if (ev.kind === 'message.closed') {
      const r = recordFor(ev, qid, h, false);
      // A close for a queue id with no record (already emitted, e.g. Sendmail's `done` after
      // the last recipient's status closed it, or its lines predate the input): nothing to do.
      if (r === null) return;
      if (ev.reason === 'expired') {
        addAction(r, { action: 'expired', time });
        // Postfix logs `removed` after returning the message to its sender.
        if (ev.producer === 'postfix') return;
      } else if (ev.reason === 'discarded') {
        addAction(r, { action: 'discarded', time });
      }
      closeQueueId(r, qid);
      return;
    }
    const r = recordFor(ev, qid, h)!;
    switch (ev.kind) {
      case 'message.pickup':
        if (r.session === null) r.rec.local = true;
        if (ev.from !== undefined && r.rec.envelope.from === undefined) r.rec.envelope.from = ev.from;
        markQueued(r, time);
        return;
      case 'message.id':
        if (r.rec.messageId === undefined) {
          r.rec.messageId = ev.messageId;
          indexMessageId(h, ev.messageId, r);
        }
        return;
      case 'envelope': {
        const hadId = r.rec.messageId !== undefined;
        foldEnvelope(r, ev);
        if (!hadId && r.rec.messageId !== undefined) indexMessageId(h, r.rec.messageId, r);
        takeUnjoined(line.host, r, now);
        dropForeignSpf(r);
        if (ev.producer === 'sendmail') sendmailDone(r);
        return;
      }
      case 'header':
        foldHeader(r, ev);
        learnHelo(r, ev.helo);
        return;
      case 'delivery': {
        const next = ev.queuedAs;
        if (next !== undefined && next !== qid) {
          const other = table.findHop(h, next);
          // The "queued as" text is the next server's reply: only a hop back into this host
          // (the relay is local, or is the client the other queue id came from) may merge.
          if (other !== undefined && isHopBack(ev.relay, other)) {
            addRecipient(r, ev.to);
            linkHops(table, r, other, ev.relay, time);
            return;
          }
          if (isLocalRelay(ev.relay)) {
            addRecipient(r, ev.to);
            addAction(r, { action: 'filtered', by: ev.relay, time });
            expectHop(table, r, next);
            return;
          }
        }
        r.finalRcpts += foldDelivery(r, ev);
        const waiting = ev.status === 'deferred';
        if (waiting !== r.waiting) {
          r.waiting = waiting;
          table.touch(h, r, time);
        }
        if (ev.producer === 'sendmail') sendmailDone(r);
        return;
      }
      case 'message.note':
        foldNote(r, ev);
        return;
      case 'auth.dkim':
        foldDkimEvent(r, ev);
        return;
      case 'auth.dkim-note':
        foldDkimNote(r, ev);
        return;
      case 'auth.dmarc':
        foldDmarc(r, ev);
        return;
      case 'auth.arc':
        foldArc(r, ev);
        return;
      case 'filter': {
        const hadId = r.rec.messageId !== undefined;
        foldFilter(r, ev);
        // A Message-ID learned from the filter (Amavis, Rspamd) joins later id-only lines too.
        if (!hadId && r.rec.messageId !== undefined) indexMessageId(h, r.rec.messageId, r);
        const next = ev.queuedAs;
        if (next !== undefined && next !== qid) {
          const other = table.findHop(h, next);
          if (other !== undefined) linkHops(table, r, other, ev.producer, time);
          else expectHop(table, r, next);
        }
        return;
      }
      default:
        return;
    }
  }

  return {
    push,
    flush(cut = false): void {
      sessions.flush();
      table.flush(cut ? 'aged' : 'flush');
    },
    earliestOpen(rank) {
      return Math.min(table.earliestOpen(rank), sessions.earliestOpen(rank));
    },
    stats(): CorrelatorCounters {
      return {
        events: counters.events,
        records: counters.records,
        openRecords: table.open,
        agedOut: counters.agedOut,
        evicted: counters.evicted,
        orphanEvents: counters.orphanEvents + proxies.orphans,
        sessions: counters.sessions,
        openSessions: sessions.open,
        evictedSessions: counters.evictedSessions,
        heldRecords: table.held,
        hosts: table.hosts.size,
      };
    },
  };
}
