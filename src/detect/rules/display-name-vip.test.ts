import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { displayNameVip } from './display-name-vip.js';

const cfg = { protectedDomains: ['example.com'], vips: ['Jane Doe'] };

test('a protected person name from an outside address', () => {
  const [f] = displayNameVip(
    ctxOf(rec({ headers: { from: hv('Jane Doe <jane.doe.ceo@sender.test>') } }), cfg),
  );
  assert.equal(f?.weight, 25);
  assert.equal(f?.fields.vip, 'Jane Doe');
  assert.ok(f?.attack.includes('T1684.001'));
});

test('matches reversed, decorated, encoded and confusable forms; free-mail weighs more', () => {
  const m = (from: string) => displayNameVip(ctxOf(rec({ headers: { from: hv(from) } }), cfg))[0];
  assert.ok(m('"Doe, Jane" <x@sender.test>'));
  assert.ok(m('"Jane Doe (CEO)" <x@sender.test>'));
  assert.ok(m('=?utf-8?B?SmFuZSBEb2U=?= <x@sender.test>'));
  assert.ok(m('J\u0430ne Doe <x@sender.test>')); // Cyrillic а
  assert.equal(m('Jane Doe <jane.doe1987@gmail.com>')?.weight, 30);
});

test('spared: the real person authenticated, other names, no VIPs configured', () => {
  const own = rec({
    headers: { from: hv('Jane Doe <jane@example.com>') },
    session: { clientIp: '203.0.113.10', saslUsername: 'jane' },
  });
  assert.deepEqual(displayNameVip(ctxOf(own, cfg)), []);
  assert.deepEqual(
    displayNameVip(ctxOf(rec({ headers: { from: hv('Janet Doerr <x@sender.test>') } }), cfg)),
    [],
  );
  assert.deepEqual(displayNameVip(ctxOf(rec({ headers: { from: hv('Jane Doe <x@sender.test>') } }))), []);
});

test('our own domain unauthenticated from outside still counts', () => {
  const r = rec({ headers: { from: hv('Jane Doe <jane@example.com>') } });
  assert.equal(displayNameVip(ctxOf(r, cfg)).length, 1);
});
