/**
 * One hostile message against the per-record bounds: thousands of header names, and
 * header lines of 60 KB. The record must stay small (MAX_HEADER_NAMES, MAX_RECORD_CHARS)
 * while keeping what the detectors and an audit need: its From, its Authentication-Results
 * and its short delivery lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, postfixMessage, run, type At } from './fixture.js';
import type { LogEvent } from '../parse/event.js';
import type { MessageRecord } from './record.js';
import { MAX_HEADER_NAMES, MAX_HEADER_VALUES, MAX_RECORD_CHARS } from '../limits.js';

const cleanup: At = { t: 1, prog: 'postfix/cleanup', pid: 200 };

function header(name: string, value: string, qid = 'Q1'): LogEvent {
  return ev(cleanup, 'header', { queueId: qid, name, value, truncated: false, action: 'warning' });
}

/** postfixMessage with `extra` events after its envelope line (the queue file is open). */
function message(extra: LogEvent[]): MessageRecord {
  const r = run();
  const base = postfixMessage({
    t: 0,
    pid: 100,
    qid: 'Q1',
    ip: '203.0.113.9',
    from: 'a@example.net',
    to: 'b@example.org',
  });
  r.push(...base.slice(0, 4), ...extra, ...base.slice(4));
  const out = r.flush();
  assert.equal(out.length, 1);
  return out[0]!;
}

const evidenceChars = (rec: MessageRecord): number => rec.lines.reduce((n, l) => n + l.length, 0);

test('thousands of header names: the record keeps MAX_HEADER_NAMES of them, and every name a rule reads', () => {
  const junk = Array.from({ length: 5000 }, (_, i) => header(`X-H${i}`, 'v'));
  const rec = message([
    ...junk,
    header('From', 'Boss <ceo@example.org>'),
    header('Authentication-Results', 'mx.example.org; spf=fail smtp.mailfrom=example.net'),
    header('X-Late', 'not kept'),
  ]);
  const names = Object.keys(rec.headers);
  assert.ok(names.length <= MAX_HEADER_NAMES + 2, `${names.length} names kept`);
  assert.equal(rec.headers['from']?.[0]?.value, 'Boss <ceo@example.org>');
  assert.equal(rec.headers['authentication-results']?.length, 1);
  assert.equal(rec.headers['x-late'], undefined);
  assert.equal(rec.headers['x-h0']?.[0]?.value, 'v', 'the first names are kept');
  assert.equal(rec.capped, true);
});

test('header lines of 60 KB: evidence stays near MAX_RECORD_CHARS, short lines are still cited', () => {
  const big = 'x'.repeat(60_000);
  const rec = message(Array.from({ length: 400 }, (_, i) => header(`X-Big${i % 10}`, big)));
  const chars = evidenceChars(rec);
  assert.ok(chars <= MAX_RECORD_CHARS + 20 * 1024, `${chars} evidence characters`);
  // The session, delivery and close lines (all short) are cited.
  assert.ok(
    rec.lines.some((l) => l.includes('delivery')),
    'delivery line kept',
  );
  assert.ok(
    rec.lines.some((l) => l.includes('message.closed')),
    'close line kept',
  );
  assert.ok(
    rec.lines.some((l) => l.includes('session.connect')),
    'connect line kept',
  );
  let valueChars = 0;
  for (const list of Object.values(rec.headers)) for (const v of list) valueChars += v.value.length;
  assert.ok(valueChars <= MAX_RECORD_CHARS, `${valueChars} header characters`);
  assert.equal(rec.capped, true);
});

test('past MAX_RECORD_CHARS a header a rule reads is still kept, up to MAX_HEADER_VALUES', () => {
  const big = 'y'.repeat(8000);
  const flood = Array.from({ length: 300 }, (_, i) => header(`X-Flood${i}`, big));
  const froms = Array.from({ length: MAX_HEADER_VALUES + 5 }, (_, i) => header('From', `u${i}@example.org`));
  const rec = message([...flood, ...froms]);
  assert.equal(rec.headers['from']?.length, MAX_HEADER_VALUES);
  assert.equal(rec.headers['from']?.[1]?.value, 'u1@example.org', 'a second From is seen');
  assert.ok(Object.keys(rec.headers).length < 300);
});

test('an ordinary message is not capped', () => {
  const rec = message([header('From', 'a@example.net'), header('Subject', 'hello'), header('X-Mailer', 'm')]);
  assert.equal(rec.capped, undefined);
  assert.deepEqual(Object.keys(rec.headers).sort(), ['from', 'subject', 'x-mailer']);
});
