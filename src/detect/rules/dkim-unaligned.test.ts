import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, dkimPass, dmarc, rec } from '../test-support.js';
import { dkimUnaligned } from './dkim-unaligned.js';

test('DKIM pass only for another organisation is a weak finding', () => {
  const out = dkimUnaligned(ctxOf(rec({ auth: { dkim: [dkimPass('esp.example.net')] } })));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.weight, 3);
  assert.equal(out[0]?.fields.dkim_domains, 'esp.example.net');
});

test('an aligned pass, a DMARC pass or no pass at all give nothing', () => {
  assert.deepEqual(
    dkimUnaligned(
      ctxOf(rec({ auth: { dkim: [dkimPass('esp.example.net'), dkimPass('mail.sender.test')] } })),
    ),
    [],
  );
  assert.deepEqual(
    dkimUnaligned(ctxOf(rec({ auth: { dkim: [dkimPass('esp.example.net')], dmarc: dmarc('pass') } }))),
    [],
  );
  assert.deepEqual(dkimUnaligned(ctxOf(rec())), []);
});

test('logged domains are compared case-insensitively', () => {
  assert.deepEqual(
    dkimUnaligned(ctxOf(rec({ auth: { dkim: [dkimPass('Sender.TEST.'), dkimPass('esp.example.net')] } }))),
    [],
  );
});
