import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetSet, normalizeIp, parseNetwork } from './networks.js';

test('CIDR parsing for IPv4 and IPv6', () => {
  assert.deepEqual(parseNetwork('192.0.2.0/24'), { address: '192.0.2.0', prefix: 24, family: 'ipv4' });
  assert.deepEqual(parseNetwork('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' });
  assert.deepEqual(parseNetwork('198.51.100.7'), { address: '198.51.100.7', prefix: 32, family: 'ipv4' });
  assert.equal(parseNetwork('192.0.2.0/33'), undefined);
  assert.equal(parseNetwork('192.0.2.0/'), undefined);
  assert.equal(parseNetwork('mx.example.net'), undefined);
});

test('NetSet matches addresses in networks and host patterns', () => {
  const s = new NetSet(['192.0.2.0/24', '2001:db8::/32', 'fwd.example.net', '*.relay.example.org']);
  assert.equal(s.hasIp('192.0.2.77'), true);
  assert.equal(s.hasIp('::ffff:192.0.2.77'), true);
  assert.equal(s.hasIp('IPv6:2001:db8::25'), true);
  assert.equal(s.hasIp('198.51.100.1'), false);
  assert.equal(s.hasIp('garbage'), false);
  assert.equal(s.matches(undefined, 'FWD.example.net'), true);
  assert.equal(s.matches(undefined, 'a.relay.example.org'), true);
  assert.equal(s.matches(undefined, 'relay.example.org.attacker.test'), false);
  assert.equal(s.matches(undefined, 'unknown'), false);
});

test('normalizeIp strips brackets and the IPv6: tag', () => {
  assert.deepEqual(normalizeIp('[203.0.113.5]'), { ip: '203.0.113.5', family: 'ipv4' });
  assert.equal(normalizeIp('not-an-ip'), undefined);
});
