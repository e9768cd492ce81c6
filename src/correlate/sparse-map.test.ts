import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparseMap } from './sparse-map.js';

test('SparseMap: get, set and delete behave as a Map', () => {
  const m = new SparseMap<string, number>();
  assert.equal(m.get('a'), undefined);
  m.set('a', 1);
  m.set('b', 2);
  assert.equal(m.size, 2);
  assert.equal(m.get('a'), 1);
  m.delete('a');
  assert.equal(m.get('a'), undefined);
  assert.equal(m.size, 1);
  m.delete('a'); // twice: no effect
  assert.equal(m.size, 1);
  m.set('a', 3); // a removed key comes back
  assert.equal(m.get('a'), 3);
  assert.equal(m.size, 2);
  m.set('a', 4); // overwrite: still one entry
  assert.equal(m.size, 2);
  assert.equal(m.get('a'), 4);
});

test('SparseMap: removed keys are swept, so ever new keys do not grow it without bound', () => {
  const m = new SparseMap<number, string>();
  m.set(-1, 'kept');
  for (let i = 0; i < 100_000; i++) {
    m.set(i, 'x');
    m.delete(i);
  }
  assert.equal(m.size, 1);
  assert.ok(m.footprint <= 1026, `footprint ${m.footprint}`);
  assert.equal(m.get(-1), 'kept');
  assert.equal(m.get(99_999), undefined);
});

test('SparseMap: many live entries keep their removed keys up to their own number', () => {
  const m = new SparseMap<number, number>();
  for (let i = 0; i < 5000; i++) m.set(i, i);
  for (let i = 0; i < 4000; i++) m.delete(i);
  assert.equal(m.size, 1000);
  assert.ok(m.footprint <= 1000 + 1025, `footprint ${m.footprint}`);
  for (let i = 4000; i < 5000; i++) assert.equal(m.get(i), i);
});
