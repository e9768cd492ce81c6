import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, rec } from '../test-support.js';
import { internalGuard } from './internal.js';

test('SASL, trusted network and local pickup are internal', () => {
  assert.match(
    internalGuard(ctxOf(rec({ session: { clientIp: '203.0.113.7', saslUsername: 'alice' } })))[0]?.reason ??
      '',
    /SASL user alice/,
  );
  const net = internalGuard(
    ctxOf(rec({ session: { clientIp: '192.0.2.9' } }), { trustedNetworks: ['192.0.2.0/24'] }),
  )[0];
  assert.equal(net?.factors['dmarc-fail'], 0.2);
  assert.match(internalGuard(ctxOf(rec({ session: {}, local: true })))[0]?.reason ?? '', /pickup/);
  assert.equal(internalGuard(ctxOf(rec({ session: { clientIp: '127.0.0.1' } })))[0]?.name, 'internal');
});

test('an outside client is not internal', () => {
  assert.deepEqual(internalGuard(ctxOf(rec())), []);
});
