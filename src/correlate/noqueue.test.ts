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
  assert.match(ceo!.id, /^mx1\.example\.org\/NOQUEUE\/\d+$/);
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
  assert.equal(ceo!.evidence.length, 3);
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
