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
