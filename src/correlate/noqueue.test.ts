import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, run } from './fixture.js';

const smtpd = (t: number, pid = 100) => ({ t, prog: 'postfix/smtpd', pid });

function rcptReject(t: number, from: string, to: string, pid = 100) {
  return ev(smtpd(t, pid), 'reject', {
    stage: 'rcpt',
    action: 'reject',
    code: 550,
    dsn: '5.7.23',
    reason: 'Message rejected due to: SPF fail - not authorized',
    from,
    to,
    proto: 'ESMTP',
    helo: 'mail.example.com',
    by: 'policyd-spf',
    clientHost: 'unknown',
    clientIp: '203.0.113.66',
  });
}

test('NOQUEUE rejects of one session and sender become one record with every recipient', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientHost: 'unknown', clientIp: '203.0.113.66' }),
    ev({ t: 1, prog: 'policyd-spf', pid: 7000 }, 'auth.spf', {
      result: 'fail',
      scope: 'mfrom',
      domain: 'example.com',
      envelopeFrom: 'ceo@example.com',
      helo: 'mail.example.com',
      clientIp: '203.0.113.66',
      action: 'reject',
    }),
    rcptReject(1, 'ceo@example.com', 'a@example.org'),
    rcptReject(1, 'ceo@example.com', 'b@example.org'),
    rcptReject(2, 'ceo@example.com', 'c@example.org'),
    rcptReject(3, 'billing@example.net', 'a@example.org'),
  );
  assert.equal(r.out.length, 0, 'NOQUEUE records close at disconnect');
  r.push(ev(smtpd(4), 'session.disconnect', { clientIp: '203.0.113.66' }));
  const recs = r.flush();
  assert.equal(recs.length, 2);
  const [ceo, billing] = recs;
  // Named by the reject line that opened it: the same name however --workers split the input.
  assert.match(ceo!.id, /^mx1\.example\.org\/NOQUEUE\/fixture\.log:\d+$/);
  assert.notEqual(ceo!.id, billing!.id);
  assert.equal(ceo!.queueId, undefined);
  assert.deepEqual(ceo!.queueIds, []);
  assert.equal(ceo!.envelope.from, 'ceo@example.com');
  assert.deepEqual(ceo!.envelope.recipients, ['a@example.org', 'b@example.org', 'c@example.org']);
  assert.equal(ceo!.actions.length, 3);
  assert.equal(ceo!.actions[0]?.action, 'rejected');
  assert.equal(ceo!.actions[0]?.stage, 'rcpt');
  assert.equal(ceo!.actions[0]?.by, 'policyd-spf');
  assert.equal(ceo!.disposition, 'rejected');
  assert.equal(ceo!.session.clientIp, '203.0.113.66');
  assert.equal(ceo!.session.helo, 'mail.example.com');
  assert.deepEqual(
    ceo!.auth.spf.map((s) => s.result),
    ['fail'],
  );
  assert.equal(ceo!.evidence.length, 6, 'connect, the SPF line, three rejects, disconnect');
  assert.equal(billing!.envelope.from, 'billing@example.net');
  assert.deepEqual(billing!.auth.spf, [], 'the SPF result was for the other sender');
});

test('a reject with a queue id folds into that message (milter reject at end of data)', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientIp: '198.51.100.20' }),
    ev(smtpd(1), 'message.client', { queueId: 'E0D1', clientIp: '198.51.100.20' }),
    ev({ t: 2, prog: 'opendmarc', pid: 50 }, 'auth.dmarc', {
      queueId: 'E0D1',
      result: 'fail',
      domain: 'example.com',
      policy: 'reject',
      disposition: 'reject',
    }),
    ev(smtpd(2), 'reject', {
      queueId: 'E0D1',
      stage: 'end-of-data',
      action: 'reject',
      code: 550,
      dsn: '5.7.1',
      reason: 'rejected by DMARC policy for example.com',
      by: 'milter',
      from: 'ceo@example.com',
      to: 'x@example.org',
    }),
    ev({ t: 2, prog: 'postfix/cleanup', pid: 200 }, 'message.closed', { queueId: 'E0D1', reason: 'removed' }),
    ev(smtpd(3), 'session.disconnect', { clientIp: '198.51.100.20' }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 1);
  assert.equal(recs[0]?.disposition, 'rejected');
  assert.equal(recs[0]?.auth.dmarc?.result, 'fail');
  assert.equal(recs[0]?.auth.dmarc?.policy, 'reject');
  assert.deepEqual(recs[0]?.producers, ['postfix', 'opendmarc']);
});

test('a RCPT reject after the queue file exists spares the delivered recipients', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'message.client', { queueId: 'MIX1', clientIp: '198.51.100.21' }),
    ev(smtpd(1), 'reject', {
      queueId: 'MIX1',
      stage: 'rcpt',
      action: 'reject',
      reason: 'User unknown',
      to: 'nobody@example.org',
    }),
    ev({ t: 2, prog: 'postfix/local', pid: 400 }, 'delivery', {
      queueId: 'MIX1',
      to: 'bob@example.org',
      status: 'sent',
    }),
  );
  const [rec] = r.flush();
  assert.equal(rec?.disposition, 'delivered');
  assert.deepEqual(
    rec?.recipients.map((x) => [x.to, x.status]),
    [
      ['nobody@example.org', 'rejected'],
      ['bob@example.org', 'sent'],
    ],
  );
});

test('a reject with neither queue id nor pid is a record of its own, emitted at once', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'postfix/smtpd', pid: null }, 'reject', {
      stage: 'helo',
      action: 'reject',
      reason: 'Helo command rejected: Host not found',
      helo: 'bad.example.com',
      clientIp: '192.0.2.99',
    }),
  );
  assert.equal(r.out.length, 1);
  assert.equal(r.out[0]?.session.clientIp, '192.0.2.99');
  assert.equal(r.out[0]?.disposition, 'rejected');
});

test('NOQUEUE filter/hold lines are no rejection: they go to the message queued next', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientIp: '192.0.2.70' }),
    ev(smtpd(1), 'reject', {
      stage: 'rcpt',
      action: 'hold',
      reason: '<ceo@example.com>: Sender address triggers HOLD action',
      from: 'ceo@example.com',
      to: 'a@example.org',
      helo: 'pc.example.com',
      clientIp: '192.0.2.70',
    }),
    ev(smtpd(1), 'message.client', { queueId: 'HOLD01', clientIp: '192.0.2.70' }),
    ev(smtpd(2), 'session.disconnect', { clientIp: '192.0.2.70' }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 1);
  assert.equal(recs[0]?.queueId, 'HOLD01');
  assert.equal(recs[0]?.disposition, 'held');
  assert.equal(recs[0]?.session.helo, 'pc.example.com');
  assert.deepEqual(recs[0]?.recipients, [], 'a held recipient is not refused');
  assert.equal(recs[0]?.evidence.length, 4, 'connect, hold, client=, disconnect');
});

test('a milter reject at end of data closes the queue id (Postfix logs no removed); a late milter line still joins', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientIp: '198.51.100.40' }),
    ev(smtpd(1), 'message.client', { queueId: 'MR001', clientIp: '198.51.100.40' }),
    ev(smtpd(2), 'reject', {
      queueId: 'MR001',
      stage: 'end-of-data',
      action: 'defer',
      code: 451,
      dsn: '4.7.1',
      reason: 'Try again later',
      by: 'milter',
    }),
    ev({ t: 2, prog: 'opendmarc', pid: 9 }, 'auth.dmarc', {
      queueId: 'MR001',
      result: 'fail',
      domain: 'example.com',
    }),
    ev(smtpd(3), 'session.disconnect', { clientIp: '198.51.100.40' }),
    ev({ t: 30, prog: 'postfix/anvil', pid: 1 }, 'noise', { note: 'statistics' }),
  );
  assert.equal(r.out.length, 1, 'closed, not waiting for an age-out');
  assert.equal(r.out[0]?.disposition, 'deferred');
  assert.equal(r.out[0]?.agedOut, undefined);
  assert.equal(r.out[0]?.auth.dmarc?.result, 'fail');
  assert.equal(r.stats().records, 1);
});

test('Postfix expired then removed: one record, disposition expired', () => {
  const r = run();
  const q = (t: number) => ({ t, prog: 'postfix/qmgr', pid: 300 });
  r.push(
    ev(q(0), 'envelope', { queueId: 'EXP01', from: 'a@example.net', nrcpt: 1 }),
    ev({ t: 1, prog: 'postfix/smtp', pid: 1 }, 'delivery', {
      queueId: 'EXP01',
      to: 'b@example.com',
      status: 'deferred',
    }),
    ev(q(2), 'message.closed', { queueId: 'EXP01', reason: 'expired' }),
    ev({ t: 2, prog: 'postfix/bounce', pid: 2 }, 'message.note', {
      queueId: 'EXP01',
      note: 'sender non-delivery notification',
      relatedQueueId: 'BNC01',
    }),
    ev(q(2), 'message.closed', { queueId: 'EXP01', reason: 'removed' }),
  );
  assert.equal(r.out.length, 1);
  assert.equal(r.out[0]?.disposition, 'expired');
  assert.equal(r.out[0]?.evidence.length, 5);
});
