import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { returnPathSenderDivergence } from './return-path-sender-divergence.js';

test('an arriving Return-Path differing from the envelope, and a foreign Sender', () => {
  const r = rec({
    headers: {
      from: hv('<a@sender.test>'),
      'return-path': hv('<x@other.test>'),
      sender: hv('<agent@third.test>'),
    },
  });
  const out = returnPathSenderDivergence(ctxOf(r));
  assert.deepEqual(
    out.map((f) => f.fields.header),
    ['Return-Path', 'Sender'],
  );
  assert.equal(out[0]?.weight, 4);
});

test('matching organisations give nothing', () => {
  const r = rec({
    headers: {
      from: hv('<a@sender.test>'),
      'return-path': hv('<alice@sender.test>'),
      sender: hv('<s@mail.sender.test>'),
    },
  });
  assert.deepEqual(returnPathSenderDivergence(ctxOf(r)), []);
});
