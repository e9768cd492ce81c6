import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryReason, isGzip } from './magic.js';

test('gzip is recognised by its magic bytes', () => {
  assert.equal(isGzip(Buffer.from([0x1f, 0x8b, 0x08, 0x00])), true);
  assert.equal(isGzip(Buffer.from('Nov  7 13:52:47 mx1')), false);
  assert.equal(isGzip(Buffer.from([0x1f])), false);
});

test('known binary formats are named', () => {
  assert.match(binaryReason(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))!, /ELF/);
  assert.match(binaryReason(Buffer.from('PK\x03\x04rest', 'latin1'))!, /zip/);
  assert.match(binaryReason(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'))!, /PNG/);
  assert.match(binaryReason(Buffer.from('%PDF-1.7\n'))!, /PDF/);
  assert.match(binaryReason(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0]))!, /xz.*xzcat/);
  assert.match(binaryReason(Buffer.from('\ufeffNov  7 13:52:47 mx1 a[1]: x', 'utf16le'))!, /UTF-16.*iconv/);
});

test('mostly NUL/control bytes is binary; a log with a few stray bytes is not', () => {
  assert.match(binaryReason(Buffer.alloc(4096))!, /NUL/);
  const log = Buffer.from(
    'Nov  7 13:52:47 mx1 postfix/smtpd[1]: connect from a.example.net[192.0.2.1]\n'.repeat(50),
  );
  log[100] = 0;
  log[200] = 0x01;
  log[300] = 0xff;
  assert.equal(binaryReason(log), null);
  assert.equal(binaryReason(Buffer.from('\t\x1b[31mcoloured\x1b[0m\r\n')), null);
  assert.equal(binaryReason(Buffer.alloc(0)), null);
});

test('random bytes are binary; logs in UTF-8 or a legacy 8-bit charset are text', () => {
  // A fixed pseudo-random sequence (xorshift), so the test cannot pass or fail by chance.
  let x = 0x9e3779b9;
  const random = Buffer.alloc(4096);
  for (let i = 0; i < random.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    random[i] = x & 0xff;
  }
  assert.match(binaryReason(random)!, /neither text nor UTF-8/);
  const prefix = 'Nov  7 13:52:47 mx1 postfix/cleanup[812]: 4F9D195432: warning: header Subject: ';
  const suffix = ' from a.example.net[192.0.2.1]; from=<a@example.net> to=<b@example.org> proto=ESMTP\n';
  const utf8 = Buffer.from((prefix + 'Счёт на оплату № 118 — срочно'.repeat(3) + suffix).repeat(20));
  assert.equal(binaryReason(utf8), null);
  // The same subject in KOI8-R: every Cyrillic letter is one byte that is not UTF-8.
  const koi8 = Buffer.from(utf8.toString().replace(/\P{ASCII}/gu, '\xd3'), 'latin1');
  assert.equal(binaryReason(koi8), null);
  // A sequence cut by the end of the sniffed bytes is not held against the input.
  assert.equal(binaryReason(Buffer.from('Nov  7 13:52:47 mx1 x[1]: é'.repeat(10)).subarray(0, 269)), null);
});
