import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from './splitter.js';
import { decodeLine } from './decode.js';

interface Got {
  text: string;
  cut: number;
}

function split(chunks: (string | Buffer)[], max?: number): Got[] {
  const out: Got[] = [];
  const s = new LineSplitter(
    (buf, a, b, clean, cut) => out.push({ text: decodeLine(buf, a, b, clean), cut }),
    max,
  );
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  s.end();
  return out;
}

const texts = (g: Got[]): string[] => g.map((x) => x.text);

test('splits on \\n, drops a trailing \\r, keeps a last line without newline', () => {
  assert.deepEqual(texts(split(['a\nb\r\nc'])), ['a', 'b', 'c']);
  assert.deepEqual(texts(split(['a\n\nb\n'])), ['a', '', 'b']);
  assert.deepEqual(texts(split(['a\r'])), ['a']);
  assert.deepEqual(texts(split([''])), []);
});

test('lines spanning chunks, including a multibyte character split between chunks', () => {
  const b = Buffer.from('ab€cd\nef', 'utf8'); // € is 3 bytes at 2..4
  assert.deepEqual(texts(split([b.subarray(0, 3), b.subarray(3, 4), b.subarray(4)])), ['ab€cd', 'ef']);
  assert.deepEqual(texts(split(['x', 'y', 'z\r', '\nw'])), ['xyz', 'w']);
});

test('a line longer than the limit is cut and the rest skipped to the next newline', () => {
  const got = split(['0123456789ABCDEF\nok\n'], 10);
  assert.deepEqual(got, [
    { text: '0123456789', cut: 6 },
    { text: 'ok', cut: 0 },
  ]);
});

test('an over-long line spread over many chunks is cut without buffering it', () => {
  const chunks = ['abc', 'defgh', 'ijklmnop', 'qrstu', 'vw\nnext'];
  assert.deepEqual(split(chunks, 10), [
    { text: 'abcdefghij', cut: 13 },
    { text: 'next', cut: 0 },
  ]);
  // Exactly at the limit is not cut.
  assert.deepEqual(split(['01234', '56789', '\n'], 10), [{ text: '0123456789', cut: 0 }]);
  // Over-long last line without a newline.
  assert.deepEqual(split(['0123456789XYZ'], 10), [{ text: '0123456789', cut: 3 }]);
});

test('the cut does not split a UTF-8 character', () => {
  // "aaaaaaaa€" -> the € (3 bytes) would straddle the 10-byte cut.
  const got = split(['aaaaaaaa€b\n'], 10);
  assert.deepEqual(got, [{ text: 'aaaaaaaa', cut: 4 }]);
});
