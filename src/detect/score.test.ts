import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from './verdict.js';
import { scoreFindings, totalScore } from './score.js';
import { ctxOf, dkimPass, hv, rec, spfPass } from './test-support.js';

const f = (w: number): Finding => ({
  rule: 'dmarc-fail',
  severity: 'high',
  weight: w,
  baseWeight: w,
  summary: 'x',
  fields: {},
  attack: [],
});
const T = { suspicious: 15, spoof: 50 };
const authed = rec({ auth: { spf: [spfPass()], dkim: [dkimPass()] } });

test('thresholds: at or above spoof, at or above suspicious, below', () => {
  assert.equal(scoreFindings([f(30), f(20)], ctxOf(authed), T).level, 'spoof');
  assert.equal(scoreFindings([f(49.9)], ctxOf(authed), T).level, 'suspicious');
  assert.equal(scoreFindings([f(15)], ctxOf(authed), T).level, 'suspicious');
  assert.equal(scoreFindings([f(14.9)], ctxOf(authed), T).level, 'clean');
  assert.equal(scoreFindings([], ctxOf(authed), T).level, 'clean');
  assert.equal(scoreFindings([f(20)], ctxOf(authed), { suspicious: 25, spoof: 60 }).level, 'clean');
});

test('clean needs the From domain and a pass or a trusted origin; otherwise unknown with missing fields', () => {
  const noFrom = rec({ headers: {}, auth: { spf: [spfPass()] } });
  const s = scoreFindings([], ctxOf(noFrom), T);
  assert.equal(s.level, 'unknown');
  assert.deepEqual(s.missing, ['header.from', 'auth.dkim', 'auth.dmarc']);
  const noAuth = scoreFindings([], ctxOf(rec()), T);
  assert.equal(noAuth.level, 'unknown');
  assert.deepEqual(noAuth.missing, ['auth.spf', 'auth.dkim', 'auth.dmarc']);
  const none = rec({
    auth: {
      spf: [{ result: 'none', scope: 'mfrom', source: 'policyd-spf' }],
      dmarc: { result: 'none', source: 'opendmarc' },
    },
  });
  const n = scoreFindings([], ctxOf(none), T);
  assert.equal(n.level, 'unknown');
  assert.match(n.explanation, /nothing vouches/);
  const internal = rec({
    session: { clientIp: '192.0.2.5', helo: 'relay.example.com' },
    headers: { from: hv('<a@example.com>') },
  });
  const i = scoreFindings([], ctxOf(internal, { trustedNetworks: ['192.0.2.0/24'] }), T);
  assert.equal(i.level, 'clean');
  assert.deepEqual(i.missing, []);
});

test('a suspicious or spoof score stands even without the header From', () => {
  const noFrom = rec({ headers: {} });
  assert.equal(scoreFindings([f(50)], ctxOf(noFrom), T).level, 'spoof');
});

test('missing names session fields when the MTA did not log them', () => {
  const r = rec({ session: {} });
  delete r.envelope.from;
  assert.deepEqual(scoreFindings([], ctxOf(r), T).missing, [
    'envelope.from',
    'session.client_ip',
    'session.helo',
    'auth.spf',
    'auth.dkim',
    'auth.dmarc',
  ]);
});

test('findings reading the same evidence count once (strongest in full, others at 20%)', () => {
  const g = (rule: string, w: number): Finding => ({ ...f(w), rule });
  assert.equal(totalScore([g('display-name-vip', 30), g('display-name-address', 25)]), 35);
  assert.equal(
    totalScore([g('lookalike-domain', 40), g('lookalike-domain', 30), g('reply-to-divergence', 15)]),
    61,
  );
  assert.equal(totalScore([g('spf-fail', 25), g('spf-fail', 8)]), 33);
});

test('a pass for another identity alone does not make the From clean', () => {
  const r = rec({ envelope: { from: 'b@esp.mailer.test' }, auth: { spf: [spfPass('esp.mailer.test')] } });
  const s = scoreFindings([], ctxOf(r), T);
  assert.equal(s.level, 'unknown');
  assert.match(s.explanation, /only for other identities/);
  const guarded: Finding = { ...f(2), guard: { name: 'mailing-list', reason: 'mailing list: List-Id x' } };
  assert.equal(scoreFindings([guarded], ctxOf(r), T).level, 'clean');
  const bounce: Finding = { ...f(2), guard: { name: 'bounce', reason: 'null sender' } };
  assert.equal(scoreFindings([bounce], ctxOf(r), T).level, 'unknown');
});

test('a From domain known only from the DMARC line is not enough for clean from outside', () => {
  const noHeader = rec({
    headers: {},
    auth: {
      spf: [spfPass()],
      dkim: [dkimPass()],
      dmarc: { result: 'pass', domain: 'sender.test', source: 'opendmarc' },
    },
  });
  const s = scoreFindings([], ctxOf(noHeader), T);
  assert.equal(s.level, 'unknown');
  assert.ok(s.missing.includes('header.from'));
  assert.match(s.explanation, /header From was not logged/);
  // from a trusted network the domain is enough, as before
  const trusted = ctxOf(noHeader, { protectedDomains: ['example.com'], trustedNetworks: ['203.0.113.0/24'] });
  assert.equal(scoreFindings([], trusted, T).level, 'clean');
});
