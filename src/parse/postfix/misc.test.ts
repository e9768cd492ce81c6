import { test } from 'node:test';
import assert from 'node:assert/strict';
import { as, fields, parse } from './test-helpers.js';
import { isQueueId, knownWord, queueIdLength } from './common.js';
import { POSTFIX_SAMPLES, isPostfixDaemon } from './index.js';

test('queue ids: short hex and long ids pass; words and NOQUEUE do not', () => {
  for (const id of [
    '4F9D195432',
    '1234567890A',
    'D95341E50350',
    'ED06590130AA1C9D6D862',
    '4Mh5z73yD5z9v0d',
    '3mfHGL1r9gzyQP',
  ]) {
    assert.equal(isQueueId(id), true, id);
  }
  for (const w of [
    'NOQUEUE',
    'warning',
    'statistics',
    'DISCONNECT',
    'ABCDE',
    '4f9d195432',
    'Bbbbbbbbbbbbbb',
    'ZZZZZ44444',
    'connect',
  ]) {
    assert.equal(isQueueId(w), false, w);
  }
  assert.equal(queueIdLength('4F9D195432: removed'), 10);
  assert.equal(queueIdLength('4F9D195432 removed'), 0);
  assert.equal(queueIdLength('4F9D195432:removed'), 0);
});

test('pickup: uid and sender of local submissions', () => {
  assert.deepEqual(fields(parse('postfix/pickup', '4F9D195432: uid=1000 from=<alice>')), {
    kind: 'message.pickup',
    producer: 'postfix',
    daemon: 'pickup',
    instance: 'postfix',
    queueId: '4F9D195432',
    uid: 1000,
    from: 'alice',
  });
});

test('bounce notifications name the new queue id', () => {
  for (const kind of [
    'sender non-delivery',
    'sender delivery status',
    'sender delay',
    'postmaster non-delivery',
  ]) {
    const ev = as(parse('postfix/bounce', `4F9D195432: ${kind} notification: 5C2E3F4A1B`), 'message.note');
    assert.equal(ev.relatedQueueId, '5C2E3F4A1B', kind);
    assert.equal(ev.queueId, '4F9D195432');
  }
});

test('postsuper queue surgery', () => {
  assert.equal(as(parse('postfix/postsuper', '4F9D195432: removed'), 'message.closed').reason, 'removed');
  assert.equal(
    as(parse('postfix/postsuper', '4F9D195432: placed on hold'), 'message.note').note,
    'hold: placed on hold',
  );
  assert.equal(parse('postfix/postsuper', '4F9D195432: released from hold').kind, 'message.note');
  assert.equal(parse('postfix/postsuper', 'Deleted: 1 message').kind, 'noise');
  assert.equal(parse('postfix/postsuper', 'Requeued: 14 messages').kind, 'noise');
});

test('housekeeping daemons are recognised as noise, unknown shapes are not', () => {
  assert.equal(
    parse('postfix/master', 'daemon started -- version 3.7.11, configuration /etc/postfix').kind,
    'noise',
  );
  assert.equal(parse('postfix/anvil', 'statistics: max cache size 1 at Nov 27 10:15:00').kind, 'noise');
  assert.equal(parse('postfix/postfix-script', 'starting the Postfix mail system').kind, 'noise');
  assert.equal(
    parse('postfix/sendmail', 'fatal: alice(1000): No recipient addresses found in message header').kind,
    'noise',
  );
  assert.equal(parse('postfix/master', 'hello world').kind, 'unrecognised');
  const warn = as(
    parse(
      'postfix/cleanup',
      'warning: 4F9D195432: sender_canonical_maps map lookup problem for a@example.com',
    ),
    'message.note',
  );
  assert.equal(warn.queueId, '4F9D195432');
});

test('daemon names and the combined samples', () => {
  assert.equal(isPostfixDaemon('smtpd'), true);
  assert.equal(isPostfixDaemon('oqmgr'), true);
  assert.equal(isPostfixDaemon('opendkim'), false);
  const kinds = new Set(POSTFIX_SAMPLES.map((s) => s.kind));
  for (const k of [
    'session.connect',
    'reject',
    'header',
    'envelope',
    'delivery',
    'proxy',
    'message.id',
    'message.client',
  ]) {
    assert.ok(kinds.has(k as never), k);
  }
  for (const s of POSTFIX_SAMPLES) assert.equal(parse(s.program, s.message).kind, s.kind, s.message);
});

test('knownWord: a listed word is matched whole, anything else is cut from the line and capped', () => {
  const words = ['ESMTP', 'SMTP'];
  assert.equal(knownWord('proto=ESMTP x', 6, 11, words), 'ESMTP');
  assert.equal(knownWord('proto=SMTP', 6, 10, words), 'SMTP');
  assert.equal(knownWord('proto=ESMTPS', 6, 12, words), 'ESMTPS');
  assert.equal(knownWord('proto=ESMT', 6, 10, words), 'ESMT');
  assert.equal(knownWord('x', 0, 0, words), '');
  assert.equal(knownWord('x', 1, 1, words), '');
  assert.equal(knownWord('y'.repeat(3000), 0, 3000, words).length, 2048);
});
