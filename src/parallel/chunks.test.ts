import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputChunks, writeOutput } from './chunks.js';

const text = (b: Uint8Array | null): string => (b === null ? '' : Buffer.from(b).toString('utf8'));

test('chunks: text and bytes in the order written, as UTF-8; nothing to take when nothing was written', () => {
  const c = new OutputChunks(64);
  assert.equal(c.take(), null);
  c.write('{"a":"é"}\n');
  c.writeBytes(Buffer.from('{"b":"\u2028😀"}\n'));
  assert.equal(c.size, Buffer.byteLength('{"a":"é"}\n{"b":"\u2028😀"}\n'));
  assert.equal(text(c.take()), '{"a":"é"}\n{"b":"\u2028😀"}\n');
  assert.equal(c.size, 0);
  assert.equal(c.take(), null);
});

test('chunks: a batch larger than a chunk grows it; each take is a view of a buffer of its own', () => {
  const c = new OutputChunks(16);
  const long = 'x'.repeat(40) + '\n';
  c.write('ab\n');
  c.write(long);
  c.writeBytes(Buffer.from(long));
  const first = c.take()!;
  assert.equal(text(first), 'ab\n' + long + long);
  assert.equal(first.byteOffset, 0);
  c.write('é'.repeat(20));
  const second = c.take()!;
  assert.notEqual(second.buffer, first.buffer);
  assert.equal(text(second), 'é'.repeat(20));
  assert.equal(text(first), 'ab\n' + long + long, 'a taken chunk is not written again');
});

test('chunks: a chunk given back is reused; a grown one or one of another size is not', () => {
  const c = new OutputChunks(32);
  c.write('one\n');
  const a = c.take()!;
  c.write('two\n');
  c.give(a.buffer as ArrayBuffer);
  c.give(new ArrayBuffer(100));
  const b = c.take()!;
  assert.equal(text(b), 'two\n');
  c.write('three\n');
  const d = c.take()!;
  assert.equal(d.buffer, a.buffer, 'the chunk given back holds the next output');
  assert.equal(text(d), 'three\n');
});

test('writeOutput: bytes to a sink that takes them, else text', () => {
  const bytes: string[] = [];
  writeOutput(
    { write: () => assert.fail('text'), writeBytes: (b) => bytes.push(text(b)) },
    Buffer.from('é\n'),
  );
  assert.deepEqual(bytes, ['é\n']);
  const texts: string[] = [];
  writeOutput({ write: (t) => texts.push(t) }, new Uint8Array(Buffer.from('xé\n')).subarray(1));
  assert.deepEqual(texts, ['é\n']);
});
