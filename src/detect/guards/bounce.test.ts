import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { bounceGuard } from './bounce.js';

test('null sender and MAILER-DAEMON are bounces; DMARC is not lowered', () => {
  const [d] = bounceGuard(ctxOf(rec({ envelope: { from: '' } })));
  assert.equal(d?.factors['header-from-envelope-mismatch'], 0.2);
  assert.equal(d?.factors['dmarc-fail'], undefined);
  assert.equal(
    bounceGuard(
      ctxOf(rec({ headers: { from: hv('Mail Delivery System <MAILER-DAEMON@mx.sender.test>') } })),
    )[0]?.name,
    'bounce',
  );
});

test('ordinary senders are not bounces', () => {
  assert.deepEqual(bounceGuard(ctxOf(rec())), []);
});
