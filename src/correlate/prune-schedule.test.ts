import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PruneSchedule } from './prune-schedule.js';

test('PruneSchedule: nothing is due below the floor', () => {
  const p = new PruneSchedule(4);
  assert.equal(p.due(0), false);
  assert.equal(p.due(3), false);
  assert.equal(p.due(4), true);
});

test('PruneSchedule: after a prune, the next is due when the size kept has doubled', () => {
  const p = new PruneSchedule(4);
  p.pruned(10);
  assert.equal(p.due(19), false);
  assert.equal(p.due(20), true);
  // A prune that kept little brings the floor back, not a size below it.
  p.pruned(1);
  assert.equal(p.due(3), false);
  assert.equal(p.due(4), true);
});

test('PruneSchedule: a table growing one entry at a time is walked O(1) times per entry', () => {
  // Nothing can be pruned (every entry stays live): the walks still add up to a few per entry.
  const p = new PruneSchedule(8);
  let size = 0;
  let walked = 0;
  for (let i = 0; i < 100_000; i++) {
    if (p.due(size)) {
      walked += size;
      p.pruned(size);
    }
    size++;
  }
  assert.ok(walked <= 2 * size, `walked ${walked} for ${size}`);
  assert.ok(walked > 0);
});
