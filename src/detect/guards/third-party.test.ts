import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileConfig } from '../compiled.js';
import { buildContext } from '../context.js';
import { DetectorState } from '../state.js';
import { config, ctxOf, dkimPass, hv, rec } from '../test-support.js';
import { thirdPartyGuard } from './third-party.js';

const tp = {
  protectedDomains: ['example.com'],
  thirdPartySenders: {
    'example.com': {
      domains: ['esp.example.net'],
      dkimDomains: ['signer.example.net'],
      networks: ['198.51.100.0/24'],
    },
  },
};
const news = { headers: { from: hv('News <news@example.com>') } };

test('configured third party by envelope domain, DKIM d= or network', () => {
  const byEnv = thirdPartyGuard(
    ctxOf(rec({ ...news, envelope: { from: 'b-123@bounce.esp.example.net' } }), tp),
  )[0];
  assert.equal(byEnv?.name, 'third-party-sender');
  assert.equal(byEnv?.factors['own-domain-from-outside'], 0.1);
  const byDkim = thirdPartyGuard(
    ctxOf(rec({ ...news, auth: { dkim: [dkimPass('signer.example.net')] } }), tp),
  )[0];
  assert.match(byDkim?.reason ?? '', /DKIM pass d=signer\.example\.net/);
  const byNet = thirdPartyGuard(ctxOf(rec({ ...news, session: { clientIp: '198.51.100.20' } }), tp))[0];
  assert.match(byNet?.reason ?? '', /client 198\.51\.100\.20/);
});

test('an envelope-only claim of the protected domain is matched too', () => {
  const r = rec({
    headers: { from: hv('<x@other.test>') },
    envelope: { from: 'ops@example.com' },
    session: { clientIp: '198.51.100.9' },
  });
  assert.equal(thirdPartyGuard(ctxOf(r, tp))[0]?.name, 'third-party-sender');
});

test('an unlisted sender is not a third party', () => {
  assert.deepEqual(thirdPartyGuard(ctxOf(rec({ ...news, envelope: { from: 'x@attacker.test' } }), tp)), []);
});

test('learned pairs lower only weak rules', () => {
  const cfg = compileConfig(config({ protectedDomains: ['example.com'] }));
  const state = new DetectorState();
  state.learnPair('example.org', 'example.net');
  const r = rec({ headers: { from: hv('<n@example.org>') }, envelope: { from: 'b@esp.example.net' } });
  const [d] = thirdPartyGuard(buildContext(r, cfg, state, cfg.protectedOrgs, false));
  assert.equal(d?.name, 'learned-sender');
  assert.equal(d?.factors['header-from-envelope-mismatch'], 0.3);
  assert.equal(d?.factors['dmarc-fail'], undefined);
  assert.equal(d?.factors['own-domain-from-outside'], undefined);
});
