import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../verdict.js';
import { applyGuards } from './guard.js';

const f = (rule: string, w: number): Finding => ({
  rule,
  severity: 'high',
  weight: w,
  baseWeight: w,
  summary: 's',
  fields: {},
  attack: ['T1672', 'T1684.002'],
});

test('the strongest guard wins, and the finding stays with its reason', () => {
  const out = applyGuards(
    [f('dmarc-fail', 50), f('lookalike-domain', 40)],
    [
      { name: 'mailing-list', reason: 'List-Id', factors: { 'dmarc-fail': 0.6 } },
      { name: 'forwarding', reason: 'SRS', factors: { 'dmarc-fail': 0.3 } },
    ],
  );
  assert.equal(out.length, 2);
  assert.equal(out[0]?.weight, 15);
  assert.equal(out[0]?.baseWeight, 50);
  assert.deepEqual(out[0]?.guard, { name: 'forwarding', reason: 'SRS' });
  assert.equal(out[1]?.weight, 40);
  assert.equal(out[1]?.guard, undefined);
});

test('own-domain-from-outside is lowered only by a configured third-party sender', () => {
  const own = [f('own-domain-from-outside', 50)];
  const list = applyGuards(own, [
    { name: 'mailing-list', reason: 'x', factors: { 'own-domain-from-outside': 0.1 } },
  ]);
  assert.equal(list[0]?.weight, 50);
  const tp = applyGuards(own, [
    { name: 'third-party-sender', reason: 'esp', factors: { 'own-domain-from-outside': 0.1 } },
  ]);
  assert.equal(tp[0]?.weight, 5);
});

test('notes are attached without lowering', () => {
  const out = applyGuards(
    [f('dmarc-fail', 50)],
    [{ name: 'forwarding', reason: '', factors: {}, note: 'ARC by x.test' }],
  );
  assert.equal(out[0]?.weight, 50);
  assert.equal(out[0]?.fields.guard_notes, 'forwarding: ARC by x.test');
});
