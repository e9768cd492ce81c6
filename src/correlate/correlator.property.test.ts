/**
 * Property checks over random event streams: whatever order, repetition or nonsense the
 * logs hold (reused pids and queue ids, closes before opens, hop links in circles, lines
 * without time), the correlator never throws, emits every record exactly once, leaves
 * nothing open after flush, and keeps every list within its bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ev, run, type At } from './fixture.js';
import type { LogEvent } from '../parse/event.js';
import type { MessageRecord } from './record.js';
import { MAX_EVIDENCE_LINES, MAX_HEADER_VALUES, MAX_RECIPIENTS } from '../limits.js';
import { MAX_ACTIONS, MAX_AUTH_RESULTS, MAX_QUEUE_IDS } from './bounds.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const host = fc.constantFrom('mx1', 'mx2', 'lb1');
const pid = fc.constantFrom(100, 101, 102, null);
const qid = fc.constantFrom('Q1', 'Q2', 'Q3', 'Q4');
const ip = fc.constantFrom('192.0.2.1', '192.0.2.2', '127.0.0.1');
const port = fc.constantFrom(40000, 40001, undefined);
const addr = fc.constantFrom('a@example.com', 'b@example.net', '', '<>');
const time = fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null });

const event: fc.Arbitrary<LogEvent> = fc
  .record({
    t: time,
    host,
    pid,
    qid,
    other: qid,
    ip,
    port,
    addr,
    n: fc.integer({ min: 0, max: 15 }),
  })
  .map(({ t, host, pid, qid, other, ip, port, addr, n }) => {
    const smtpd: At = { t, prog: 'postfix/smtpd', pid, host };
    const at = (prog: string): At => ({ t, prog, pid, host });
    const client = port === undefined ? { clientIp: ip } : { clientIp: ip, clientPort: port };
    switch (n) {
      case 0:
        return ev(smtpd, 'session.connect', client);
      case 1:
        return ev(smtpd, 'session.disconnect', client);
      case 2:
        return ev(smtpd, 'message.client', { queueId: qid, ...client, origQueueId: other });
      case 3:
        return ev(smtpd, 'reject', {
          stage: 'rcpt',
          action: 'reject',
          reason: 'no',
          from: addr,
          to: 'x@example.org',
          ...client,
        });
      case 4:
        return ev(at('postfix/qmgr'), 'envelope', { queueId: qid, from: addr, nrcpt: 1 });
      case 5:
        return ev(at('postfix/smtp'), 'delivery', {
          queueId: qid,
          to: 'x@example.org',
          status: 'sent',
          relay: '127.0.0.1[127.0.0.1]:10024',
          queuedAs: other,
        });
      case 6:
        return ev(at('postfix/qmgr'), 'message.closed', { queueId: qid, reason: 'removed' });
      case 7:
        return ev(at('policyd-spf'), 'auth.spf', {
          result: 'fail',
          scope: 'mfrom',
          envelopeFrom: addr,
          ...client,
        });
      case 8:
        return ev(at('opendkim'), 'auth.dkim-note', { queueId: qid, note: 'ssl', domains: ['example.com'] });
      case 9:
        return ev(at('opendkim'), 'auth.dkim-note', { queueId: qid, note: 'bad-signature' });
      case 10:
        return ev({ t, prog: 'haproxy', pid: 1, host: 'lb1' }, 'proxy', { action: 'session', ...client });
      case 11:
        return ev(at('postfix/postscreen'), 'proxy', { action: 'pass-new', ...client });
      case 12:
        return ev(at('amavis'), 'filter', { queueId: qid, action: 'passed', queuedAs: other });
      case 13:
        return ev(at('postfix/cleanup'), 'header', {
          queueId: qid,
          name: 'From',
          value: addr,
          truncated: false,
        });
      case 14:
        return ev(at('sm-mta'), 'envelope', { queueId: qid, from: addr, nrcpt: 1, ...client });
      default:
        return ev(at('postfix/cleanup'), 'reject', {
          queueId: qid,
          stage: 'end-of-data',
          action: 'reject',
          reason: 'spam',
        });
    }
  });

function checkBounds(r: MessageRecord): void {
  assert.equal(r.evidence.length, r.lines.length);
  assert.ok(r.evidence.length <= MAX_EVIDENCE_LINES);
  assert.ok(r.envelope.recipients.length <= MAX_RECIPIENTS);
  assert.ok(r.recipients.length <= MAX_RECIPIENTS);
  assert.ok(r.actions.length <= MAX_ACTIONS);
  assert.ok(r.auth.spf.length <= MAX_AUTH_RESULTS && r.auth.dkim.length <= MAX_AUTH_RESULTS);
  assert.ok(r.queueIds.length <= MAX_QUEUE_IDS);
  assert.equal(new Set(r.queueIds).size, r.queueIds.length, 'no queue id twice');
  for (const list of Object.values(r.headers)) assert.ok(list.length <= MAX_HEADER_VALUES);
  assert.equal(typeof r.disposition, 'string');
}

test('random event streams: no throw, each record emitted once, nothing left open', () => {
  fc.assert(
    fc.property(
      fc.array(event, { maxLength: 300, size: 'max' }),
      fc.integer({ min: 1, max: 6 }),
      (events, cap) => {
        const r = run({ maxOpenRecords: cap, maxOpenSessions: cap, windowMs: 5_000 });
        r.push(...events);
        const out = r.flush();
        assert.equal(new Set(out).size, out.length, 'a record object emitted twice');
        const s = r.stats();
        assert.equal(s.openRecords, 0);
        assert.equal(s.heldRecords, 0);
        assert.equal(s.openSessions, 0);
        assert.equal(s.records, out.length);
        for (const rec of out) checkBounds(rec);
      },
    ),
    { numRuns: RUNS },
  );
});

/** Many queue ids, few kinds: hop links, closes and late lines, enough to fill MAX_QUEUE_IDS. */
const manyQids = fc.integer({ min: 0, max: 2 * MAX_QUEUE_IDS }).map((i) => `H${i}`);
const hopEvent: fc.Arbitrary<LogEvent> = fc
  .record({
    // Seconds apart: records do not age out before their chain grows.
    t: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    pid,
    // Mostly one id: the other ids' records merge into it until it is full.
    qid: fc.oneof({ arbitrary: fc.constant('H0'), weight: 1 }, { arbitrary: manyQids, weight: 1 }),
    other: manyQids,
    ip,
    n: fc.integer({ min: 0, max: 5 }),
  })
  .map(({ t, pid, qid, other, ip, n }) => {
    const at = (prog: string): At => ({ t, prog, pid, host: 'mx1' });
    switch (n) {
      case 0:
        return ev(at('amavis'), 'filter', { queueId: qid, action: 'passed', queuedAs: other });
      case 1:
        return ev(at('postfix/smtp'), 'delivery', {
          queueId: qid,
          to: 'x@example.org',
          status: 'sent',
          relay: '127.0.0.1[127.0.0.1]:10024',
          queuedAs: other,
        });
      case 2:
        return ev(at('postfix/smtpd'), 'message.client', { queueId: qid, clientIp: ip, origQueueId: other });
      case 3:
        return ev(at('postfix/qmgr'), 'message.closed', { queueId: qid, reason: 'removed' });
      case 4:
        return ev(at('postfix/smtpd'), 'session.disconnect', { clientIp: ip });
      default:
        return ev(at('postfix/qmgr'), 'envelope', { queueId: qid, from: 'a@example.com', nrcpt: 1 });
    }
  });

test('long hop chains over many queue ids: no throw, each record once, ids within their cap', () => {
  fc.assert(
    fc.property(
      fc.array(hopEvent, { maxLength: 400, size: 'max' }),
      fc.integer({ min: 4, max: 40 }),
      (events, cap) => {
        const r = run({ maxOpenRecords: cap, maxOpenSessions: cap, windowMs: 5_000 });
        r.push(...events);
        const out = r.flush();
        assert.equal(new Set(out).size, out.length, 'a record object emitted twice');
        assert.equal(r.stats().openRecords, 0);
        assert.equal(r.stats().records, out.length);
        for (const rec of out) checkBounds(rec);
      },
    ),
    { numRuns: RUNS },
  );
});
