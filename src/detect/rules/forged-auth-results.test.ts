import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { authservIdOf } from '../authserv.js';
import { forgedAuthResults } from './forged-auth-results.js';

test('A-R with our configured authserv-id from outside is forged', () => {
  const r = rec({
    headers: {
      from: hv('<a@sender.test>'),
      'authentication-results': hv('mx1.example.com; dkim=pass header.d=example.com; dmarc=pass'),
    },
  });
  const [f] = forgedAuthResults(
    ctxOf(r, { protectedDomains: ['example.com'], authservId: ['mx1.example.com'] }),
  );
  assert.equal(f?.weight, 50);
  assert.equal(f?.fields.authserv_source, 'config');
});

test('without config, the MTA host name is our authserv-id; ARC-A-R counts too', () => {
  const r = rec({
    headers: { 'arc-authentication-results': hv('i=1; mx1.example.com; spf=pass smtp.mailfrom=example.com') },
  });
  const [f] = forgedAuthResults(ctxOf(r));
  assert.equal(f?.fields.header, 'ARC-Authentication-Results');
  assert.equal(f?.fields.authserv_source, 'mta-hostname');
});

test('spared: other authserv-ids, milter-added headers, internal clients', () => {
  const other = rec({ headers: { 'authentication-results': hv('mx.google.test; spf=pass') } });
  assert.deepEqual(forgedAuthResults(ctxOf(other)), []);
  const milter = rec({
    headers: {
      'authentication-results': [{ value: 'mx1.example.com; dkim=pass', truncated: false, milter: true }],
    },
  });
  assert.deepEqual(forgedAuthResults(ctxOf(milter)), []);
  const inside = rec({
    session: { clientIp: '127.0.0.1' },
    headers: { 'authentication-results': hv('mx1.example.com; dkim=pass') },
  });
  assert.deepEqual(forgedAuthResults(ctxOf(inside)), []);
});

test('authserv-id extraction', () => {
  assert.equal(authservIdOf('MX1.example.com 1; spf=pass', false), 'mx1.example.com');
  assert.equal(authservIdOf('i=2; mx1.example.com; dkim=pass', true), 'mx1.example.com');
  assert.equal(authservIdOf('', false), undefined);
});

test('a milter-added header is recognised from its own log line when the flag is absent', () => {
  const value = 'mx1.example.com; dmarc=pass (p=reject dis=none) header.from=sender.test';
  const r = rec({
    headers: { 'authentication-results': hv(value) },
    lines: [
      `Jan  5 10:00:01 mx1 postfix/cleanup[2211]: 4Bq7x2Zt9kz1: milter-header-warning: header Authentication-Results: ${value.slice(0, 60)} from mail.sender.test[203.0.113.10]; from=<alice@sender.test> to=<bob@example.com> proto=ESMTP helo=<mail.sender.test>`,
    ],
  });
  assert.deepEqual(forgedAuthResults(ctxOf(r)), []);
});

test('a Sendmail milter insert line marks the header as ours', () => {
  const value = ' mx1.example.com;\\n\\tdkim=pass header.d=sender.test';
  const r = rec({
    headers: { 'authentication-results': hv(value) },
    lines: [
      `Jan  5 10:00:01 mx1 sendmail[1809]: 6ARMBaQP018091: Milter (opendkim) insert (0): header: Authentication-Results: ${value}`,
    ],
  });
  assert.deepEqual(forgedAuthResults(ctxOf(r)), []);
});

test("the SPF milter's own prepend line before Sendmail's insert line does not make our header the sender's", () => {
  const value = 'mx1.example.com; spf=none (no SPF record) smtp.mailfrom=sender.test';
  const lines = [
    `Jan  5 10:00:01 mx1 pyspf-milter[9092]: prepend Authentication-Results: ${value}`,
    `Jan  5 10:00:01 mx1 sendmail[1809]: 6ARMBaQP018091: Milter (pyspf) insert (0): header: Authentication-Results: ${value}`,
  ];
  const ours = rec({ headers: { 'authentication-results': hv(value) }, lines });
  assert.deepEqual(forgedAuthResults(ctxOf(ours)), []);
  // Without the MTA's insert line the header is what the sender sent.
  const sent = rec({ headers: { 'authentication-results': hv(value) }, lines: lines.slice(0, 1) });
  assert.equal(forgedAuthResults(ctxOf(sent))[0]?.rule, 'forged-auth-results');
});

test('a short syslog host name claims only <host>.<protected domain>, not a forwarder of the same name', () => {
  const fwd = rec({
    host: 'mx',
    headers: { 'authentication-results': hv('mx.fwd.example; dkim=pass header.i=@partner.example') },
  });
  assert.deepEqual(forgedAuthResults(ctxOf(fwd, { protectedDomains: ['corp.example'] })), []);
  const ours = rec({
    host: 'mx',
    headers: { 'authentication-results': hv('mx.corp.example; dmarc=pass header.from=corp.example') },
  });
  const [f] = forgedAuthResults(ctxOf(ours, { protectedDomains: ['corp.example'] }));
  assert.equal(f?.fields.authserv_id, 'mx.corp.example');
});
