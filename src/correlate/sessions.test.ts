import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T0, ev, postfixMessage, run } from './fixture.js';
import { SessionTable } from './sessions.js';

const smtpd = (t: number, pid = 100) => ({ t, prog: 'postfix/smtpd', pid });

test('a Postfix message joins its smtpd session and closes on removed', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientHost: 'mail.example.net', clientIp: '192.0.2.10' }),
    ev(smtpd(0), 'session.helo', { helo: 'mail.example.net' }),
    ev(smtpd(1), 'session.tls', {
      tlsProtocol: 'TLSv1.3',
      tlsCipher: 'TLS_AES_256_GCM_SHA384',
      tlsTrust: 'Anonymous',
    }),
    ev(smtpd(2), 'message.client', {
      queueId: '4F9D195432',
      clientHost: 'mail.example.net',
      clientIp: '192.0.2.10',
    }),
    ev({ t: 2, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
      queueId: '4F9D195432',
      messageId: '<a1@example.net>',
    }),
    ev({ t: 2, prog: 'postfix/cleanup', pid: 200 }, 'header', {
      queueId: '4F9D195432',
      name: 'From',
      value: 'Alice <alice@example.net>',
      truncated: false,
      action: 'warning',
    }),
    ev({ t: 3, prog: 'postfix/qmgr', pid: 300 }, 'envelope', {
      queueId: '4F9D195432',
      from: 'alice@example.net',
      size: 900,
      nrcpt: 1,
    }),
    ev({ t: 3, prog: 'postfix/lmtp', pid: 400 }, 'delivery', {
      queueId: '4F9D195432',
      to: 'bob@example.org',
      relay: 'mail.example.org[private/dovecot-lmtp]',
      status: 'sent',
    }),
    ev({ t: 3, prog: 'postfix/qmgr', pid: 300 }, 'message.closed', {
      queueId: '4F9D195432',
      reason: 'removed',
    }),
  );
  assert.equal(r.out.length, 0, 'held until the session ends (a proxy may log it then)');
  r.push(ev(smtpd(4), 'session.disconnect', { clientIp: '192.0.2.10' }));
  const [rec, ...rest] = r.flush();
  assert.equal(rest.length, 0);
  assert.ok(rec);
  assert.equal(rec.id, 'mx1.example.org/4F9D195432');
  assert.equal(rec.mta, 'postfix');
  assert.deepEqual(rec.queueIds, ['4F9D195432']);
  assert.equal(rec.messageId, '<a1@example.net>');
  assert.equal(rec.session.clientIp, '192.0.2.10');
  assert.equal(rec.session.clientHost, 'mail.example.net');
  assert.equal(rec.session.helo, 'mail.example.net');
  assert.equal(rec.session.tlsProtocol, 'TLSv1.3');
  assert.equal(rec.envelope.from, 'alice@example.net');
  assert.deepEqual(rec.envelope.recipients, ['bob@example.org']);
  assert.deepEqual(rec.headers.from, [{ value: 'Alice <alice@example.net>', truncated: false }]);
  assert.equal(rec.disposition, 'delivered');
  assert.equal(rec.agedOut, undefined);
  assert.equal(rec.evidence.length, 10, 'connect, HELO, TLS, six message lines, disconnect');
  assert.equal(rec.lines.length, 10);
  assert.deepEqual(
    rec.evidence.map((e) => e.line),
    [...rec.evidence.map((e) => e.line)].sort((a, b) => a - b),
    'in log order',
  );
  assert.deepEqual(rec.producers, ['postfix']);
  assert.deepEqual(
    rec.actions.map((a) => a.action),
    ['queued', 'delivered'],
  );
});

test('a held record is released once the host clock passes the grace after disconnect', () => {
  const r = run();
  r.push(
    ...postfixMessage({
      t: 0,
      pid: 100,
      qid: 'A1B2C3D4E5',
      ip: '192.0.2.10',
      from: 'a@example.net',
      to: 'b@example.org',
    }),
  );
  assert.equal(r.out.length, 0);
  r.push(ev({ t: 30, prog: 'postfix/anvil', pid: 9 }, 'noise', { note: 'statistics' }));
  assert.equal(r.out.length, 1);
  assert.equal(r.out[0]?.disposition, 'delivered');
});

test('HELO learned from a reject or header line reaches the session and its records', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientHost: 'unknown', clientIp: '198.51.100.7' }),
    ev(smtpd(1), 'reject', {
      stage: 'rcpt',
      action: 'reject',
      code: 450,
      dsn: '4.7.1',
      reason: 'Recipient address rejected: greylisted',
      from: 'ceo@example.com',
      to: 'first@example.org',
      proto: 'ESMTP',
      helo: 'boss-pc.example.com',
      clientIp: '198.51.100.7',
      clientHost: 'unknown',
    }),
    ev(smtpd(2), 'message.client', { queueId: 'BEEF01', clientHost: 'unknown', clientIp: '198.51.100.7' }),
    ev({ t: 3, prog: 'postfix/qmgr', pid: 300 }, 'message.closed', { queueId: 'BEEF01', reason: 'removed' }),
    ev(smtpd(4), 'session.disconnect', { clientIp: '198.51.100.7' }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 2);
  for (const rec of recs) assert.equal(rec.session.helo, 'boss-pc.example.com', rec.id);

  // HELO from a header_checks line (cleanup) reaches the session of the message.
  const r2 = run();
  r2.push(
    ev(smtpd(0), 'session.connect', { clientHost: 'unknown', clientIp: '198.51.100.8' }),
    ev(smtpd(1), 'message.client', { queueId: 'BEEF02', clientIp: '198.51.100.8' }),
    ev({ t: 1, prog: 'postfix/cleanup', pid: 200 }, 'header', {
      queueId: 'BEEF02',
      name: 'Subject',
      value: 'invoice',
      truncated: false,
      action: 'warning',
      from: 'ceo@example.com',
      to: 'x@example.org',
      proto: 'ESMTP',
      helo: 'pc.example.com',
    }),
  );
  const [rec2] = r2.flush();
  assert.equal(rec2?.session.helo, 'pc.example.com');
  assert.equal(rec2?.envelope.from, 'ceo@example.com');
});

test('a reused smtpd pid starts a new session; the old one lets go of its records', () => {
  const r = run();
  r.push(
    ev(smtpd(0), 'session.connect', { clientIp: '192.0.2.1' }),
    ev(smtpd(0), 'session.helo', { helo: 'one.example.net' }),
    // No disconnect line (lost): the same pid connects again.
    ev(smtpd(10), 'session.connect', { clientIp: '203.0.113.9' }),
    ev(smtpd(11), 'message.client', { queueId: 'C0FFEE', clientIp: '203.0.113.9' }),
  );
  const [rec] = r.flush();
  assert.equal(rec?.session.clientIp, '203.0.113.9');
  assert.equal(rec?.session.helo, undefined);
});

test('multi-host input: each host keeps its own clock, so a later file of an older host does not age out', () => {
  const r = run({ windowMs: 60_000 });
  r.push(
    ...postfixMessage({
      t: 10_000,
      pid: 1,
      qid: 'AAA111',
      ip: '192.0.2.1',
      from: 'a@example.net',
      to: 'b@example.org',
      host: 'mx-a',
    }),
  );
  const older = postfixMessage({
    t: 0,
    pid: 1,
    qid: 'BBB222',
    ip: '192.0.2.2',
    from: 'c@example.net',
    to: 'd@example.org',
    host: 'mx-b',
  });
  r.push(...older);
  const recs = r.flush();
  assert.equal(recs.length, 2);
  for (const rec of recs) {
    assert.equal(rec.agedOut, undefined, rec.id);
    assert.equal(rec.disposition, 'delivered', rec.id);
  }
});

test('outbound TLS lines of the Postfix smtp client open no session', () => {
  const r = run();
  for (let i = 0; i < 50; i++) {
    r.push(
      ev({ t: i, prog: 'postfix/smtp', pid: 500 + i }, 'session.tls', {
        tlsProtocol: 'TLSv1.3',
        clientHost: 'mx.example.com',
        clientIp: '198.51.100.25',
      }),
    );
  }
  assert.equal(r.stats().sessions, 0);
});

test('a central log of many hosts: removed pid keys are bounded for the whole table, not per host', () => {
  const table = new SessionTable(() => {}, { sessions: 0, evictedSessions: 0 }, 60_000, 10_000);
  const hosts = 400;
  const programs = ['postfix/smtpd', 'postfix/submission/smtpd'];
  let pid = 1000;
  for (let round = 0; round < 40; round++) {
    for (let h = 0; h < hosts; h++) {
      for (const prog of programs) {
        // Every connection a new pid (each smtpd process serves one, then exits).
        const at = { t: round, prog, pid: pid++, host: `mx${h}.example.org` };
        const s = table.create(ev(at, 'session.connect', { clientIp: '192.0.2.1' }), T0 + round * 1000, true);
        table.end(s, T0 + round * 1000);
      }
    }
  }
  const { live, footprint } = table.indexKeys();
  // Bounded per map, each host's two pid maps kept all 40 of theirs: 32,000 keys.
  assert.ok(footprint - live <= Math.max(1024, live) + 1, `live ${live}, footprint ${footprint}`);
  assert.equal(table.open, 0);
});

test('a full session table evicts from the host with open sessions longest when the line names a host with none', () => {
  const r = run({ maxOpenSessions: 2 });
  const at = (t: number, host: string, pid: number) => ({ t, prog: 'postfix/smtpd', pid, host });
  const c = { clientIp: '192.0.2.1' };
  r.push(
    ev(at(0, 'a.example', 1), 'session.connect', c),
    ev(at(1, 'b.example', 2), 'session.connect', c),
    ev(at(2, 'a.example', 1), 'session.disconnect', c),
    // Host a has a session again, after b: b's is the older one.
    ev(at(3, 'a.example', 3), 'session.connect', c),
    ev(at(4, 'c.example', 4), 'session.connect', c),
  );
  assert.equal(r.stats().evictedSessions, 1);
  // b's session was evicted, not a's newer one: a's disconnect still finds it open.
  r.push(ev(at(5, 'a.example', 3), 'session.disconnect', c));
  assert.equal(r.stats().openSessions, 1, 'a.example pid 3 was still open');
  for (let i = 0; i < 1000; i++) r.push(ev(at(6 + i, `h${i}.example`, 10 + i), 'session.connect', c));
  assert.equal(r.stats().openSessions, 2);
  assert.equal(r.stats().evictedSessions, 1000);
});
