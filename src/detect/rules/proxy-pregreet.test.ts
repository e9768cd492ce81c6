import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, rec } from '../test-support.js';
import { proxyPregreet } from './proxy-pregreet.js';

test('pregreet and protocol violations seen by the proxy', () => {
  const r = rec({
    session: {
      clientIp: '203.0.113.10',
      proxy: {
        kind: 'postscreen',
        peerIp: '203.0.113.10',
        actions: ['connect', 'pregreet', 'protocol-violation'],
      },
    },
  });
  const [f] = proxyPregreet(ctxOf(r));
  assert.equal(f?.weight, 15);
  assert.equal(f?.fields.actions, 'pregreet, protocol-violation');
});

test('clean passes and no proxy: nothing', () => {
  assert.deepEqual(
    proxyPregreet(
      ctxOf(rec({ session: { proxy: { kind: 'postscreen', actions: ['connect', 'pass-new'] } } })),
    ),
    [],
  );
  assert.deepEqual(proxyPregreet(ctxOf(rec())), []);
});

test('postscreen protocol-error reject counts when the proxy line was not joined', () => {
  const r = rec({
    headers: {},
    actions: [
      {
        action: 'rejected',
        stage: 'rcpt',
        by: 'postscreen',
        code: 550,
        reason: 'Protocol error',
        time: null,
      },
    ],
  });
  assert.equal(proxyPregreet(ctxOf(r))[0]?.fields.actions, 'protocol error (postscreen reject)');
  const other = rec({
    actions: [{ action: 'rejected', stage: 'rcpt', by: 'smtpd', reason: 'Protocol error', time: null }],
  });
  assert.deepEqual(proxyPregreet(ctxOf(other)), []);
});
