import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostRouter, hostHash } from './route.js';

test('hosts are dealt out round-robin in order of first appearance, and stay put', () => {
  const r = new HostRouter(2);
  assert.deepEqual(
    ['mx1', 'mx2', 'mx3', 'mx1', 'mx4', 'mx2', 'mx3', 'mx3'].map((h) => r.route(h)),
    [0, 1, 0, 0, 1, 1, 0, 0],
  );
  assert.equal(r.hosts, 4);
});

test('past the remembered-host limit a hash places each new host, always on the same worker', () => {
  const r = new HostRouter(3, 2);
  r.route('mx1.example.com');
  r.route('mx2.example.com');
  const a = r.route('relay.example.net');
  r.route('mx1.example.com');
  assert.equal(r.route('relay.example.net'), a);
  assert.equal(a, hostHash('relay.example.net') % 3);
  assert.equal(r.hosts, 2);
});

test('one worker takes every host', () => {
  const r = new HostRouter(1);
  assert.deepEqual(
    ['a', 'b', '', 'c'].map((h) => r.route(h)),
    [0, 0, 0, 0],
  );
});
