import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparseKeys, SparseMap } from './sparse-map.js';

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

test('SparseMap: maps sharing an account are bounded together, not each on its own', () => {
  // A central log's hosts: many small maps, each going from one entry to none on new keys.
  const keys = new SparseKeys();
  const maps: SparseMap<number, number>[] = [];
  for (let h = 0; h < 500; h++) maps.push(new SparseMap<number, number>(keys));
  let next = 0;
  for (let round = 0; round < 100; round++) {
    for (const m of maps) {
      const k = next++;
      m.set(k, k);
      m.delete(k);
    }
  }
  maps[0]!.set(-1, 1);
  let footprint = 0;
  let live = 0;
  for (const m of maps) {
    footprint += m.footprint;
    live += m.size;
  }
  // Each on its own would keep up to 1024 removed keys: 50,000 here.
  assert.equal(live, 1);
  assert.ok(footprint <= live + 1025, `footprint ${footprint}`);
  assert.equal(keys.removed, footprint - live);
  assert.equal(keys.live, live);
});

test('SparseMap: a key that comes back in a shared account leaves the account exact', () => {
  const keys = new SparseKeys();
  const a = new SparseMap<string, number>(keys);
  const b = new SparseMap<string, number>(keys);
  for (let i = 0; i < 5000; i++) {
    // The same pid again and again (smtpd serves many connections), and a new one in b.
    a.set('pid', i);
    a.delete('pid');
    b.set(`k${i}`, i);
    if (i % 2 === 0) b.delete(`k${i}`);
  }
  assert.equal(keys.live, a.size + b.size);
  assert.equal(keys.removed, a.footprint - a.size + (b.footprint - b.size));
  assert.ok(keys.removed <= Math.max(1024, keys.live) + 1);
  assert.equal(b.get('k4999'), 4999);
  assert.equal(b.get('k4998'), undefined);
});
