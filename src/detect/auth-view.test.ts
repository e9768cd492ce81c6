import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authView } from './auth-view.js';
import { ctxOf, hv, rec } from './test-support.js';

test('Rspamd symbols stand in when no other result was logged', () => {
  const r = rec({
    filters: [
      {
        source: 'rspamd',
        action: 'reject',
        symbols: {
          R_SPF_FAIL: { score: 1, options: ['-all'] },
          R_DKIM_ALLOW: { options: ['sender.test:s=mail'] },
          DMARC_POLICY_REJECT: { options: ['sender.test : SPF not aligned (relaxed)', 'reject'] },
        },
      },
    ],
  });
  const v = authView(r);
  assert.equal(v.spf[0]?.result, 'fail');
  assert.equal(v.dkim[0]?.domain, 'sender.test');
  assert.deepEqual(v.dmarc, {
    result: 'fail',
    source: 'rspamd-symbols',
    domain: 'sender.test',
    policy: 'reject',
  });
});

test('native results win over symbols', () => {
  const r = rec({
    auth: { spf: [{ result: 'pass', scope: 'mfrom', source: 'policyd-spf' }] },
    filters: [{ source: 'rspamd', action: 'no action', symbols: { R_SPF_FAIL: {} } }],
  });
  assert.deepEqual(authView(r).spf, [{ result: 'pass', scope: 'mfrom', source: 'policyd-spf' }]);
});

test('header-borne results from outside are not believed unless a milter of ours added them', () => {
  const forged = rec({
    headers: {
      from: hv('<ceo@example.com>'),
      'authentication-results': hv('mx1.example.com; dmarc=pass header.from=example.com'),
    },
    auth: {
      spf: [{ result: 'pass', scope: 'mfrom', source: 'header' }],
      dkim: [{ result: 'pass', domain: 'example.com', source: 'header:mx1.example.com' }],
      dmarc: { result: 'pass', domain: 'example.com', source: 'header:mx1.example.com' },
    },
  });
  const c = ctxOf(forged);
  assert.deepEqual(c.auth.spf, []);
  assert.deepEqual(c.auth.dkim, []);
  assert.equal(c.auth.dmarc, undefined);
  assert.equal(c.fromAuthenticated, false);

  const ours = rec({
    headers: {
      'authentication-results': [
        { value: 'mx1.example.com; dmarc=pass header.from=sender.test', truncated: false, milter: true },
      ],
    },
    auth: {
      spf: [],
      dkim: [],
      dmarc: { result: 'pass', domain: 'sender.test', source: 'header:mx1.example.com' },
    },
  });
  assert.equal(ctxOf(ours).auth.dmarc?.result, 'pass');

  const inside = rec({
    session: { clientIp: '127.0.0.1' },
    auth: {
      spf: [{ result: 'pass', scope: 'mfrom', source: 'header' }],
      dkim: [{ result: 'pass', domain: 'x.test', source: 'header:other.test' }],
    },
  });
  const ci = ctxOf(inside);
  assert.equal(ci.auth.spf.length, 1);
  assert.equal(ci.auth.dkim.length, 0);
});

test('symbol names that are Object.prototype keys state nothing', () => {
  const symbols = Object.create(null) as Record<string, { options?: string[] }>;
  symbols['constructor'] = {};
  symbols['toString'] = {};
  const r = rec({ filters: [{ source: 'rspamd', action: 'no action', symbols }] });
  const v = authView(r);
  assert.deepEqual(v.spf, []);
  assert.deepEqual(v.dkim, []);
  assert.equal(v.dmarc, undefined);
});
