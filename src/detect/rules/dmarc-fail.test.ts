import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, dmarc, hv, rec } from '../test-support.js';
import { dmarcFail } from './dmarc-fail.js';

test('DMARC fail under p=reject weighs in full and says the reject was enforced', () => {
  const r = rec({
    auth: { dmarc: dmarc('fail', 'example.net', 'reject', 'reject') },
    disposition: 'rejected',
  });
  const ctx = ctxOf(r);
  const [f] = dmarcFail(ctx);
  assert.equal(f?.weight, 50);
  assert.equal(f?.severity, 'critical');
  assert.match(f?.summary ?? '', /p=reject.*the MTA enforced it/);
  assert.equal(f?.fields.policy, 'reject');
  assert.deepEqual(f?.attack, ['T1672', 'T1684.002']);
});

test('p=none weighs low, unknown policy in between', () => {
  assert.equal(
    dmarcFail(ctxOf(rec({ auth: { dmarc: dmarc('fail', 'example.net', 'none') } })))[0]?.weight,
    20,
  );
  assert.equal(dmarcFail(ctxOf(rec({ auth: { dmarc: dmarc('fail', 'example.net') } })))[0]?.weight, 30);
});

test('a reject reason naming DMARC counts when no result line was logged', () => {
  const r = rec({
    headers: {},
    actions: [
      {
        action: 'rejected',
        stage: 'end-of-data',
        code: 550,
        reason: '5.7.1 rejected by DMARC policy for example.net',
        time: null,
      },
    ],
    disposition: 'rejected',
  });
  const [f] = dmarcFail(ctxOf(r));
  assert.equal(f?.weight, 50);
  assert.match(f?.summary ?? '', /blocked the message for DMARC/);
});

test('pass and none produce nothing', () => {
  assert.deepEqual(dmarcFail(ctxOf(rec({ auth: { dmarc: dmarc('pass') } }))), []);
  assert.deepEqual(dmarcFail(ctxOf(rec({ auth: { dmarc: dmarc('none') } }))), []);
  assert.deepEqual(dmarcFail(ctxOf(rec())), []);
});

test('without a DMARC line dmarc-fail stays silent (dmarc-fail-derived evaluates the alignment)', () => {
  const r = rec({
    envelope: { from: 'bulk@replay.test' },
    auth: {
      spf: [{ result: 'pass', scope: 'mfrom', domain: 'replay.test', source: 'exim' }],
      dkim: [{ result: 'fail', domain: 'sender.test', failure: 'header', source: 'exim' }],
    },
  });
  assert.deepEqual(dmarcFail(ctxOf(r)), []);
});

test('from_domain_signed says whether the From organisation signed, whatever the envelope', () => {
  const sameEnvUnsigned = rec({
    headers: { from: hv('CEO <ceo@example.com>') },
    envelope: { from: 'ceo@example.com' },
    auth: { dkim: [{ result: 'none', source: 'opendkim' }], dmarc: dmarc('fail', 'example.com', 'reject') },
  });
  assert.equal(dmarcFail(ctxOf(sameEnvUnsigned))[0]?.fields.from_domain_signed, false);
  const signed = rec({
    auth: {
      dkim: [{ result: 'fail', domain: 'sender.test', failure: 'body', source: 'opendkim' }],
      dmarc: dmarc('fail', 'sender.test', 'reject'),
    },
  });
  assert.equal(dmarcFail(ctxOf(signed))[0]?.fields.from_domain_signed, true);
});
