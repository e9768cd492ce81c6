import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { normalizeDomain } from '../domains.js';
import { compareLookalike, editDistance } from './lookalike.js';
import { lookalikeDomain } from './lookalike-domain.js';

const P = ['example.com'];
const kind = (d: string, p: string[] = P) => compareLookalike(d, p)?.kind ?? null;

test('confusable characters and punycode', () => {
  assert.equal(kind('examp1e.com'), 'confusable');
  assert.equal(kind('exarnple.com'), 'confusable');
  assert.equal(kind('xn--xample-2of.com'), 'confusable'); // Cyrillic е
  const m = compareLookalike('xn--xample-2of.com', P);
  assert.equal(m?.punycode, true);
  assert.equal(m?.unicode, '\u0435xample.com');
});

test('TLD swap, subdomain use, edit distance, brand token', () => {
  assert.equal(kind('example.co'), 'tld-swap');
  assert.equal(kind('example.com.attacker.test'), 'protected-as-subdomain');
  assert.equal(kind('exmaple.com'), 'edit-distance-1');
  assert.equal(kind('exampel.net'), 'edit-distance-1');
  assert.equal(kind('examplecorp.com', ['examplecorporation.com']), null);
  assert.equal(kind('exampcorp.net', ['examplecorp.com']), 'edit-distance-2');
  assert.equal(kind('login.example.attacker.test'), 'brand-in-subdomain');
  assert.equal(kind('example-secure.test'), 'brand-in-domain');
});

test('mixed-script label without a protected target is weak', () => {
  const d = normalizeDomain('p\u0430ypal.test') ?? '';
  assert.ok(d.startsWith('xn--'));
  const m = compareLookalike(d, []);
  assert.equal(m?.kind, 'mixed-script');
  assert.equal(m?.factor, 0.25);
  assert.equal(compareLookalike('paypal.test', []), null);
});

test('the organisation itself and unrelated domains are not look-alikes', () => {
  assert.equal(kind('mail.example.com'), null);
  assert.equal(kind('example.com'), null);
  assert.equal(kind('unrelated.test'), null);
  assert.equal(kind('exa.com', ['exb.com']), null); // too short for edit distance
  assert.equal(kind('acne.test', ['acme.test']), null);
});

test('edit distance counts transpositions once and stops early', () => {
  assert.equal(editDistance('example', 'exmaple'), 1);
  assert.equal(editDistance('example', 'example'), 0);
  assert.equal(editDistance('example', 'elpmaxe', 2), 3);
  assert.equal(editDistance('a'.repeat(64), 'a'.repeat(63) + 'b'), 3);
});

test('rule reports header From and envelope look-alikes with their weights', () => {
  const r = rec({ headers: { from: hv('IT <it@examp1e.com>') }, envelope: { from: 'b@example.co' } });
  const out = lookalikeDomain(ctxOf(r));
  assert.deepEqual(
    out.map((f) => [f.fields.identity, f.fields.kind, f.weight]),
    [
      ['header.from', 'confusable', 40],
      ['envelope.from', 'tld-swap', 30],
    ],
  );
  assert.ok(out[0]?.attack.includes('T1656'));
  assert.deepEqual(lookalikeDomain(ctxOf(rec())), []);
});

test('single-label names are not look-alikes', () => {
  assert.equal(kind('exampl', P), null);
});

test('a Reply-To look-alike is reported too', () => {
  const r = rec({ headers: { from: hv('<a@sender.test>'), 'reply-to': hv('<ceo@exarnple.com>') } });
  const out = lookalikeDomain(ctxOf(r));
  assert.equal(out[0]?.fields.identity, 'header.reply-to');
  assert.match(out[0]?.summary ?? '', /^Reply-To domain exarnple\.com/);
});
