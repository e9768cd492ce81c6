import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { displayNameAddress, displayNameBareDomains, displayNameDomains } from './display-name-address.js';

test('a display name showing an address of another organisation', () => {
  const r = rec({ headers: { from: hv('"service@paypal.example.net" <x@attacker.test>') } });
  const [f] = displayNameAddress(ctxOf(r));
  assert.equal(f?.weight, 15);
  assert.equal(f?.fields.display_domain, 'paypal.example.net');
  assert.ok(f?.attack.includes('T1656') && f.attack.includes('T1684.001'));
});

test('stronger when the displayed domain is protected', () => {
  const r = rec({ headers: { from: hv('"ceo@example.com" <ceo.example.com@attacker.test>') } });
  const [f] = displayNameAddress(ctxOf(r));
  assert.equal(f?.weight, 25);
  assert.equal(f?.fields.protected, true);
});

test('same organisation or no address in the name: nothing', () => {
  assert.deepEqual(
    displayNameAddress(ctxOf(rec({ headers: { from: hv('"alice@sender.test" <alice@mail.sender.test>') } }))),
    [],
  );
  assert.deepEqual(displayNameAddress(ctxOf(rec())), []);
});

test('token extraction is bounded and tolerant', () => {
  assert.deepEqual(displayNameDomains('mail me at a@example.com. or b@example.org!'), [
    'example.com',
    'example.org',
  ]);
  assert.deepEqual(displayNameDomains('@'.repeat(10_000)), []);
});

test('a protected domain named bare in the display name', () => {
  const [f] = displayNameAddress(
    ctxOf(rec({ headers: { from: hv('"Example.com IT Desk" <helpdesk@attacker.test>') } })),
  );
  assert.equal(f?.weight, 15);
  assert.equal(f?.fields.display_domain, 'example.com');
  assert.deepEqual(
    displayNameAddress(ctxOf(rec({ headers: { from: hv('"Booking.test" <x@attacker.test>') } }))),
    [],
  );
  assert.deepEqual(displayNameBareDomains('see www.example.com, or a.b@c.test; x.y.'), [
    'www.example.com',
    'x.y',
  ]);
});
