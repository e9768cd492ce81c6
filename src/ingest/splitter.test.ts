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
    (buf, a, b, clean, cut, ascii) => out.push({ text: decodeLine(buf, a, b, clean, ascii), cut }),
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

test('property: the lines do not depend on how the input is chunked', async () => {
  const fc = await import('fast-check');
  const piece = fc.oneof(
    fc.constantFrom('\n', '\r\n', '\r', '€', '😀', 'é'),
    fc.string({ maxLength: 12 }),
    fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a).toString('latin1')),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 30 }),
      fc.array(fc.nat(40), { maxLength: 10 }),
      fc.integer({ min: 4, max: 24 }),
      (parts, cuts, max) => {
        const input = Buffer.from(parts.join(''), 'utf8');
        const whole = split([input], max);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const c of cuts) {
          const end = Math.min(input.length, at + c);
          chunks.push(input.subarray(at, end));
          at = end;
        }
        chunks.push(input.subarray(at));
        assert.deepEqual(split(chunks, max), whole);
        for (const g of whole) assert.ok(Buffer.byteLength(g.text.replaceAll(/\\x[0-9a-f]{2}/g, '.')) <= max);
        // Whole lines are the input split on \n (without a trailing \r).
        if (whole.every((g) => g.cut === 0)) {
          const expected = input.toString('latin1').split('\n');
          if (expected.at(-1) === '') expected.pop();
          assert.equal(whole.length, expected.length);
        }
      },
    ),
    { numRuns: 500 },
  );
});
