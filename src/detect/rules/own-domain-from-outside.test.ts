import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, dkimPass, dmarc, hv, rec, spfPass } from '../test-support.js';
import { ownDomainFromOutside } from './own-domain-from-outside.js';

const ceo = { headers: { from: hv('CEO <ceo@example.com>') }, envelope: { from: 'ceo@example.com' } };

test('protected From from an outside client without authentication is strong', () => {
  const [f] = ownDomainFromOutside(ctxOf(rec(ceo)));
  assert.equal(f?.weight, 50);
  assert.equal(f?.severity, 'critical');
  assert.equal(f?.fields.identity, 'header.from');
  assert.match(f?.summary ?? '', /protected domain example\.com.*203\.0\.113\.10/);
});

test('protected envelope sender alone, without SPF pass', () => {
  const r = rec({ envelope: { from: 'billing@example.com' } });
  const [f] = ownDomainFromOutside(ctxOf(r));
  assert.equal(f?.fields.identity, 'envelope.from');
  assert.equal(f?.weight, 40);
  assert.deepEqual(
    ownDomainFromOutside(
      ctxOf(rec({ envelope: { from: 'billing@example.com' }, auth: { spf: [spfPass('example.com')] } })),
    ),
    [],
  );
});

test('spared: DMARC pass, aligned DKIM pass, SASL, trusted network, local, unknown client', () => {
  assert.deepEqual(
    ownDomainFromOutside(ctxOf(rec({ ...ceo, auth: { dmarc: dmarc('pass', 'example.com') } }))),
    [],
  );
  assert.deepEqual(
    ownDomainFromOutside(ctxOf(rec({ ...ceo, auth: { dkim: [dkimPass('example.com')] } }))),
    [],
  );
  assert.deepEqual(
    ownDomainFromOutside(ctxOf(rec({ ...ceo, session: { clientIp: '203.0.113.10', saslUsername: 'ceo' } }))),
    [],
  );
  assert.deepEqual(
    ownDomainFromOutside(
      ctxOf(rec({ ...ceo, session: { clientIp: '192.0.2.25' } }), {
        protectedDomains: ['example.com'],
        trustedNetworks: ['192.0.2.0/24'],
      }),
    ),
    [],
  );
  assert.deepEqual(ownDomainFromOutside(ctxOf(rec({ ...ceo, session: {}, local: true }))), []);
  assert.deepEqual(ownDomainFromOutside(ctxOf(rec({ ...ceo, session: {} }))), []);
});

test('other domains are not ours', () => {
  assert.deepEqual(ownDomainFromOutside(ctxOf(rec())), []);
});

test('a client named under the protected domain is probably ours: reported at 30%', () => {
  const r = rec({
    ...ceo,
    session: { clientIp: '198.51.100.44', clientHost: 'app3.example.com', helo: 'app3.example.com' },
  });
  const [f] = ownDomainFromOutside(ctxOf(r));
  assert.equal(f?.weight, 15);
  assert.equal(f?.fields.client_host_protected, true);
  assert.match(f?.summary ?? '', /add it to trustedNetworks/);
});
