import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, dmarc, hv, rec } from '../test-support.js';
import { headerFromEnvelopeMismatch } from './header-from-envelope-mismatch.js';

test('different organisations: the literal AN1203 check, weighed low', () => {
  const r = rec({
    headers: { from: hv('PayPal <service@example.net>') },
    envelope: { from: 'x@attacker.test' },
  });
  const [f] = headerFromEnvelopeMismatch(ctxOf(r));
  assert.equal(f?.weight, 4);
  assert.equal(f?.fields.header_from, 'example.net');
  assert.equal(f?.fields.envelope_org, 'attacker.test');
});

test('halved when DMARC passed', () => {
  const r = rec({
    headers: { from: hv('<news@example.org>') },
    envelope: { from: 'b@esp.example.net' },
    auth: { dmarc: dmarc('pass', 'example.org') },
  });
  assert.equal(headerFromEnvelopeMismatch(ctxOf(r))[0]?.weight, 2);
});

test('same organisation, null sender and unknown envelope give nothing', () => {
  assert.deepEqual(
    headerFromEnvelopeMismatch(ctxOf(rec({ envelope: { from: 'bounce@mail.sender.test' } }))),
    [],
  );
  assert.deepEqual(headerFromEnvelopeMismatch(ctxOf(rec({ envelope: { from: '' } }))), []);
  const noEnv = rec();
  delete noEnv.envelope.from;
  assert.deepEqual(headerFromEnvelopeMismatch(ctxOf(noEnv)), []);
});
