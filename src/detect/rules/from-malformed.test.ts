import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { fromMalformed } from './from-malformed.js';

const kinds = (...from: string[]) =>
  fromMalformed(ctxOf(rec({ headers: { from: hv(...from) } }))).map((f) => f.fields.kind);

test('several From headers, empty, unparsable, several organisations', () => {
  assert.deepEqual(kinds('<a@sender.test>', '<ceo@example.com>'), ['multiple-from']);
  assert.deepEqual(kinds(''), ['empty']);
  assert.deepEqual(kinds('Accounts Department'), ['unparsable']);
  assert.deepEqual(kinds('a@sender.test, b@other.test'), ['several-mailboxes']);
});

test('one well-formed From, a repeated identical one, or a truncated one: nothing', () => {
  assert.deepEqual(kinds('Alice <alice@sender.test>'), []);
  assert.deepEqual(kinds('<a@sender.test>', '<a@sender.test>'), []);
  const cut = fromMalformed(
    ctxOf(rec({ headers: { from: [{ value: '"A very long display name', truncated: true }] } })),
  );
  assert.deepEqual(cut, []);
  assert.deepEqual(fromMalformed(ctxOf(rec({ headers: {} }))), []);
});
