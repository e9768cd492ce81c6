import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileConfig } from '../compiled.js';
import { buildContext } from '../context.js';
import { DetectorState } from '../state.js';
import { config, dmarc, hv, rec } from '../test-support.js';
import { campaignBurst } from './campaign-burst.js';

const cfg = compileConfig(
  config({ protectedDomains: ['example.com'], campaign: { windowSeconds: 60, distinctFromDomains: 3 } }),
);

function run(state: DetectorState, from: string, t: number, ip = '203.0.113.50', auth = {}) {
  const r = rec({ headers: { from: hv(`<x@${from}>`) }, firstSeen: t, session: { clientIp: ip }, auth });
  return campaignBurst(buildContext(r, cfg, state, cfg.protectedOrgs, false));
}

test('many From domains from one client inside the window', () => {
  const s = new DetectorState();
  const t0 = Date.UTC(2026, 0, 5, 10);
  assert.deepEqual(run(s, 'a.test', t0), []);
  assert.deepEqual(run(s, 'b.test', t0 + 1000), []);
  const [f] = run(s, 'c.test', t0 + 2000);
  assert.equal(f?.fields.distinct_from_domains, 3);
  assert.equal(f?.weight, 15);
});

test('spread outside the window, other clients, authenticated From: nothing', () => {
  const s = new DetectorState();
  const t0 = Date.UTC(2026, 0, 5, 10);
  run(s, 'a.test', t0);
  run(s, 'b.test', t0 + 61_000);
  assert.deepEqual(run(s, 'c.test', t0 + 122_000), []);
  assert.deepEqual(run(s, 'd.test', t0 + 122_500, '203.0.113.51'), []);
  const s2 = new DetectorState();
  for (const [i, d] of ['a.test', 'b.test', 'c.test'].entries()) {
    assert.deepEqual(run(s2, d, t0 + i, '203.0.113.52', { dmarc: dmarc('pass', d) }), []);
  }
});

test('memory stays bounded per client', () => {
  const s = new DetectorState();
  const t0 = Date.UTC(2026, 0, 5, 10);
  for (let i = 0; i < 1000; i++) s.observeCampaign('203.0.113.9', t0 + i, `d${i}.test`, 3_600_000);
  assert.equal(s.campaign.get('203.0.113.9')?.length, 256);
});

test('the distinct-org count agrees with the set of orgs, out-of-order times included', () => {
  let seed = 3;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const t0 = Date.UTC(2026, 0, 5, 10);
  // A short window keeps a few entries per client (counted by pairs), a long one many (a Set).
  for (const windowMs of [8_000, 60_000]) {
    const a = new DetectorState();
    const b = new DetectorState();
    for (let i = 0; i < 3000; i++) {
      const ip = `203.0.113.${next() % 4}`;
      const t = t0 + i * 1000 - (next() % 30_000); // some arrive before earlier ones
      const org = `d${next() % 12}.test`;
      assert.equal(
        a.observeCampaignCount(ip, t, org, windowMs),
        b.observeCampaign(ip, t, org, windowMs).size,
      );
    }
  }
});
