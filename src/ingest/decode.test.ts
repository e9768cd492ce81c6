import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLine, decodeLossless, isCleanUtf8 } from './decode.js';

function dec(bytes: number[] | Buffer): string {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return decodeLine(b, 0, b.length);
}

test('valid UTF-8 decodes as usual', () => {
  const b = Buffer.from('from=<jürgen@example.org> 日本 😀', 'utf8');
  assert.equal(dec(b), 'from=<jürgen@example.org> 日本 😀');
  assert.equal(isCleanUtf8(b, 0, b.length), true);
});

test('invalid bytes are shown as \\xNN, the valid text around them kept', () => {
  // Latin-1 "ü" in an otherwise ASCII line.
  assert.equal(dec([0x61, 0xfc, 0x62]), 'a\\xfcb');
  // Lone continuation byte, truncated sequence at the end, 0xff.
  assert.equal(dec([0x80, 0x41, 0xff, 0xe6, 0x97]), '\\x80A\\xff\\xe6\\x97');
  // A truncated sequence followed by valid text resynchronises.
  assert.equal(dec([0xe6, 0x97, 0x41, 0xc3, 0xa9]), '\\xe6\\x97Aé');
});

test('overlong forms, surrogates and code points above U+10FFFF are not decoded', () => {
  assert.equal(dec([0xc0, 0xaf]), '\\xc0\\xaf');
  assert.equal(dec([0xe0, 0x80, 0xaf]), '\\xe0\\x80\\xaf');
  assert.equal(dec([0xed, 0xa0, 0x80]), '\\xed\\xa0\\x80');
  assert.equal(dec([0xf4, 0x90, 0x80, 0x80]), '\\xf4\\x90\\x80\\x80');
  assert.equal(dec([0xf0, 0x9f, 0x98, 0x80]), '😀');
});

test('NUL bytes are shown as \\x00 even in otherwise valid UTF-8', () => {
  const b = Buffer.from([0x61, 0x00, 0x62]);
  assert.equal(isCleanUtf8(b, 0, 3), false);
  assert.equal(dec(b), 'a\\x00b');
});

test('sub-ranges of a buffer', () => {
  const b = Buffer.from('xx\xffyy', 'latin1');
  assert.equal(decodeLine(b, 1, 4), 'x\\xffy');
  assert.equal(decodeLossless(b, 0, 2), 'xx');
  assert.equal(decodeLine(b, 2, 2), '');
});

test('a range known to be ASCII decodes the same as UTF-8', () => {
  const b = Buffer.from('xx Nov  7 13:52:47 mx1 a[1]: ~\x7f yy', 'latin1');
  assert.equal(decodeLine(b, 3, b.length - 3, true, true), b.toString('utf8', 3, b.length - 3));
});
