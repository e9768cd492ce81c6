/**
 * Property tests: records full of hostile, random values never make the detector throw,
 * and every verdict keeps its invariants (levels agree with the score, weights never grow,
 * ATT&CK ids always present, text bounded).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MessageRecord } from '../correlate/record.js';
import type { AuthResult } from '../parse/event.js';
import { createDetector } from './index.js';
import { config, rec } from './test-support.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const fragment = fc.constantFrom(
  '"',
  '<',
  '>',
  '@',
  ',',
  ';',
  ':',
  '(',
  ')',
  '\\',
  '=?utf-8?B?',
  '=?x?Q?=FF',
  '?=',
  'xn--',
  'example.com',
  'ex\u0430mple.com',
  'SRS0=',
  ' via ',
  'i=1; ',
  'mx1.example.com;',
  'dmarc=fail (p=',
  '\u202e',
  '\u0000',
  '..',
  '[192.0.2.1]',
);
const hostile = fc
  .array(fc.oneof(fragment, fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 })), {
    maxLength: 30,
  })
  .map((parts) => parts.join(''));
const result = fc.constantFrom<AuthResult>(
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
  'policy',
  'unknown',
);
const headerValues = fc.array(
  hostile.map((value) => ({ value, truncated: value.length % 3 === 0 })),
  { maxLength: 3 },
);

const record: fc.Arbitrary<MessageRecord> = fc
  .record({
    from: headerValues,
    replyTo: headerValues,
    sender: headerValues,
    ar: headerValues,
    arcSeal: headerValues,
    listId: headerValues,
    env: fc.option(hostile, { nil: undefined }),
    ip: fc.option(
      fc.oneof(hostile, fc.constantFrom('203.0.113.5', '192.0.2.9', '127.0.0.1', '::1', 'IPv6:2001:db8::1')),
      { nil: undefined },
    ),
    helo: fc.option(hostile, { nil: undefined }),
    host: fc.option(hostile, { nil: undefined }),
    sasl: fc.option(hostile, { nil: undefined }),
    spf: fc.array(
      fc.record({
        result,
        scope: fc.constantFrom('mfrom' as const, 'helo' as const, 'unknown' as const),
        domain: hostile,
        source: fc.constantFrom('policyd-spf', 'header', 'header:mx1.example.com'),
      }),
      { maxLength: 3 },
    ),
    dkim: fc.array(
      fc.record({
        result,
        domain: hostile,
        failure: fc.constantFrom(
          'body' as const,
          'header' as const,
          'key' as const,
          'expired' as const,
          'other' as const,
        ),
        source: fc.constantFrom('opendkim', 'header:x'),
      }),
      { maxLength: 3 },
    ),
    dmarc: fc.option(
      fc.record({
        result,
        domain: hostile,
        policy: hostile,
        disposition: hostile,
        source: fc.constantFrom('opendmarc', 'header:mx1.example.com'),
      }),
      { nil: undefined },
    ),
    reason: fc.option(hostile, { nil: undefined }),
    disposition: fc.constantFrom('delivered', 'rejected', 'queued', 'quarantined'),
    messageId: fc.option(hostile, { nil: undefined }),
    time: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: null }),
  })
  .map((r) => {
    const session: MessageRecord['session'] = {};
    if (r.ip !== undefined) session.clientIp = r.ip;
    if (r.helo !== undefined) session.helo = r.helo;
    if (r.host !== undefined) session.clientHost = r.host;
    if (r.sasl !== undefined && r.sasl.length % 4 === 0) session.saslUsername = r.sasl;
    const auth: Partial<MessageRecord['auth']> = { spf: r.spf, dkim: r.dkim };
    if (r.dmarc !== undefined) auth.dmarc = r.dmarc;
    const envelope: Partial<MessageRecord['envelope']> = { recipients: ['bob@example.com'] };
    const out = rec({
      headers: {
        from: r.from,
        'reply-to': r.replyTo,
        sender: r.sender,
        'authentication-results': r.ar,
        'arc-seal': r.arcSeal,
        'list-id': r.listId,
      },
      session,
      auth,
      envelope,
      actions: r.reason === undefined ? [] : [{ action: 'rejected', reason: r.reason, time: null }],
      disposition: r.disposition,
      firstSeen: r.time,
      lines: r.ar.map((h) => `cleanup: milter-header-warning: header Authentication-Results: ${h.value}`),
    });
    if (r.env === undefined) delete out.envelope.from;
    else out.envelope.from = r.env;
    if (r.messageId !== undefined) out.messageId = r.messageId;
    return out;
  });

test('hostile records never throw and verdicts keep their invariants', () => {
  const cfg = config({
    protectedDomains: ['example.com'],
    vips: ['Jane Doe'],
    authservId: ['mx1.example.com'],
    campaign: { windowSeconds: 60, distinctFromDomains: 2 },
  });
  const detector = createDetector(cfg);
  fc.assert(
    fc.property(record, (r) => {
      const v = detector.detect(r);
      assert.ok(['spoof', 'suspicious', 'unknown', 'clean'].includes(v.verdict));
      if (v.verdict === 'spoof') assert.ok(v.score >= cfg.thresholds.spoof);
      if (v.verdict === 'suspicious')
        assert.ok(v.score >= cfg.thresholds.suspicious && v.score < cfg.thresholds.spoof);
      if (v.verdict === 'clean' || v.verdict === 'unknown') assert.ok(v.score < cfg.thresholds.suspicious);
      if (v.verdict === 'clean') assert.ok(!v.missing.includes('header.from'));
      for (const f of v.findings) {
        assert.ok(f.attack.includes('T1672') && f.attack.includes('T1684.002'));
        assert.ok(Number.isFinite(f.weight) && f.weight >= 0 && f.weight <= f.baseWeight);
        assert.ok(f.summary.length < 4096, `${f.rule} summary ${f.summary.length} chars`);
        for (const val of Object.values(f.fields))
          if (typeof val === 'string') assert.ok(val.length <= 4096, `${f.rule} field`);
      }
    }),
    { numRuns: RUNS },
  );
  assert.ok(Array.isArray(detector.notes()));
});
