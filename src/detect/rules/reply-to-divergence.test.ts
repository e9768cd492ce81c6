import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { replyToDivergence } from './reply-to-divergence.js';

test('Reply-To to another organisation; more for free-mail; most when From is protected', () => {
  const w = (from: string, rt: string) =>
    replyToDivergence(ctxOf(rec({ headers: { from: hv(from), 'reply-to': hv(rt) } })))[0]?.weight;
  assert.equal(w('<a@sender.test>', '<b@other.test>'), 8);
  assert.equal(w('<a@sender.test>', '<billing.sender@gmail.com>'), 15);
  assert.equal(w('<ceo@example.com>', '<ceo.private@gmail.com>'), 20);
  const f = replyToDivergence(
    ctxOf(rec({ headers: { from: hv('<a@sender.test>'), 'reply-to': hv('<b@other.test>') } })),
  )[0];
  assert.ok(f?.attack.includes('T1566'));
});

test('same organisation, protected Reply-To, or none: nothing', () => {
  const none = (from: string, rt: string) =>
    replyToDivergence(ctxOf(rec({ headers: { from: hv(from), 'reply-to': hv(rt) } })));
  assert.deepEqual(none('<a@sender.test>', '<support@help.sender.test>'), []);
  assert.deepEqual(none('<a@sender.test>', '<sales@example.com>'), []);
  assert.deepEqual(replyToDivergence(ctxOf(rec())), []);
});
