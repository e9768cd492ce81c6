import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rec } from '../detect/test-support.js';
import type { MessageRecord } from '../correlate/record.js';
import type { Verdict } from '../detect/verdict.js';
import { HOP_LOOKBACK_CHARS, HopLinker, MAX_HOP_LINK_IDS, recordChars } from './hops.js';
import { TimelineBuilder, keptVerdict } from './index.js';
import { MAX_INVESTIGATE_CHARS, parseQuery } from './match.js';
import { parseLine } from '../parse/index.js';
import { syslogLine } from '../parse/test-lines.js';

function verdictOf(record: MessageRecord): Verdict {
  return { record, verdict: 'clean', score: 0, findings: [], missing: [] };
}

function qid(i: number): string {
  return (0x10000000 + i).toString(16).toUpperCase();
}

test('the hop ring is bounded by the characters its records hold, not only by their count', () => {
  // 3,000 records of one 60 KB line each: 180 MB held by count alone, past the 128 MiB heap.
  const long = 'x'.repeat(60_000);
  const hops = new HopLinker();
  for (let i = 0; i < 3000; i++) {
    const q = qid(i);
    hops.remember(verdictOf(rec({ id: `mx1/${q}`, queueId: q, queueIds: [q], lines: [long] })));
  }
  const { records, chars } = hops.held();
  assert.ok(chars <= HOP_LOOKBACK_CHARS, `ring holds ${chars} characters`);
  assert.ok(records * 60_000 <= HOP_LOOKBACK_CHARS, `ring holds ${records} records of 60 KB`);
  assert.ok(records > 0, 'the newest record is kept');
});

test('header values count toward the ring bound as raw lines do', () => {
  const value = 'y'.repeat(8 * 1024);
  const headers: MessageRecord['headers'] = {};
  for (let n = 0; n < 50; n++)
    headers[`x-h${n}`] = Array.from({ length: 20 }, () => ({ value, truncated: false }));
  const r = rec({ headers });
  assert.ok(recordChars(r) >= 50 * 20 * 8 * 1024);
  const hops = new HopLinker();
  for (let i = 0; i < 100; i++) hops.remember(verdictOf(r));
  assert.ok(hops.held().chars <= HOP_LOOKBACK_CHARS);
});

test('a record linked after falling out of the ring by size is not found, one still in it is', () => {
  const long = 'z'.repeat(60_000);
  const hops = new HopLinker();
  const first = rec({ id: 'mx2/AAAAA11111', host: 'mx2', queueId: 'AAAAA11111', queueIds: ['AAAAA11111'] });
  hops.remember(verdictOf(first));
  for (let i = 0; i < 1000; i++) {
    const q = qid(i);
    hops.remember(verdictOf(rec({ id: `mx1/${q}`, queueId: q, queueIds: [q], lines: [long] })));
  }
  const last = rec({ id: 'mx2/BBBBB22222', host: 'mx2', queueId: 'BBBBB22222', queueIds: ['BBBBB22222'] });
  hops.remember(verdictOf(last));
  hops.absorb(
    rec({
      recipients: [
        { to: 'a@example.com', status: 'sent', detail: '250 2.0.0 Ok: queued as AAAAA11111' },
        { to: 'b@example.com', status: 'sent', detail: '250 2.0.0 Ok: queued as BBBBB22222' },
      ],
    }),
  );
  assert.deepEqual(
    hops.drain().map((v) => v.record.id),
    ['mx2/BBBBB22222'],
  );
});

test('links kept from a chain of 100,000 hops stay bounded', () => {
  const hops = new HopLinker();
  for (let i = 0; i < 100_000; i++) {
    const q = qid(i);
    hops.absorb(
      rec({
        host: `h${i}`,
        queueId: q,
        queueIds: [q],
        messageId: `<m${i}@example.net>`,
        recipients: [
          { to: 'a@example.com', status: 'sent', detail: `250 2.0.0 Ok: queued as ${qid(i + 1)}` },
        ],
      }),
    );
  }
  assert.ok(hops.linkIds() <= 4 * MAX_HOP_LINK_IDS, `${hops.linkIds()} ids kept`);
});

test('a capped verdict kept by investigate is a copy without raw lines (read again in the second pass)', () => {
  const v = verdictOf(
    rec({
      lines: ['a'.repeat(1000)],
      evidence: [{ file: 'f', line: 1 }],
      capped: true,
      session: { helo: 'h' },
    }),
  );
  const kept = keptVerdict(v);
  assert.equal(kept.record.lines.length, 0);
  assert.equal(recordChars(kept.record) < recordChars(v.record), true);
  assert.deepEqual(kept.record.evidence, [{ file: 'f', line: 1 }]);
  assert.notEqual(kept.record.session, v.record.session, 'copied');
  assert.equal(v.record.lines.length, 1, 'the detector input is not changed');
});

test('an uncapped verdict is kept with its lines (counted by the ring) and a copy of its session', () => {
  const session = { clientIp: '192.0.2.1', helo: 'mail.example.net' };
  const v = verdictOf(rec({ lines: ['b'.repeat(1000)], evidence: [{ file: 'f', line: 1 }], session }));
  const kept = keptVerdict(v);
  assert.equal(kept.record.lines, v.record.lines, 'lines shared, not copied');
  assert.equal(recordChars(kept.record), recordChars(v.record));
  assert.notEqual(kept.record.session, session, 'the session (possibly cut from lines not cited) is copied');
  assert.deepEqual(kept.record.session, session);
  assert.equal(v.record.session, session, 'the detector input is not changed');
});

test('evidence refs and actions count toward the ring bound: 10,000 small records of 500 refs stay bounded', () => {
  const evidence = Array.from({ length: 500 }, (_, i) => ({ file: '/var/log/mail.log', line: i + 1 }));
  const r = rec({ evidence });
  assert.ok(recordChars(r) >= 500 * 16);
  const hops = new HopLinker();
  for (let i = 0; i < 10_000; i++) hops.remember(verdictOf(r));
  assert.ok(hops.held().records * 500 * 16 <= HOP_LOOKBACK_CHARS, `${hops.held().records} records held`);
});

test('the timeline of a message with thousands of 60 KB lines is bounded by its characters', () => {
  const q = 'AB12CD34EF';
  const b = new TimelineBuilder(
    [verdictOf(rec({ id: `mx1/${q}`, queueId: q, queueIds: [q] }))],
    parseQuery(q),
  );
  for (let i = 0; i < 3000; i++) {
    const fill = String.fromCharCode(97 + (i % 26)).repeat(60_000);
    const line = syslogLine(
      'postfix/cleanup',
      77,
      `${q}: warning: header X-H${i}: ${fill} from unknown[203.0.113.1]; from=<x@example.net> to=<a@example.org> proto=ESMTP helo=<h>`,
    );
    b.onEvent(parseLine({ ...line, src: { file: 't', line: i + 1 } }));
  }
  const tl = b.timeline();
  const chars = tl.reduce((n, l) => n + l.raw.length, 0);
  assert.ok(chars <= MAX_INVESTIGATE_CHARS, `${chars} characters of lines kept`);
  assert.ok(tl.length > 0 && tl.length < 3000);
  assert.equal(b.capped, true);
});

test('the ring keeps records only once mail lines of a second host have been read', () => {
  const hops = new HopLinker();
  for (let i = 0; i < 100; i++) hops.seeHost('mx1');
  assert.equal(hops.mayLinkLater(), false);
  hops.seeHost('mx2');
  assert.equal(hops.mayLinkLater(), true, 'a second host: hops are possible');
  hops.seeHost('mx1');
  assert.equal(hops.mayLinkLater(), true, 'and stay possible');
});
