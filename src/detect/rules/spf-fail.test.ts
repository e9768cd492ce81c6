import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, rec } from '../test-support.js';
import { spfFail } from './spf-fail.js';

const fail = (scope: 'mfrom' | 'helo', domain: string) => ({
  result: 'fail' as const,
  scope,
  domain,
  source: 'policyd-spf',
});

test('mfrom fail is high, helo fail low', () => {
  const out = spfFail(
    ctxOf(rec({ auth: { spf: [fail('mfrom', 'sender.test'), fail('helo', 'mail.sender.test')] } })),
  );
  assert.equal(out.length, 2);
  assert.equal(out[0]?.weight, 25);
  assert.equal(out[0]?.fields.scope, 'mfrom');
  assert.equal(out[1]?.weight, 8);
  assert.match(out[0]?.summary ?? '', /not authorised to send for envelope sender domain sender\.test/);
});

test('an SPF fail the MTA rejected for is a blocked spoof and weighs double', () => {
  const r = rec({
    auth: { spf: [fail('mfrom', 'example.com')] },
    actions: [
      {
        action: 'rejected',
        stage: 'rcpt',
        code: 550,
        reason: 'Message rejected due to: SPF fail - not authorized',
        time: null,
      },
    ],
    disposition: 'rejected',
  });
  assert.equal(spfFail(ctxOf(r))[0]?.weight, 50);
});

test('the reject reason alone is enough when the result line is missing', () => {
  const r = rec({
    headers: {},
    actions: [
      {
        action: 'rejected',
        stage: 'rcpt',
        code: 550,
        reason: '5.7.23 Message rejected due to: SPF fail - not authorized',
        time: null,
      },
    ],
  });
  assert.equal(spfFail(ctxOf(r))[0]?.weight, 50);
  const soft = rec({ actions: [{ action: 'rejected', reason: 'SPF softfail', time: null }] });
  assert.deepEqual(spfFail(ctxOf(soft)), []);
});

test('pass, softfail and duplicates of a scope give nothing extra', () => {
  assert.deepEqual(
    spfFail(ctxOf(rec({ auth: { spf: [{ result: 'pass', scope: 'mfrom', source: 'x' }] } }))),
    [],
  );
  assert.equal(
    spfFail(ctxOf(rec({ auth: { spf: [fail('mfrom', 'a.test'), fail('mfrom', 'a.test')] } }))).length,
    1,
  );
});

test('a fail beside a DMARC pass via DKIM (a plain forward) weighs 30%', () => {
  const r = rec({
    auth: {
      spf: [fail('mfrom', 'sender.test')],
      dkim: [{ result: 'pass', domain: 'sender.test', source: 'opendkim' }],
      dmarc: { result: 'pass', domain: 'sender.test', source: 'opendmarc' },
    },
  });
  const [f] = spfFail(ctxOf(r));
  assert.equal(f?.weight, 7.5);
  assert.match(f?.summary ?? '', /typical of forwarding/);
});
