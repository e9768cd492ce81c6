import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, rec } from '../test-support.js';
import { heloAnomaly } from './helo-anomaly.js';

const withHelo = (helo: string, clientHost = 'mail.sender.test') =>
  heloAnomaly(ctxOf(rec({ session: { clientIp: '203.0.113.10', clientHost, helo } })))[0];

test('HELO claiming a protected domain from outside is strong', () => {
  const f = withHelo('mx.example.com');
  assert.equal(f?.fields.kind, 'protected-domain');
  assert.equal(f?.weight, 20);
});

test('bare IP, wrong literal, invalid and non-FQDN names, rDNS of another organisation', () => {
  assert.equal(withHelo('203.0.113.10')?.fields.kind, 'bare-ip');
  assert.equal(withHelo('[198.51.100.1]')?.fields.kind, 'literal-mismatch');
  assert.equal(withHelo('bad name!')?.fields.kind, 'invalid');
  assert.equal(withHelo('desktop')?.fields.kind, 'non-fqdn');
  const r = withHelo('mail.other.test');
  assert.equal(r?.fields.kind, 'rdns-mismatch');
  assert.equal(r?.weight, 1);
});

test('matching literal barely counts; matching rDNS, inside clients: nothing', () => {
  assert.equal(withHelo('[203.0.113.10]')?.weight, 2);
  assert.equal(withHelo('mx2.sender.test'), undefined);
  assert.equal(withHelo('mail.other.test', 'unknown'), undefined);
  assert.deepEqual(heloAnomaly(ctxOf(rec({ session: { clientIp: '127.0.0.1', helo: 'localhost' } }))), []);
});

test('a protected HELO from a client whose reverse DNS is ours too weighs little', () => {
  const f = withHelo('app1.example.com', 'app1.example.com');
  assert.equal(f?.fields.kind, 'protected-domain-own-host');
  assert.equal(f?.weight, 5);
});
