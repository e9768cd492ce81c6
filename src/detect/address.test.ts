import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageIdDomain, parseAddress, parseAddressHeader } from './address.js';

test('quoted display name and angle address', () => {
  const h = parseAddressHeader('"Alice Example" <Alice@Example.COM>');
  assert.equal(h.count, 1);
  assert.deepEqual(h.mailboxes[0], {
    display: 'Alice Example',
    address: 'Alice@example.com',
    local: 'Alice',
    domain: 'example.com',
  });
});

test('old-style comment as display name', () => {
  const b = parseAddressHeader('alice@example.com (Alice Example)').mailboxes[0];
  assert.equal(b?.display, 'Alice Example');
  assert.equal(b?.domain, 'example.com');
});

test('RFC 2047 encoded words are decoded', () => {
  const b = parseAddressHeader('=?utf-8?B?SsOpcsO0bWUgRHVwb250?= <jerome@example.org>').mailboxes[0];
  assert.equal(b?.display, 'Jérôme Dupont');
  const q = parseAddressHeader('=?ISO-8859-1?Q?Caf=E9?= <x@example.org>').mailboxes[0];
  assert.equal(q?.display, 'Café');
});

test('a display name carrying an address does not fool the parser', () => {
  const b = parseAddressHeader('"ceo@example.com" <x@attacker.test>').mailboxes[0];
  assert.equal(b?.domain, 'attacker.test');
  assert.equal(b?.display, 'ceo@example.com');
});

test('several mailboxes, groups and commas inside quotes', () => {
  const h = parseAddressHeader('"Doe, Jane" <jane@example.com>, bob@example.net');
  assert.equal(h.count, 2);
  assert.equal(h.mailboxes[0]?.display, 'Doe, Jane');
  assert.equal(h.mailboxes[1]?.domain, 'example.net');
  const g = parseAddressHeader('Team: a@example.com, b@example.org;');
  assert.deepEqual(
    g.mailboxes.map((m) => m.domain),
    ['example.com', 'example.org'],
  );
});

test('IDN domains become A-labels', () => {
  assert.equal(parseAddressHeader('<info@exämple.com>').mailboxes[0]?.domain, 'xn--exmple-cua.com');
});

test('no address, empty, and hostile input never throw', () => {
  assert.equal(parseAddressHeader('Undisclosed').mailboxes[0]?.address, undefined);
  assert.equal(parseAddressHeader('').count, 0);
  const huge = '"'.repeat(5000) + '<'.repeat(5000) + '@'.repeat(5000);
  assert.doesNotThrow(() => parseAddressHeader(huge));
  assert.doesNotThrow(() => parseAddressHeader('=?x-unknown?B?////?= <a@b.test>'));
});

test('envelope addresses, literals and message ids', () => {
  assert.deepEqual(parseAddress('<bounce@mail.example.net>'), {
    address: 'bounce@mail.example.net',
    local: 'bounce',
    domain: 'mail.example.net',
  });
  assert.equal(parseAddress('user@[192.0.2.1]')?.domain, undefined);
  assert.equal(parseAddress('nobody'), undefined);
  assert.equal(messageIdDomain('<20260105.abc@mailer.example.net>'), 'mailer.example.net');
  assert.equal(messageIdDomain('no-at-sign'), undefined);
});
