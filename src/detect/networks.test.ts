import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList, isIP } from 'node:net';
import { NetSet, normalizeIp, parseNetwork, plainIpv4 } from './networks.js';

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

test('plainIpv4 takes exactly the dotted quads isIP takes as IPv4, nothing around them', () => {
  const samples = [
    '192.0.2.1',
    '0.0.0.0',
    '255.255.255.255',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    '1..3.4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '[1.2.3.4]',
    '::ffff:1.2.3.4',
    '1.2.3.04',
    '1.2.3.a',
    '',
    '1.2.3.',
    '.1.2.3',
  ];
  for (const s of samples) {
    assert.equal(plainIpv4(s) >= 0, isIP(s) === 4, s);
  }
  assert.equal(plainIpv4('192.0.2.1'), 0xc0000201);
  assert.equal(plainIpv4('255.255.255.255'), 0xffffffff);
});

test('NetSet answers as BlockList does, plain IPv4 clients included', () => {
  // Deterministic pseudo-random addresses and networks (every prefix length), plus IPv6
  // networks that overlap the IPv4-mapped range (which hand IPv4 back to BlockList).
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const quad = (): string => [next() % 256, next() % 256, next() % 256, next() % 256].join('.');
  const sets: string[][] = [];
  for (let prefix = 0; prefix <= 32; prefix++) sets.push([`${quad()}/${prefix}`, '::1/128', 'fc00::/7']);
  sets.push(['10.0.0.0/8', '::ffff:0:0/96']);
  sets.push(['192.0.2.0/24', '::ffff:10.0.0.0/104']);
  sets.push(['::/0']);
  sets.push(['2001:db8::/32']);
  for (const entries of sets) {
    const set = new NetSet(entries);
    const list = new BlockList();
    for (const e of entries) {
      const n = parseNetwork(e)!;
      list.addSubnet(n.address, n.prefix, n.family);
    }
    const probes: string[] = ['10.1.2.3', '192.0.2.9', '127.0.0.1', '0.0.0.0', '255.255.255.255'];
    for (let i = 0; i < 300; i++) probes.push(quad());
    for (const e of entries) {
      const base = e.slice(0, e.indexOf('/'));
      if (isIP(base) === 4) probes.push(base);
    }
    for (const ip of probes)
      assert.equal(set.hasIp(ip), list.check(ip, 'ipv4'), `${ip} in ${entries.join(' ')}`);
  }
});
