import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aligned, normalizeDomain, orgDomain, splitDomain, toUnicodeDomain } from './domains.js';

test('organisational domain follows the Public Suffix List, private domains included', () => {
  assert.deepEqual(orgDomain('mail.example.com'), { org: 'example.com', method: 'psl' });
  assert.equal(orgDomain('a.b.example.co.uk').org, 'example.co.uk');
  assert.equal(orgDomain('alice.github.io').org, 'alice.github.io');
});

test('falls back to the last two labels when the PSL has nothing, and says so', () => {
  assert.deepEqual(orgDomain('localhost'), { org: 'localhost', method: 'fallback-last-two-labels' });
});

test('relaxed alignment is the same org domain; strict needs the same name', () => {
  assert.equal(aligned('news.example.com', 'example.com'), true);
  assert.equal(aligned('news.example.com', 'example.com', 'strict'), false);
  assert.equal(aligned('example.com', 'example.net'), false);
  assert.equal(aligned('example.co.uk', 'other.co.uk'), false);
});

test('normalisation lower-cases, converts IDN to A-labels and refuses what is not a host name', () => {
  assert.equal(normalizeDomain('Mail.Example.COM.'), 'mail.example.com');
  assert.equal(normalizeDomain('exämple.com'), 'xn--exmple-cua.com');
  assert.equal(normalizeDomain('bad domain.com'), undefined);
  assert.equal(normalizeDomain('ex..com'), undefined);
  assert.equal(normalizeDomain('192.0.2.1'), undefined);
  assert.equal(normalizeDomain(''), undefined);
  assert.equal(normalizeDomain('a'.repeat(300) + '.com'), undefined);
  assert.equal(toUnicodeDomain('xn--exmple-cua.com'), 'exämple.com');
});

test('splitDomain gives label, suffix and subdomain', () => {
  assert.deepEqual(splitDomain('login.example.co.uk'), { label: 'example', suffix: 'co.uk', sub: 'login' });
  assert.deepEqual(splitDomain('example.com.attacker.test'), {
    label: 'attacker',
    suffix: 'test',
    sub: 'example.com',
  });
});

test('normalizeDomain answers plain lower-case names as its full path does', () => {
  // A leading space always takes the full path (trim, lower-case, per-character checks).
  const alphabet = ['a', 'z', 'Q', '0', '9', '.', '.', '-', '_', ':', ' ', 'é', '1', '2'];
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const samples = ['192.0.2.1', '192.0.2.1.', 'a..', 'a.', '.', '..', 'example.com.', '-.-', 'x'.repeat(254)];
  for (let i = 0; i < 5000; i++) {
    let s = '';
    const len = next() % 16;
    for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
    samples.push(s);
  }
  for (const s of samples) assert.equal(normalizeDomain(s), normalizeDomain(` ${s}`), JSON.stringify(s));
});
