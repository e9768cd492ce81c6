import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, dkimPass, rec } from '../test-support.js';
import { dkimFail } from './dkim-fail.js';

const failed = (failure: 'body' | 'header' | 'key' | 'expired', domain = 'sender.test') => ({
  result: 'fail' as const,
  domain,
  failure,
  source: 'opendkim',
});

test('header tampering weighs most, body less, key problems almost nothing', () => {
  const w = (f: 'body' | 'header' | 'key' | 'expired') =>
    dkimFail(ctxOf(rec({ auth: { dkim: [failed(f)] } })))[0];
  assert.equal(w('header')?.weight, 20);
  assert.match(w('header')?.summary ?? '', /signed headers were changed/);
  assert.equal(w('body')?.weight, 15);
  assert.match(w('body')?.summary ?? '', /body was changed/);
  assert.equal(w('key')?.weight, 2);
  assert.match(w('key')?.summary ?? '', /not tampering/);
  assert.equal(w('expired')?.weight, 10);
});

test('a failed signature next to an aligned pass weighs little', () => {
  const out = dkimFail(
    ctxOf(rec({ auth: { dkim: [failed('body', 'esp.example.net'), dkimPass('sender.test')] } })),
  );
  assert.equal(out[0]?.weight, 3);
  assert.match(out[0]?.summary ?? '', /another signature aligned/);
});

test('passes produce nothing', () => {
  assert.deepEqual(dkimFail(ctxOf(rec({ auth: { dkim: [dkimPass()] } }))), []);
});
