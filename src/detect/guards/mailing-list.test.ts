import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { isListBounceLocal, mailingListGuard } from './mailing-list.js';

test('List-Id plus a list bounce envelope is a strong sign', () => {
  const r = rec({
    headers: {
      from: hv('<a@sender.test>'),
      'list-id': hv('Dev list <dev.lists.example.org>'),
      'list-unsubscribe': hv('<mailto:dev-leave@lists.example.org>'),
    },
    envelope: { from: 'dev-bounces+bob=example.com@lists.example.org' },
  });
  const [d] = mailingListGuard(ctxOf(r));
  assert.equal(d?.factors['dmarc-fail'], 0.1);
  assert.match(d?.reason ?? '', /List-Id dev\.lists\.example\.org/);
  assert.equal(d?.factors['own-domain-from-outside'], undefined);
});

test('a configured list is strong on its own', () => {
  const r = rec({ headers: { from: hv('<a@sender.test>'), 'list-id': hv('<dev.lists.example.org>') } });
  const [d] = mailingListGuard(ctxOf(r, { mailingLists: ['dev.lists.example.org'] }));
  assert.equal(d?.factors['dkim-fail'], 0.1);
});

test('one header sign alone is weak (a forger can add List-Id)', () => {
  const r = rec({ headers: { from: hv('<a@sender.test>'), precedence: hv('bulk') } });
  const [d] = mailingListGuard(ctxOf(r));
  assert.equal(d?.factors['header-from-envelope-mismatch'], 0.6);
  assert.equal(d?.factors['dmarc-fail'], undefined);
  assert.match(d?.reason ?? '', /weak/);
});

test('no list signs: nothing; bounce local parts', () => {
  assert.deepEqual(mailingListGuard(ctxOf(rec())), []);
  assert.equal(isListBounceLocal('owner-dev'), true);
  assert.equal(isListBounceLocal('dev-request'), true);
  assert.equal(isListBounceLocal('alice'), false);
});
