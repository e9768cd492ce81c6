import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, postfixMessage, run } from './fixture.js';

test('a HAProxy line written after the session ended still reaches its records', () => {
  const r = run();
  r.push(
    ...postfixMessage({
      t: 0,
      pid: 100,
      qid: 'HAP001',
      ip: '203.0.113.80',
      port: 51234,
      from: 'ceo@example.com',
      to: 'cfo@example.org',
    }),
  );
  // HAProxy logs the TCP session when it ends, under the load balancer's host name.
  r.push(
    ev({ t: 3, prog: 'haproxy', pid: 77, host: 'lb1.example.org' }, 'proxy', {
      action: 'session',
      clientIp: '203.0.113.80',
      clientPort: 51234,
      frontend: 'smtp_in',
      backend: 'postfix',
      termState: '--',
      bytesRead: 4321,
    }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 1);
  assert.deepEqual(recs[0]?.session.proxy, {
    kind: 'haproxy',
    peerIp: '203.0.113.80',
    peerPort: 51234,
    actions: ['session', 'term:--'],
  });
  assert.equal(r.stats().orphanEvents, 0);
});

test('the grace is bounded: a HAProxy line after it finds the record already emitted', () => {
  const r = run();
  r.push(
    ...postfixMessage({
      t: 0,
      pid: 100,
      qid: 'HAP002',
      ip: '203.0.113.81',
      port: 40000,
      from: 'a@example.com',
      to: 'b@example.org',
    }),
  );
  r.push(ev({ t: 60, prog: 'postfix/anvil', pid: 5 }, 'noise', { note: 'statistics' }));
  assert.equal(r.out.length, 1, 'emitted once the grace passed');
  assert.equal(r.out[0]?.session.proxy, undefined);
  r.push(
    ev({ t: 61, prog: 'haproxy', pid: 77, host: 'lb1' }, 'proxy', {
      action: 'session',
      clientIp: '203.0.113.81',
      clientPort: 40000,
    }),
  );
  assert.equal(r.stats().orphanEvents, 1);
});

test('HAProxy and the MTA disagree on the client of one connection: clientMismatch', () => {
  const r = run();
  r.push(
    ...postfixMessage({
      t: 0,
      pid: 100,
      qid: 'HAP003',
      ip: '192.0.2.200',
      port: 45555,
      from: 'a@example.com',
      to: 'b@example.org',
    }),
    ev({ t: 3, prog: 'haproxy', pid: 77, host: 'lb1' }, 'proxy', {
      action: 'session',
      clientIp: '198.51.100.99',
      clientPort: 45555,
    }),
  );
  const [rec] = r.flush();
  assert.equal(rec?.session.proxy?.clientMismatch, true);
  assert.equal(rec?.session.proxy?.peerIp, '198.51.100.99');
  assert.equal(rec?.session.clientIp, '192.0.2.200');
});

test('postscreen verdicts join the smtpd session that follows for the same client', () => {
  const r = run();
  const ps = (t: number) => ({ t, prog: 'postfix/postscreen', pid: 50 });
  r.push(
    ev(ps(0), 'proxy', {
      action: 'connect',
      clientIp: '198.51.100.30',
      clientPort: 40001,
      serverIp: '192.0.2.1',
      serverPort: 25,
    }),
    ev(ps(0), 'proxy', {
      action: 'pregreet',
      detail: 'PREGREET 11 after 0.1 from',
      clientIp: '198.51.100.30',
      clientPort: 40001,
    }),
    ev(ps(1), 'proxy', { action: 'pass-new', clientIp: '198.51.100.30', clientPort: 40001 }),
    // An unrelated client in between.
    ev(ps(1), 'proxy', { action: 'connect', clientIp: '198.51.100.31', clientPort: 40002 }),
    ev({ t: 2, prog: 'postfix/smtpd', pid: 100 }, 'session.connect', {
      clientHost: 'unknown',
      clientIp: '198.51.100.30',
    }),
    ev({ t: 3, prog: 'postfix/smtpd', pid: 100 }, 'message.client', {
      queueId: 'PS001',
      clientIp: '198.51.100.30',
    }),
  );
  const recs = r.flush();
  assert.deepEqual(recs[0]?.session.proxy, {
    kind: 'postscreen',
    peerIp: '198.51.100.30',
    peerPort: 40001,
    actions: ['connect', 'pregreet', 'pass-new'],
  });
});

test('postscreen NOQUEUE rejects group per client, with the verdicts', () => {
  const r = run();
  const ps = (t: number) => ({ t, prog: 'postfix/postscreen', pid: 50 });
  const reject = (t: number, ip: string, to: string) =>
    ev(ps(t), 'reject', {
      stage: 'rcpt',
      action: 'reject',
      code: 550,
      reason: `Service unavailable; client [${ip}] blocked using zen.spamhaus.org`,
      from: 'ceo@example.com',
      to,
      helo: 'example.com',
      clientIp: ip,
    });
  r.push(
    ev(ps(0), 'proxy', { action: 'connect', clientIp: '203.0.113.7', clientPort: 5000 }),
    ev(ps(0), 'proxy', { action: 'dnsbl', clientIp: '203.0.113.7', clientPort: 5000 }),
    reject(1, '203.0.113.7', 'a@example.org'),
    reject(1, '203.0.113.8', 'a@example.org'),
    reject(2, '203.0.113.7', 'b@example.org'),
  );
  const recs = r.flush();
  assert.equal(recs.length, 2);
  const seven = recs.find((x) => x.session.clientIp === '203.0.113.7');
  assert.deepEqual(seven?.envelope.recipients, ['a@example.org', 'b@example.org']);
  assert.deepEqual(seven?.session.proxy?.actions, ['connect', 'dnsbl']);
});

test('postscreen DISCONNECT ends its NOQUEUE records (no waiting for the age-out)', () => {
  const r = run();
  const ps = (t: number) => ({ t, prog: 'postfix/postscreen', pid: 50 });
  r.push(
    ev(ps(0), 'proxy', { action: 'connect', clientIp: '203.0.113.9', clientPort: 6000 }),
    ev(ps(1), 'reject', {
      stage: 'rcpt',
      action: 'reject',
      reason: 'blocked',
      from: 'x@example.com',
      to: 'a@example.org',
      clientIp: '203.0.113.9',
    }),
    ev(ps(2), 'proxy', { action: 'disconnect', clientIp: '203.0.113.9', clientPort: 6000 }),
    ev({ t: 30, prog: 'postfix/anvil', pid: 5 }, 'noise', { note: 'statistics' }),
  );
  assert.equal(r.out.length, 1);
  assert.equal(r.out[0]?.agedOut, undefined);
  assert.equal(r.out[0]?.disposition, 'rejected');
});

test('a postscreen flood of distinct clients stays fast and bounded', () => {
  const r = run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < 120_000; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    r.push(
      ev({ t: i / 1000, prog: 'postfix/postscreen', pid: 50 }, 'proxy', {
        action: 'connect',
        clientIp: ip,
        clientPort: 1024 + (i % 60000),
      }),
    );
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 10_000, `took ${ms} ms`);
  // The latest client's verdicts are still there to join its smtpd session.
  r.push(
    ev({ t: 121, prog: 'postfix/smtpd', pid: 100 }, 'session.connect', { clientIp: '10.1.212.191' }),
    ev({ t: 121, prog: 'postfix/smtpd', pid: 100 }, 'message.client', {
      queueId: 'FL1',
      clientIp: '10.1.212.191',
    }),
  );
  const [rec] = r.flush();
  assert.equal(rec?.session.proxy?.kind, 'postscreen');
});

test("HAProxy in front of postscreen: the pregreeting client's NOQUEUE record keeps postscreen's verdicts", () => {
  const r = run();
  const ps = (t: number) => ({ t, prog: 'postfix/postscreen', pid: 50 });
  r.push(
    ev(ps(0), 'proxy', { action: 'connect', clientIp: '203.0.113.20', clientPort: 40009 }),
    ev(ps(0), 'proxy', {
      action: 'pregreet',
      detail: 'PREGREET 19 after 0 from',
      clientIp: '203.0.113.20',
      clientPort: 40009,
    }),
    ev(ps(0), 'reject', {
      stage: 'rcpt',
      action: 'reject',
      code: 550,
      reason: 'Protocol error',
      from: 'statements@bank.test',
      to: 'alice@example.com',
      helo: 'bank.test',
      clientIp: '203.0.113.20',
    }),
    ev(ps(0), 'proxy', { action: 'disconnect', clientIp: '203.0.113.20', clientPort: 40009 }),
    // HAProxy logs the connection when it ends, after postscreen's lines.
    ev({ t: 1, prog: 'haproxy', pid: 77 }, 'proxy', {
      action: 'session',
      clientIp: '203.0.113.20',
      clientPort: 40009,
      termState: '--',
    }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 1);
  const p = recs[0]?.session.proxy;
  assert.equal(p?.kind, 'haproxy');
  assert.equal(p?.peerIp, '203.0.113.20');
  assert.deepEqual(p?.actions, ['session', 'term:--', 'connect', 'pregreet']);
});
