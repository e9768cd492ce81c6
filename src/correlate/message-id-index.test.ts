import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T0, ev, run, type Run } from './fixture.js';
import { RecordTable, indexMessageId, openByMessageId } from './records.js';

const MID = 'same@example.com';

function open(r: Run, qid: string, t = 0): void {
  r.push(ev({ t, prog: 'postfix/cleanup', pid: 200 }, 'message.id', { queueId: qid, messageId: MID }));
}

function close(r: Run, qid: string, t: number): void {
  r.push(ev({ t, prog: 'postfix/qmgr', pid: 300 }, 'message.closed', { queueId: qid, reason: 'removed' }));
}

function spamd(r: Run, t: number, score: number): void {
  r.push(ev({ t, prog: 'spamd', pid: 3 }, 'filter', { action: 'spam', score, messageId: `<${MID}>` }));
}

test('a spamd line does not join a message that claimed an id two other open messages still carry', () => {
  const r = run();
  open(r, 'DUP1');
  open(r, 'DUP2');
  open(r, 'DUP3');
  close(r, 'DUP1', 1);
  // A fourth message with the same sender-written id: three open messages carry it now.
  open(r, 'DUP4', 2);
  spamd(r, 3, 9.1);
  r.flush();
  for (const q of ['DUP1', 'DUP2', 'DUP3', 'DUP4']) assert.deepEqual(r.byQueueId(q)[0]?.filters, [], q);
  assert.equal(r.stats().orphanEvents, 1);
});

test('a Message-ID stays ambiguous while two open messages still carry it after a third closes', () => {
  const r = run();
  open(r, 'DUP1');
  open(r, 'DUP2');
  open(r, 'DUP3');
  close(r, 'DUP1', 1);
  // DUP2 and DUP3 both still claim the id: a line with only that id joins neither.
  spamd(r, 2, 9.1);
  assert.equal(r.stats().orphanEvents, 1);
  close(r, 'DUP2', 3);
  // DUP3 alone carries it now: the id is unique again and joins it.
  spamd(r, 4, 7.5);
  r.flush();
  assert.deepEqual(r.byQueueId('DUP1')[0]?.filters, []);
  assert.deepEqual(r.byQueueId('DUP2')[0]?.filters, []);
  assert.deepEqual(r.byQueueId('DUP3')[0]?.filters, [{ source: 'spamd', action: 'spam', score: 7.5 }]);
  assert.equal(r.stats().orphanEvents, 1);
});

test('an id claimed again after every holder closed joins the new message only', () => {
  const r = run();
  open(r, 'OLD1');
  open(r, 'OLD2');
  close(r, 'OLD1', 1);
  close(r, 'OLD2', 1);
  open(r, 'NEW1', 2);
  spamd(r, 3, 6);
  r.flush();
  assert.deepEqual(r.byQueueId('NEW1')[0]?.filters, [{ source: 'spamd', action: 'spam', score: 6 }]);
  assert.equal(r.stats().orphanEvents, 0);
});

test('hops merged into one message still share their id with another open message that claims it', () => {
  const r = run();
  open(r, 'HOP1');
  open(r, 'HOP2');
  open(r, 'OTHER1');
  // The content filter links the two hops: one message, but OTHER1 claims the id too.
  r.push(
    ev({ t: 1, prog: 'amavis', pid: 900 }, 'filter', {
      queueId: 'HOP1',
      action: 'passed',
      category: 'CLEAN',
      queuedAs: 'HOP2',
    }),
  );
  spamd(r, 2, 9.1);
  assert.equal(r.stats().orphanEvents, 1);
  close(r, 'OTHER1', 3);
  spamd(r, 4, 3.3);
  r.flush();
  assert.deepEqual(r.byQueueId('OTHER1')[0]?.filters, []);
  const merged = r.byQueueId('HOP2');
  assert.equal(merged.length, 1);
  assert.deepEqual(merged[0]?.queueIds, ['HOP1', 'HOP2']);
  assert.deepEqual(merged[0]?.filters, [
    { source: 'amavis', action: 'passed' },
    { source: 'spamd', action: 'spam', score: 3.3 },
  ]);
  assert.equal(r.stats().orphanEvents, 1);
});

test('the Message-ID index holds no more records than the open table, however many lines claim one id', () => {
  const maxOpen = 4;
  const table = new RecordTable(() => undefined, { records: 0, agedOut: 0, evicted: 0 }, 3_600_000, maxOpen);
  const h = table.host('mx1.example.org');
  for (let i = 0; i < 100; i++) {
    const rec = table.create(h, `Q${i}`, T0, { file: 'f', line: i + 1 });
    rec.rec.messageId = `<${MID}>`;
    indexMessageId(h, MID, rec);
    const entry = h.byMessageId.get(MID);
    const holders = entry instanceof Set ? [...entry] : entry === undefined ? [] : [entry];
    assert.equal(h.byMessageId.size, 1);
    assert.equal(holders.length, Math.min(i + 1, maxOpen));
    assert.ok(holders.every((x) => x.state === 'open'));
    assert.equal(openByMessageId(h, MID), i === 0 ? rec : undefined);
  }
  table.flush();
  assert.equal(h.byMessageId.size, 0);
});

test('a Message-ID learned from a content filter line joins a later line that carries only that id', () => {
  const r = run();
  // The queue's own message-id line is missing (a cut log): Amavis names the id with the queue id.
  r.push(
    ev({ t: 0, prog: 'postfix/qmgr', pid: 300 }, 'envelope', {
      queueId: 'AMV1',
      from: 'a@example.net',
      size: 900,
      nrcpt: 1,
    }),
  );
  r.push(
    ev({ t: 1, prog: 'amavis', pid: 4 }, 'filter', {
      queueId: 'AMV1',
      action: 'pass',
      messageId: '<amavis-only@example.net>',
    }),
  );
  r.push(
    ev({ t: 2, prog: 'spamd', pid: 3 }, 'filter', {
      action: 'spam',
      score: 8,
      messageId: '<amavis-only@example.net>',
    }),
  );
  r.flush();
  const rec = r.byQueueId('AMV1')[0];
  assert.deepEqual(
    rec?.filters.map((f) => f.source),
    ['amavis', 'spamd'],
  );
  assert.equal(r.stats().orphanEvents, 0);
});
