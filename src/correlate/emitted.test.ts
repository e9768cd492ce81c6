/**
 * Lines that come for a record already emitted: an emitted record lets go of its
 * MessageRecord (it points at a frozen placeholder), so nothing may fold into it again.
 * Each test drives one path by which such a record could still be reached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, postfixMessage, run, type At } from './fixture.js';
import { MAX_QUEUE_IDS } from './bounds.js';

const smtpd = (t: number, pid: number): At => ({ t, prog: 'postfix/smtpd', pid });
const qmgr = (t: number): At => ({ t, prog: 'postfix/qmgr', pid: 300 });
const amavis = (t: number): At => ({ t, prog: 'amavis', pid: 500 });
const anvil = (t: number): At => ({ t, prog: 'postfix/anvil', pid: 2 });

test('a hop chain past the queue-id cap: a late line for the id left out opens its own record', () => {
  const r = run();
  r.push(ev(qmgr(0), 'envelope', { queueId: 'H0', from: 'a@example.net', nrcpt: 1 }));
  // One more hop than the record may keep ids for.
  for (let i = 1; i <= MAX_QUEUE_IDS; i++) {
    r.push(
      ev(qmgr(0), 'envelope', { queueId: `H${i}`, from: 'a@example.net', nrcpt: 1 }),
      ev(amavis(0), 'filter', { queueId: 'H0', action: 'passed', queuedAs: `H${i}` }),
    );
  }
  for (let i = 0; i <= MAX_QUEUE_IDS; i++) {
    r.push(ev(qmgr(1), 'message.closed', { queueId: `H${i}`, reason: 'removed' }));
  }
  assert.equal(r.out.length, 1);
  const merged = r.out[0]!;
  assert.equal(merged.queueIds.length, MAX_QUEUE_IDS);
  assert.ok(!merged.queueIds.includes(`H${MAX_QUEUE_IDS}`));
  // The merged record is emitted and let go; this line must not reach it.
  r.push(
    ev({ t: 2, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
      queueId: `H${MAX_QUEUE_IDS}`,
      messageId: '<late@example.net>',
    }),
  );
  const out = r.flush();
  assert.equal(out.length, 2);
  assert.equal(out[1]!.id, `mx1.example.org/H${MAX_QUEUE_IDS}`);
  assert.equal(out[1]!.messageId, '<late@example.net>');
  assert.equal(r.stats().records, 2);
});

test('a record moved to a before-queue proxy session: the first session ending later leaves it be', () => {
  const r = run();
  const lo = { clientIp: '127.0.0.1', clientHost: 'localhost' };
  const real = { clientIp: '192.0.2.9', clientHost: 'mail.example.net' };
  r.push(
    // The after-filter smtpd (client localhost) logs the queue id first ...
    ev(smtpd(0, 100), 'session.connect', lo),
    ev(smtpd(1, 100), 'message.client', { queueId: 'BQ1', ...lo }),
    ev(qmgr(2), 'message.closed', { queueId: 'BQ1', reason: 'removed' }),
    // ... then the proxying smtpd names the real client: the record moves to its session.
    ev(smtpd(3, 101), 'session.connect', real),
    ev(smtpd(3, 101), 'message.client', { queueId: 'BQ1', ...real }),
    ev(smtpd(4, 101), 'session.disconnect', real),
    // Past the grace: emitted and let go.
    ev(anvil(20), 'noise', { note: 'statistics' }),
  );
  assert.equal(r.out.length, 1);
  const rec = r.out[0]!;
  assert.equal(rec.session.clientIp, '192.0.2.9');
  const lines = rec.lines.length;
  r.push(ev(smtpd(21, 100), 'session.disconnect', lo));
  assert.equal(r.flush().length, 1);
  assert.equal(rec.lines.length, lines);
});

/** A session whose NOQUEUE reject ages out while the connection goes on (other commands). */
function longSession(pid: number, t: number, ip: string) {
  const c = { clientIp: ip, clientHost: 'mail.example.net' };
  const evs = [
    ev(smtpd(t, pid), 'session.connect', c),
    ev(smtpd(t + 1, pid), 'reject', {
      stage: 'rcpt',
      action: 'reject',
      reason: 'Relay access denied',
      from: 'a@example.net',
      to: 'b@example.org',
      ...c,
    }),
  ];
  for (let dt = 2; dt <= 30; dt += 2) evs.push(ev(smtpd(t + dt, pid), 'session.note', { note: 'lost' }));
  return { evs, end: ev(smtpd(t + 31, pid), 'session.disconnect', c) };
}

test('a NOQUEUE record aged out while its session went on: the disconnect and a HELO SPF result leave it be', () => {
  const r = run({ windowMs: 10_000 });
  const s = longSession(100, 0, '192.0.2.20');
  r.push(...s.evs);
  assert.equal(r.out.length, 1);
  const rec = r.out[0]!;
  assert.equal(rec.agedOut, true);
  const lines = rec.lines.slice();
  r.push(
    ev({ t: 30, prog: 'policyd-spf', pid: 600 }, 'auth.spf', {
      result: 'fail',
      scope: 'helo',
      clientIp: '192.0.2.20',
      helo: 'mail.example.net',
    }),
    s.end,
  );
  assert.deepEqual(rec.lines, lines);
  assert.equal(rec.auth.spf.length, 0);
  assert.equal(r.flush().length, 1);
});

test('lines for aged-out NOQUEUE records do not count against the evidence budget for good', () => {
  // Each such line was charged to the budget after the record had settled its account, so
  // the charge stayed: enough of them and every new message was evicted at once.
  const r = run({ windowMs: 10_000, maxOpenEvidenceChars: 4_000 });
  for (let i = 0; i < 60; i++) {
    const s = longSession(1000 + i, i * 40, `192.0.2.${i + 1}`);
    r.push(...s.evs, s.end);
  }
  assert.equal(r.out.length, 60);
  r.push(
    ...postfixMessage({
      t: 3000,
      pid: 200,
      qid: 'AFTER1',
      ip: '198.51.100.1',
      from: 'c@example.net',
      to: 'd@example.org',
    }),
  );
  const out = r.flush();
  const last = out.find((x) => x.queueId === 'AFTER1');
  assert.ok(last);
  assert.equal(last.agedOut, undefined);
  assert.equal(r.stats().evicted, 0);
});

test('a held record taken back for a late line and closed again has the disconnect once', () => {
  const r = run();
  const c = { clientIp: '192.0.2.30', clientHost: 'mail.example.net' };
  r.push(
    ev(smtpd(0, 100), 'session.connect', c),
    ev(smtpd(1, 100), 'message.client', { queueId: 'LATE1', ...c }),
    ev(qmgr(2), 'message.closed', { queueId: 'LATE1', reason: 'removed' }),
    ev({ t: 2, prog: 'opendkim', pid: 700 }, 'auth.dkim-note', {
      queueId: 'LATE1',
      note: 'ssl',
      domains: ['example.net'],
    }),
    ev(smtpd(3, 100), 'session.disconnect', c),
  );
  const [rec, ...rest] = r.flush();
  assert.equal(rest.length, 0);
  assert.ok(rec);
  assert.equal(rec.lines.filter((l) => l.includes('session.disconnect')).length, 1);
  assert.equal(rec.evidence.length, rec.lines.length);
});
