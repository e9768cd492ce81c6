/**
 * Test fixtures for the correlator: LogLine + LogEvent values built by hand, so the
 * correlator's tests depend on no parser. Used by the *.test.ts files beside it only.
 */
import type { LogLine } from '../ingest/line.js';
import type { LogEvent, Producer } from '../parse/event.js';
import type { MessageRecord } from './record.js';
import { createCorrelator, type CorrelatorOptions, type CorrelatorCounters } from './index.js';

/** 2026-01-05 10:00:00 UTC: time 0 of every fixture. */
export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

let lineNo = 0;

type Fields<K extends LogEvent['kind']> = Omit<
  Extract<LogEvent, { kind: K }>,
  'kind' | 'line' | 'producer' | 'daemon' | 'instance'
>;

export interface At {
  /** Seconds after T0 (null: the line had no readable time). */
  t: number | null;
  /** Program tag, e.g. "postfix/smtpd", "opendkim", "sm-mta", "exim". */
  prog: string;
  pid?: number | null;
  host?: string;
}

function producerOf(prog: string): { producer: Producer; daemon: string; instance: string } {
  const slash = prog.lastIndexOf('/');
  if (prog.startsWith('postfix')) {
    return { producer: 'postfix', daemon: prog.slice(slash + 1), instance: prog.slice(0, slash) };
  }
  if (prog === 'sm-mta' || prog === 'sendmail') return { producer: 'sendmail', daemon: 'mta', instance: '' };
  if (prog === 'exim') return { producer: 'exim', daemon: 'exim', instance: '' };
  if (prog === 'haproxy') return { producer: 'haproxy', daemon: 'haproxy', instance: '' };
  if (prog === 'amavis') return { producer: 'amavis', daemon: 'amavis', instance: '' };
  if (prog === 'policyd-spf' || prog === 'pyspf-milter')
    return { producer: 'policyd-spf', daemon: prog, instance: '' };
  if (prog === 'opendkim' || prog === 'opendmarc' || prog === 'rspamd' || prog === 'spamd') {
    return { producer: prog, daemon: prog, instance: '' };
  }
  return { producer: 'unknown', daemon: prog, instance: '' };
}

/** One event as a parser would have produced it. */
export function ev<K extends LogEvent['kind']>(at: At, kind: K, fields: Fields<K>): LogEvent {
  const host = at.host ?? 'mx1.example.org';
  const pid = at.pid === undefined ? 100 : at.pid;
  const time = at.t === null ? null : T0 + at.t * 1000;
  const message = `${kind} ${JSON.stringify(fields)}`;
  const line: LogLine = {
    time,
    host,
    program: at.prog,
    pid,
    message,
    raw: `Jan  5 10:00:00 ${host} ${at.prog}[${pid ?? ''}]: ${message}`,
    src: { file: 'fixture.log', line: ++lineNo },
  };
  return { kind, line, ...producerOf(at.prog), ...fields } as unknown as LogEvent;
}

export interface Run {
  out: MessageRecord[];
  push: (...events: LogEvent[]) => void;
  flush: () => MessageRecord[];
  stats: () => CorrelatorCounters;
  /** Records emitted so far whose queueIds include `qid`. */
  byQueueId: (qid: string) => MessageRecord[];
}

export function run(opts: CorrelatorOptions = {}): Run {
  const out: MessageRecord[] = [];
  const c = createCorrelator((r) => out.push(r), opts);
  return {
    out,
    push: (...events) => {
      for (const e of events) c.push(e);
    },
    flush: () => {
      c.flush();
      return out;
    },
    stats: () => c.stats() as CorrelatorCounters,
    byQueueId: (qid) => out.filter((r) => r.queueIds.includes(qid)),
  };
}

/** A Postfix smtpd connection that delivers one message: the lines in their usual order. */
export function postfixMessage(o: {
  t: number;
  pid: number;
  qid: string;
  ip: string;
  from: string;
  to: string;
  host?: string;
  port?: number;
}): LogEvent[] {
  const host = o.host;
  const smtpd = (dt: number): At => ({ t: o.t + dt, prog: 'postfix/smtpd', pid: o.pid, host });
  const client = {
    clientHost: 'mail.example.net',
    clientIp: o.ip,
    ...(o.port === undefined ? {} : { clientPort: o.port }),
  };
  return [
    ev(smtpd(0), 'session.connect', client),
    ev(smtpd(1), 'message.client', { queueId: o.qid, ...client }),
    ev({ t: o.t + 1, prog: 'postfix/cleanup', pid: 200, host }, 'message.id', {
      queueId: o.qid,
      messageId: `<${o.qid}@example.net>`,
    }),
    ev({ t: o.t + 1, prog: 'postfix/qmgr', pid: 300, host }, 'envelope', {
      queueId: o.qid,
      from: o.from,
      size: 1200,
      nrcpt: 1,
    }),
    ev(smtpd(2), 'session.disconnect', {
      ...client,
      commands: 'ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
    }),
    ev({ t: o.t + 2, prog: 'postfix/local', pid: 400, host }, 'delivery', {
      queueId: o.qid,
      to: o.to,
      relay: 'local',
      status: 'sent',
      dsn: '2.0.0',
    }),
    ev({ t: o.t + 2, prog: 'postfix/qmgr', pid: 300, host }, 'message.closed', {
      queueId: o.qid,
      reason: 'removed',
    }),
  ];
}
