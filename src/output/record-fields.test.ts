import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstHeaderAddress, headerAddresses } from './record-fields.js';
import { sampleRecord, textBiasedTo } from './test-support.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

test('firstHeaderAddress is the first of headerAddresses, for any header values', () => {
  const value = textBiasedTo(['<', '>', '@', 'a', 'b.c', ' ', ',', ';', '"', "'", '(', ')', '\t'], 40, 16);
  fc.assert(
    fc.property(fc.array(value, { maxLength: 3 }), (values) => {
      const r = sampleRecord({ headers: { from: values.map((v) => ({ value: v, truncated: false })) } });
      assert.equal(firstHeaderAddress(r, 'from'), headerAddresses(r, 'from')[0]);
      assert.equal(firstHeaderAddress(r, 'From'), headerAddresses(r, 'From')[0]);
    }),
    { numRuns: RUNS },
  );
  for (const v of [
    '<x>, <a@b.c>',
    'a@b.c <bad@>',
    '<bad@> x@y.z',
    '"Eve" <eve@evil.test>',
    '<>',
    'x@y.z, <p@q.r>',
  ])
    assert.equal(
      firstHeaderAddress(sampleRecord({ headers: { from: [{ value: v, truncated: false }] } }), 'from'),
      headerAddresses(sampleRecord({ headers: { from: [{ value: v, truncated: false }] } }), 'from')[0],
      v,
    );
  assert.equal(firstHeaderAddress(sampleRecord({ headers: {} }), 'from'), undefined);
});
