import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, postfixMessage, run } from './fixture.js';
import { MAX_ACTIONS } from './bounds.js';
import { MAX_EVIDENCE_LINES, MAX_RECIPIENTS } from '../limits.js';

const qmgr = (t: number) => ({ t, prog: 'postfix/qmgr', pid: 300 });

test('a queue id reused after its record closed starts a new record', () => {
  const r = run();
  r.push(
    ...postfixMessage({
      t: 0,
      pid: 100,
      qid: 'REUSE1',
      ip: '192.0.2.1',
      from: 'a@example.net',
      to: 'b@example.org',
    }),
  );
  r.push(
    ...postfixMessage({
      t: 600,
      pid: 101,
      qid: 'REUSE1',
      ip: '192.0.2.2',
      from: 'c@example.com',
      to: 'd@example.org',
    }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 2);
  assert.deepEqual(
    recs.map((x) => [x.id, x.envelope.from, x.session.clientIp]),
    [
      ['mx1.example.org/REUSE1', 'a@example.net', '192.0.2.1'],
      ['mx1.example.org/REUSE1', 'c@example.com', '192.0.2.2'],
    ],
  );
  assert.equal(r.stats().records, 2);
});

test('a record idle longer than the window is emitted as aged out; an active one is not', () => {
  const r = run({ windowMs: 60_000 });
  r.push(
    ev(qmgr(0), 'envelope', { queueId: 'IDLE1', from: 'a@example.net', nrcpt: 1 }),
    ev(qmgr(0), 'envelope', { queueId: 'BUSY1', from: 'b@example.net', nrcpt: 1 }),
    ev({ t: 50, prog: 'postfix/cleanup', pid: 1 }, 'message.id', {
      queueId: 'BUSY1',
      messageId: 'busy@example.net',
    }),
    ev({ t: 62, prog: 'postfix/anvil', pid: 2 }, 'noise', { note: 'statistics' }),
  );
  assert.deepEqual(
    r.out.map((x) => x.queueId),
    ['IDLE1'],
  );
  assert.equal(r.out[0]?.agedOut, true);
  assert.equal(r.out[0]?.disposition, 'queued');
  assert.equal(r.stats().agedOut, 1);
  assert.equal(r.stats().openRecords, 1);
  r.push(ev({ t: 200, prog: 'postfix/anvil', pid: 2 }, 'noise', { note: 'statistics' }));
  assert.equal(r.out[1]?.queueId, 'BUSY1');
  assert.equal(r.out[1]?.disposition, 'queued');
  // A line without a time does not move the clock.
  r.push(
    ev({ t: null, prog: 'postfix/qmgr', pid: 300 }, 'envelope', { queueId: 'NOTIME', from: '', nrcpt: 1 }),
  );
  assert.equal(r.out.length, 2);
});

test('300k queue ids that never close stay under the open-record cap, oldest evicted first', () => {
  const cap = 1_000;
  const r = run({ maxOpenRecords: cap });
  let emitted = 0;
  let maxOpen = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < 300_000; i++) {
    r.push(
      ev({ t: i / 1000, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
        queueId: `Q${i}`,
        messageId: `<${i}@example.net>`,
      }),
    );
    if ((i & 1023) === 0) maxOpen = Math.max(maxOpen, r.stats().openRecords);
    if (r.out.length > 0) {
      emitted += r.out.length;
      r.out.length = 0;
    }
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const s = r.stats();
  assert.ok(maxOpen <= cap, `open ${maxOpen}`);
  assert.equal(s.openRecords, cap);
  assert.equal(s.evicted, 300_000 - cap);
  assert.equal(emitted, 300_000 - cap);
  assert.ok(ms < 20_000, `took ${ms} ms`);
  r.flush();
  assert.equal(r.out[0]?.queueId, 'Q299000', 'the newest ones survived');
});

test('sessions that never end stay under the session cap', () => {
  const r = run({ maxOpenSessions: 1000 });
  for (let i = 0; i < 20_000; i++) {
    r.push(
      ev({ t: i / 100, prog: 'postfix/smtpd', pid: i }, 'session.connect', {
        clientIp: `192.0.2.${i % 250}`,
      }),
    );
  }
  const s = r.stats();
  assert.equal(s.openSessions, 1000);
  assert.equal(s.evictedSessions, 19_000);
});

test('100k recipients: recipients, evidence and actions are capped, and the record says so', () => {
  const r = run();
  r.push(ev(qmgr(0), 'envelope', { queueId: 'BULK1', from: 'news@example.net', nrcpt: 100_000 }));
  for (let i = 0; i < 100_000; i++) {
    r.push(
      ev({ t: 1 + i / 1000, prog: 'postfix/smtp', pid: 1 }, 'delivery', {
        queueId: 'BULK1',
        to: `user${i}@example.org`,
        relay: 'mx.example.org[198.51.100.1]:25',
        status: 'sent',
      }),
    );
  }
  r.push(ev(qmgr(200), 'message.closed', { queueId: 'BULK1', reason: 'removed' }));
  const [rec] = r.flush();
  assert.ok(rec);
  assert.equal(rec.capped, true);
  assert.equal(rec.envelope.recipients.length, MAX_RECIPIENTS);
  assert.equal(rec.recipients.length, MAX_RECIPIENTS);
  assert.equal(rec.evidence.length, MAX_EVIDENCE_LINES);
  assert.equal(rec.lines.length, MAX_EVIDENCE_LINES);
  assert.equal(rec.actions.length, MAX_ACTIONS);
  assert.equal(rec.disposition, 'delivered');
});

test('flush emits open records with disposition queued, not aged out', () => {
  const r = run();
  r.push(ev(qmgr(0), 'envelope', { queueId: 'OPEN1', from: 'a@example.net', nrcpt: 1 }));
  const [rec] = r.flush();
  assert.equal(rec?.disposition, 'queued');
  assert.equal(rec?.agedOut, undefined);
  assert.equal(r.stats().openRecords, 0);
});

test('a milter line for a queue id with no MTA line still surfaces, counted as an orphan', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'opendkim', pid: 9 }, 'auth.dkim', {
      queueId: 'ORPH1',
      result: 'fail',
      domain: 'example.com',
      failure: 'body',
    }),
    ev({ t: 0, prog: 'opendmarc', pid: 8 }, 'auth.dmarc', {
      queueId: 'ORPH1',
      result: 'fail',
      domain: 'example.com',
      policy: 'reject',
    }),
    ev({ t: 0, prog: 'postfix/qmgr', pid: 8 }, 'message.closed', { queueId: 'NEVER', reason: 'removed' }),
  );
  const recs = r.flush();
  assert.equal(recs.length, 1);
  assert.equal(recs[0]?.mta, 'unknown');
  assert.deepEqual(recs[0]?.producers, ['opendkim', 'opendmarc']);
  assert.equal(recs[0]?.auth.dmarc?.result, 'fail');
  assert.equal(r.stats().orphanEvents, 1, 'the record opened by a milter line; the unknown close is not one');
});

test("disposition follows each recipient's latest status (deferred, then bounced on retry timeout)", () => {
  const r = run();
  const exim = (t: number) => ({ t, prog: 'exim', pid: null });
  r.push(
    ev(exim(0), 'envelope', { queueId: '1rX-0001-aa', from: 'a@example.net' }),
    ev(exim(1), 'delivery', { queueId: '1rX-0001-aa', to: 'b@example.org', status: 'deferred' }),
    ev(exim(2), 'delivery', { queueId: '1rX-0001-aa', to: 'b@example.org', status: 'bounced' }),
    ev(exim(2), 'message.closed', { queueId: '1rX-0001-aa', reason: 'completed' }),
  );
  assert.equal(r.out[0]?.disposition, 'bounced');
});

test('closed records held for a late proxy line are bounded too', () => {
  // Sessions that never end, each with a closed message: past maxOpenRecords/4 held,
  // records are emitted at once instead of waiting.
  const r = run({ maxOpenRecords: 400 });
  for (let i = 0; i < 1000; i++) {
    const qid = `H${i}`;
    r.push(
      ev({ t: i / 100, prog: 'postfix/smtpd', pid: i }, 'session.connect', { clientIp: '192.0.2.1' }),
      ev({ t: i / 100, prog: 'postfix/smtpd', pid: i }, 'message.client', {
        queueId: qid,
        clientIp: '192.0.2.1',
      }),
      ev({ t: i / 100, prog: 'postfix/qmgr', pid: 3 }, 'message.closed', { queueId: qid, reason: 'removed' }),
    );
  }
  assert.equal(r.stats().heldRecords, 100);
  assert.equal(r.out.length, 900);
  assert.equal(r.flush().length, 1000);
});

test('a stream naming ever new hosts does not keep a table entry per host', () => {
  const r = run();
  for (let i = 0; i < 5000; i++) {
    r.push(
      ev({ t: i, prog: 'policyd-spf', pid: 3, host: `h${i}.example.net` }, 'auth.spf', {
        result: 'pass',
        scope: 'mfrom',
        clientIp: '192.0.2.1',
      }),
    );
  }
  assert.equal(r.stats().orphanEvents, 5000);
  assert.ok(r.stats().hosts <= 2048, `${r.stats().hosts} hosts kept`);
});

test('records from lines without a readable time start ageing when the clock first moves', () => {
  const r = run({ windowMs: 60_000 });
  r.push(
    ev({ t: null, prog: 'postfix/qmgr', pid: 3 }, 'envelope', {
      queueId: 'NT1',
      from: 'a@example.net',
      nrcpt: 1,
    }),
    ev({ t: 0, prog: 'postfix/qmgr', pid: 3 }, 'envelope', {
      queueId: 'NT2',
      from: 'b@example.net',
      nrcpt: 1,
    }),
    ev({ t: 30, prog: 'postfix/qmgr', pid: 3 }, 'message.closed', { queueId: 'NT1', reason: 'removed' }),
  );
  assert.equal(r.out.length, 1);
  assert.equal(r.out[0]?.queueId, 'NT1');
  assert.equal(r.out[0]?.agedOut, undefined, 'not aged out by the first timed line');
  assert.equal(r.out[0]?.evidence.length, 2);
});

test('a deferred message waits through its retries as one record (retry window, not the idle window)', () => {
  const r = run({ windowMs: 60_000 });
  const smtp = (t: number) => ({ t, prog: 'postfix/smtp', pid: 1 });
  for (let i = 0; i < 5; i++) {
    r.push(
      ev(qmgr(i * 3600), 'envelope', { queueId: 'RETRY1', from: 'a@example.net', nrcpt: 1 }),
      ev(smtp(i * 3600 + 1), 'delivery', { queueId: 'RETRY1', to: 'x@example.com', status: 'deferred' }),
    );
  }
  r.push(ev(qmgr(5 * 3600), 'noise', { note: 'tick' }));
  assert.equal(r.out.length, 0, 'still one open record');
  r.push(
    ev(smtp(5 * 3600 + 1), 'delivery', { queueId: 'RETRY1', to: 'x@example.com', status: 'sent' }),
    ev(qmgr(5 * 3600 + 1), 'message.closed', { queueId: 'RETRY1', reason: 'removed' }),
  );
  assert.equal(r.out.length, 1);
  assert.equal(r.out[0]?.disposition, 'delivered');
  assert.equal(r.out[0]?.agedOut, undefined);
  // A deferred message never heard of again still ages out, after the retry window.
  r.push(
    ev(qmgr(6 * 3600), 'envelope', { queueId: 'RETRY2', from: 'b@example.net', nrcpt: 1 }),
    ev(smtp(6 * 3600), 'delivery', { queueId: 'RETRY2', to: 'y@example.com', status: 'deferred' }),
    ev(qmgr(6 * 3600 + 6 * 86400), 'noise', { note: 'tick' }),
  );
  assert.equal(r.out.length, 2);
  assert.equal(r.out[1]?.agedOut, true);
  assert.equal(r.out[1]?.disposition, 'deferred');
});

test('a full table evicts from the host busy longest when the line names a host with nothing open', () => {
  const r = run({ maxOpenRecords: 2 });
  const at = (t: number, host: string) => ({ t, prog: 'postfix/qmgr', pid: 300, host });
  r.push(
    ev(at(0, 'a.example'), 'envelope', { queueId: 'A1', from: 'x@example.net', nrcpt: 1 }),
    ev(at(1, 'b.example'), 'envelope', { queueId: 'B1', from: 'x@example.net', nrcpt: 1 }),
    ev(at(2, 'a.example'), 'message.closed', { queueId: 'A1', reason: 'removed' }),
    // Host a is busy again, after b: b's record is the older one.
    ev(at(3, 'a.example'), 'envelope', { queueId: 'A2', from: 'x@example.net', nrcpt: 1 }),
    ev(at(4, 'c.example'), 'envelope', { queueId: 'C1', from: 'x@example.net', nrcpt: 1 }),
  );
  assert.deepEqual(
    r.out.map((x) => [x.queueId, x.agedOut]),
    [
      ['A1', undefined],
      ['B1', true],
    ],
  );
  assert.equal(r.stats().evicted, 1);
  // Every host emptied in turn: each new host's record evicts the one open before it.
  for (let i = 0; i < 1000; i++) {
    r.push(ev(at(5 + i, `h${i}.example`), 'envelope', { queueId: `N${i}`, from: 'x@example.net', nrcpt: 1 }));
  }
  assert.equal(r.stats().openRecords, 2);
  assert.equal(r.stats().evicted, 1001);
  assert.deepEqual(
    r
      .flush()
      .slice(-2)
      .map((x) => x.queueId),
    ['N998', 'N999'],
  );
});
