import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, rec } from '../test-support.js';
import { proxyClientMismatch } from './proxy-client-mismatch.js';

test('the proxy and the MTA saw different clients', () => {
  const r = rec({
    session: {
      clientIp: '192.0.2.10',
      proxy: { kind: 'haproxy', peerIp: '203.0.113.99', actions: ['session'], clientMismatch: true },
    },
  });
  const [f] = proxyClientMismatch(ctxOf(r));
  assert.equal(f?.weight, 10);
  assert.equal(f?.fields.proxy_client, '203.0.113.99');
});

test('matching clients: nothing', () => {
  assert.deepEqual(
    proxyClientMismatch(
      ctxOf(rec({ session: { proxy: { kind: 'haproxy', actions: [], clientMismatch: false } } })),
    ),
    [],
  );
  assert.deepEqual(proxyClientMismatch(ctxOf(rec())), []);
});
