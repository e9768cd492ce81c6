import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, run } from './fixture.js';
import type { LogEvent } from '../parse/event.js';

const smtpd = (t: number, pid: number) => ({ t, prog: 'postfix/smtpd', pid });
const qmgr = (t: number) => ({ t, prog: 'postfix/qmgr', pid: 300 });

/** First hop: the real client hands the message to the content filter (127.0.0.1:10024). */
function firstHop(): LogEvent[] {
  return [
    ev(smtpd(0, 100), 'session.connect', { clientHost: 'mail.example.net', clientIp: '192.0.2.44' }),
    ev(smtpd(1, 100), 'message.client', {
      queueId: 'X1111',
      clientHost: 'mail.example.net',
      clientIp: '192.0.2.44',
    }),
    ev({ t: 1, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
      queueId: 'X1111',
      messageId: '<m1@example.net>',
    }),
    ev(qmgr(1), 'envelope', { queueId: 'X1111', from: 'alice@example.net', size: 2000, nrcpt: 1 }),
    ev(smtpd(2, 100), 'session.disconnect', { clientIp: '192.0.2.44' }),
  ];
}

/** Second hop: the filter re-injects on localhost as Y2222. */
function secondHop(t: number, origQueueId?: string): LogEvent[] {
  return [
    ev(smtpd(t, 101), 'session.connect', { clientHost: 'localhost', clientIp: '127.0.0.1' }),
    ev(smtpd(t, 101), 'message.client', {
      queueId: 'Y2222',
      clientHost: 'localhost',
      clientIp: '127.0.0.1',
      ...(origQueueId === undefined ? {} : { origQueueId, origClient: 'mail.example.net[192.0.2.44]' }),
    }),
    ev({ t, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
      queueId: 'Y2222',
      messageId: '<m1@example.net>',
    }),
    ev(qmgr(t), 'envelope', { queueId: 'Y2222', from: 'alice@example.net', size: 2300, nrcpt: 1 }),
    ev(smtpd(t, 101), 'session.disconnect', { clientIp: '127.0.0.1' }),
  ];
}

function filterDelivery(t: number): LogEvent {
  return ev({ t, prog: 'postfix/smtp', pid: 500 }, 'delivery', {
    queueId: 'X1111',
    to: 'bob@example.org',
    relay: '127.0.0.1[127.0.0.1]:10024',
    status: 'sent',
    detail: '250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as Y2222',
    queuedAs: 'Y2222',
  });
}

function finalDelivery(t: number): LogEvent[] {
  return [
    ev({ t, prog: 'postfix/local', pid: 400 }, 'delivery', {
      queueId: 'Y2222',
      to: 'bob@example.org',
      relay: 'local',
      status: 'sent',
    }),
    ev(qmgr(t), 'message.closed', { queueId: 'Y2222', reason: 'removed' }),
  ];
}

function assertOneMessage(recs: readonly import('./record.js').MessageRecord[]): void {
  assert.equal(recs.length, 1, recs.map((r) => r.id).join(', '));
  const rec = recs[0]!;
  assert.deepEqual(rec.queueIds, ['X1111', 'Y2222']);
  assert.equal(rec.id, 'mx1.example.org/X1111');
  assert.equal(rec.session.clientIp, '192.0.2.44', 'the first hop is the real client');
  assert.ok(rec.actions.some((a) => a.action === 'filtered'));
  assert.equal(rec.disposition, 'delivered');
  assert.deepEqual(rec.envelope.recipients, ['bob@example.org']);
  const lineNos = rec.evidence.map((e) => e.line);
  assert.deepEqual(
    lineNos,
    [...lineNos].sort((a, b) => a - b),
    'evidence in log order across hops',
  );
  assert.equal(new Set(lineNos).size, lineNos.length, 'no line twice');
  assert.deepEqual(
    rec.recipients.map((x) => [x.to, x.relay]),
    [['bob@example.org', 'local']],
    'the hop into the filter is not a final delivery',
  );
}

test('queued as Y: the re-injected queue id logged first joins the first hop', () => {
  const r = run();
  r.push(
    ...firstHop(),
    ...secondHop(3),
    filterDelivery(4),
    ev(qmgr(4), 'message.closed', { queueId: 'X1111', reason: 'removed' }),
  );
  r.push(...finalDelivery(5));
  assertOneMessage(r.flush());
});

test('queued as Y after Y already delivered and closed: the held record is taken back', () => {
  const r = run();
  r.push(...firstHop(), ...secondHop(3), ...finalDelivery(3), filterDelivery(4));
  r.push(ev(qmgr(4), 'message.closed', { queueId: 'X1111', reason: 'removed' }));
  assertOneMessage(r.flush());
});

test('orig_queue_id on the re-injected client line links the hops', () => {
  const r = run();
  r.push(...firstHop(), ...secondHop(3, 'X1111'));
  r.push(
    ev({ t: 4, prog: 'postfix/smtp', pid: 500 }, 'delivery', {
      queueId: 'X1111',
      to: 'bob@example.org',
      relay: '127.0.0.1[127.0.0.1]:10024',
      status: 'sent',
      queuedAs: 'Y2222',
    }),
    ev(qmgr(4), 'message.closed', { queueId: 'X1111', reason: 'removed' }),
    ...finalDelivery(5),
  );
  assertOneMessage(r.flush());
});

test('queued as Y before Y logs anything: Y folds into the waiting first hop', () => {
  const r = run();
  r.push(
    ...firstHop(),
    filterDelivery(3),
    ev(qmgr(3), 'message.closed', { queueId: 'X1111', reason: 'removed' }),
  );
  assert.equal(r.out.length, 0, 'X waits for its announced hop');
  r.push(...secondHop(4), ...finalDelivery(5));
  assertOneMessage(r.flush());
});

test('Amavis queued_as links the hops; a remote relay\'s "queued as" does not', () => {
  const r = run();
  r.push(
    ...firstHop(),
    ...secondHop(3),
    ev({ t: 3, prog: 'amavis', pid: 900 }, 'filter', {
      queueId: 'X1111',
      action: 'passed',
      category: 'CLEAN',
      score: -1.2,
      queuedAs: 'Y2222',
      messageId: '<m1@example.net>',
    }),
    ev({ t: 4, prog: 'postfix/smtp', pid: 500 }, 'delivery', {
      queueId: 'X1111',
      to: 'bob@example.org',
      relay: '127.0.0.1[127.0.0.1]:10024',
      status: 'sent',
      queuedAs: 'Y2222',
    }),
    ev(qmgr(4), 'message.closed', { queueId: 'X1111', reason: 'removed' }),
    ...finalDelivery(5),
  );
  const recs = r.flush();
  assertOneMessage(recs);
  assert.deepEqual(recs[0]?.filters, [{ source: 'amavis', action: 'passed', score: -1.2 }]);

  const r2 = run();
  r2.push(
    ev(smtpd(0, 100), 'message.client', { queueId: 'OUT1', clientIp: '192.0.2.1' }),
    ev({ t: 1, prog: 'postfix/smtp', pid: 500 }, 'delivery', {
      queueId: 'OUT1',
      to: 'carol@example.com',
      relay: 'mx.example.com[198.51.100.25]:25',
      status: 'sent',
      queuedAs: '4ZbQ1x2y3z',
    }),
    ev(qmgr(1), 'message.closed', { queueId: 'OUT1', reason: 'removed' }),
  );
  const out = r2.flush();
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.queueIds, ['OUT1']);
  assert.equal(out[0]?.agedOut, undefined);
  assert.equal(out[0]?.disposition, 'delivered');
});

test('before-queue filter: proxy-accept binds the real client although the filter MTA logged client=localhost first', () => {
  const r = run();
  r.push(
    ev(smtpd(0, 100), 'session.connect', { clientHost: 'mail.example.net', clientIp: '192.0.2.44' }),
    // The filter's MTA (second smtpd) takes the message during the first session's DATA.
    ev(smtpd(1, 101), 'session.connect', { clientHost: 'localhost', clientIp: '127.0.0.1' }),
    ev(smtpd(1, 101), 'message.client', { queueId: 'PQ001', clientHost: 'localhost', clientIp: '127.0.0.1' }),
    ev(smtpd(1, 101), 'session.disconnect', { clientIp: '127.0.0.1' }),
    ev(smtpd(2, 100), 'message.client', { queueId: 'PQ001', helo: 'mail.example.net' }),
    ev(qmgr(2), 'envelope', { queueId: 'PQ001', from: 'alice@example.net', nrcpt: 1 }),
    ev(smtpd(3, 100), 'session.disconnect', { clientIp: '192.0.2.44' }),
    ...finalDelivery(3).map((e) => ({ ...e, queueId: 'PQ001' }) as LogEvent),
  );
  const recs = r.flush();
  assert.equal(recs.length, 1);
  assert.equal(recs[0]?.session.clientIp, '192.0.2.44');
  assert.equal(recs[0]?.session.helo, 'mail.example.net');
  assert.ok(recs[0]?.actions.some((a) => a.action === 'filtered' && a.by === '127.0.0.1'));
  assert.equal(recs[0]?.disposition, 'delivered');
});

test('a remote server naming one of our queue ids in its reply cannot merge two messages', () => {
  const r = run();
  r.push(
    ev(smtpd(0, 100), 'message.client', { queueId: 'VICTIM1', clientIp: '192.0.2.7' }),
    ev(smtpd(0, 101), 'message.client', { queueId: 'OUT9', clientIp: '192.0.2.8' }),
    ev({ t: 1, prog: 'postfix/smtp', pid: 500 }, 'delivery', {
      queueId: 'OUT9',
      to: 'carol@example.com',
      relay: 'mx.example.com[198.51.100.25]:25',
      status: 'sent',
      queuedAs: 'VICTIM1',
    }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 2);
  assert.deepEqual(r.byQueueId('OUT9')[0]?.queueIds, ['OUT9']);
});
