import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, run } from './fixture.js';

const smtpd = (t: number, pid = 100) => ({ t, prog: 'postfix/smtpd', pid });
const policy = (t: number, pid = 7000) => ({ t, prog: 'policyd-spf', pid });

function spfLine(
  t: number,
  result: 'pass' | 'fail' | 'softfail',
  ip: string,
  helo: string,
  from: string,
  pid = 7000,
) {
  return ev(policy(t, pid), 'auth.spf', {
    result,
    scope: 'mfrom',
    domain: from.slice(from.indexOf('@') + 1),
    envelopeFrom: from,
    helo,
    clientIp: ip,
    receiver: 'mx1.example.org',
  });
}

test('policyd-spf joins the smtpd session by ip, goes to the next queue id; a reused pid/ip gets no old result', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientHost: 'unknown', clientIp: '203.0.113.50' }),
    spfLine(1, 'fail', '203.0.113.50', 'bank.example.com', 'security@bank.example.com'),
    ev(smtpd(1), 'message.client', { queueId: 'AAA001', clientIp: '203.0.113.50' }),
    ev({ t: 1, prog: 'postfix/qmgr', pid: 300 }, 'envelope', {
      queueId: 'AAA001',
      from: 'security@bank.example.com',
      nrcpt: 1,
    }),
    ev({ t: 2, prog: 'postfix/qmgr', pid: 300 }, 'message.closed', { queueId: 'AAA001', reason: 'removed' }),
    ev(smtpd(3), 'session.disconnect', { clientIp: '203.0.113.50' }),
    // The same smtpd pid and the same client ip, a new connection with no policy line.
    ev(smtpd(20), 'session.connect', { clientHost: 'unknown', clientIp: '203.0.113.50' }),
    ev(smtpd(21), 'message.client', { queueId: 'AAA002', clientIp: '203.0.113.50' }),
    ev({ t: 22, prog: 'postfix/qmgr', pid: 300 }, 'message.closed', { queueId: 'AAA002', reason: 'removed' }),
    ev(smtpd(23), 'session.disconnect', { clientIp: '203.0.113.50' }),
  );
  r.flush();
  const [first] = r.byQueueId('AAA001');
  const [second] = r.byQueueId('AAA002');
  assert.equal(first?.auth.spf.length, 1);
  assert.equal(first?.auth.spf[0]?.result, 'fail');
  assert.equal(first?.auth.spf[0]?.source, 'policyd-spf');
  assert.equal(first?.session.helo, 'bank.example.com', 'HELO learned from policyd-spf');
  assert.deepEqual(second?.auth.spf, []);
});

test('concurrent sessions from one ip: the HELO picks the session', () => {
  const r = run();
  r.push(
    ev(smtpd(0, 101), 'session.connect', { clientIp: '192.0.2.77' }),
    ev(smtpd(0, 101), 'session.helo', { helo: 'out-1.example.net' }),
    ev(smtpd(0, 102), 'session.connect', { clientIp: '192.0.2.77' }),
    ev(smtpd(0, 102), 'session.helo', { helo: 'out-2.example.net' }),
    spfLine(1, 'pass', '192.0.2.77', 'out-1.example.net', 'a@example.net'),
    spfLine(1, 'softfail', '192.0.2.77', 'out-2.example.net', 'b@example.com'),
    ev(smtpd(2, 102), 'message.client', { queueId: 'S102', clientIp: '192.0.2.77' }),
    ev(smtpd(2, 101), 'message.client', { queueId: 'S101', clientIp: '192.0.2.77' }),
  );
  r.flush();
  assert.deepEqual(
    r.byQueueId('S101')[0]?.auth.spf.map((s) => [s.result, s.envelopeFrom]),
    [['pass', 'a@example.net']],
  );
  assert.deepEqual(
    r.byQueueId('S102')[0]?.auth.spf.map((s) => [s.result, s.envelopeFrom]),
    [['softfail', 'b@example.com']],
  );
});

test('a policyd-spf result with no open session is counted, not attached anywhere', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientIp: '192.0.2.5' }),
    ev(smtpd(1), 'session.disconnect', { clientIp: '192.0.2.5' }),
    spfLine(2, 'fail', '192.0.2.5', 'x.example.com', 'x@example.com'),
    ev(smtpd(3), 'session.connect', { clientIp: '192.0.2.5' }),
    ev(smtpd(4), 'message.client', { queueId: 'LATE01', clientIp: '192.0.2.5' }),
  );
  r.flush();
  assert.deepEqual(r.byQueueId('LATE01')[0]?.auth.spf, []);
  assert.equal(r.stats().orphanEvents, 1);
});

test('a pending result for another sender is dropped once the envelope sender is known', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientIp: '192.0.2.9' }),
    spfLine(1, 'fail', '192.0.2.9', 'h.example.com', 'first@example.com'),
    ev(smtpd(2), 'message.client', { queueId: 'DROP01', clientIp: '192.0.2.9' }),
    ev({ t: 2, prog: 'postfix/qmgr', pid: 300 }, 'envelope', {
      queueId: 'DROP01',
      from: 'other@example.net',
      nrcpt: 1,
    }),
  );
  r.flush();
  assert.deepEqual(r.byQueueId('DROP01')[0]?.auth.spf, []);
});

test('OpenDMARC SPF lines carry the queue id and fold directly', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'postfix/smtpd', pid: 100 }, 'message.client', {
      queueId: 'DM01',
      clientIp: '192.0.2.3',
    }),
    ev({ t: 1, prog: 'opendmarc', pid: 55 }, 'auth.spf', {
      queueId: 'DM01',
      result: 'pass',
      scope: 'mfrom',
      domain: 'example.net',
    }),
  );
  const [rec] = r.flush();
  assert.deepEqual(rec?.auth.spf, [
    { result: 'pass', scope: 'mfrom', domain: 'example.net', source: 'opendmarc' },
  ]);
  assert.equal(r.stats().orphanEvents, 0);
});

test('Sendmail logs no session: a milter SPF result joins the next message of that client and sender', () => {
  const r = run();
  const sm = (t: number) => ({ t, prog: 'sendmail', pid: 26627 });
  r.push(
    ev({ t: 0, prog: 'pyspf-milter', pid: 26431 }, 'auth.spf', {
      result: 'softfail',
      scope: 'mfrom',
      clientIp: '198.51.100.10',
      helo: 'mail.example.com',
      envelopeFrom: 'ceo@example.com',
      domain: 'example.com',
    }),
    // Another client's message in between takes nothing.
    ev(sm(0), 'envelope', { queueId: 'SM0', from: 'x@example.net', nrcpt: 1, clientIp: '192.0.2.99' }),
    ev(sm(1), 'envelope', {
      queueId: 'SM1',
      from: 'ceo@example.com',
      nrcpt: 1,
      clientIp: '198.51.100.10',
      clientHost: 'mail.example.com',
    }),
  );
  const recs = r.flush();
  assert.deepEqual(r.byQueueId('SM0')[0]?.auth.spf, []);
  const sm1 = r.byQueueId('SM1')[0];
  assert.deepEqual(
    sm1?.auth.spf.map((s) => [s.source, s.result]),
    [['policyd-spf', 'softfail']],
  );
  assert.equal(sm1?.evidence.length, 2, 'the milter line is evidence');
  assert.equal(recs.length, 2);
  assert.equal(r.stats().orphanEvents, 0);
});

test('an unjoined result waits only a minute', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'pyspf-milter', pid: 1 }, 'auth.spf', {
      result: 'fail',
      scope: 'mfrom',
      clientIp: '198.51.100.11',
      envelopeFrom: 'a@example.com',
    }),
    ev({ t: 120, prog: 'sendmail', pid: 2 }, 'envelope', {
      queueId: 'SM2',
      from: 'a@example.com',
      nrcpt: 1,
      clientIp: '198.51.100.11',
    }),
  );
  r.flush();
  assert.deepEqual(r.byQueueId('SM2')[0]?.auth.spf, []);
  assert.equal(r.stats().orphanEvents, 1);
});
