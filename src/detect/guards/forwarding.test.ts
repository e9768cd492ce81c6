import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { arcSealer, forwardingGuard } from './forwarding.js';

test('configured forwarder host or network', () => {
  const r = rec({ session: { clientIp: '198.51.100.3', clientHost: 'fwd.example.net' } });
  const [d] = forwardingGuard(ctxOf(r, { trustedForwarders: ['fwd.example.net'] }));
  assert.equal(d?.factors['spf-fail'], 0.1);
  const [n] = forwardingGuard(ctxOf(r, { trustedForwarders: ['198.51.100.0/24'] }));
  assert.match(n?.reason ?? '', /trusted forwarder/);
});

test('ARC from a trusted sealer that validated lowers; others are only noted', () => {
  const arc = {
    headers: {
      from: hv('<a@sender.test>'),
      'arc-seal': hv('i=1; a=rsa-sha256; t=1; cv=none; d=forwarder.example.org; s=arc; b=AAA'),
    },
  };
  const pass = rec({ ...arc, auth: { arc: { result: 'pass', source: 'opendmarc' } } });
  const [t] = forwardingGuard(ctxOf(pass, { trustedArcSealers: ['example.org'] }));
  assert.equal(t?.factors['dmarc-fail'], 0.1);
  const [u] = forwardingGuard(ctxOf(pass));
  assert.deepEqual(u?.factors, {});
  assert.match(u?.note ?? '', /forwarder\.example\.org.*not a trusted sealer/);
  assert.equal(arcSealer(ctxOf(pass)), 'forwarder.example.org');
});

test('SRS envelope lowers DMARC and mismatch, not SPF, and not when its SPF failed', () => {
  const srs = rec({
    envelope: { from: 'SRS0=HHH=TT=sender.test=alice@fwd.example.net' },
    auth: { spf: [], dkim: [{ result: 'fail', domain: 'sender.test', failure: 'body', source: 'opendkim' }] },
  });
  const [d] = forwardingGuard(ctxOf(srs));
  assert.equal(d?.factors['dmarc-fail'], 0.3);
  const unsigned = forwardingGuard(
    ctxOf(rec({ envelope: { from: 'SRS0=HHH=TT=sender.test=alice@fwd.example.net' } })),
  )[0];
  assert.equal(unsigned?.factors['dmarc-fail'], undefined);
  assert.equal(unsigned?.factors['header-from-envelope-mismatch'], 0.3);
  assert.equal(d?.factors['spf-fail'], undefined);
  const forged = rec({
    envelope: { from: 'SRS0=HHH=TT=sender.test=alice@fwd.example.net' },
    auth: { spf: [{ result: 'fail', scope: 'mfrom', source: 'policyd-spf' }] },
  });
  assert.deepEqual(forwardingGuard(ctxOf(forged)), []);
});

test('plain mail is not forwarding', () => {
  assert.deepEqual(forwardingGuard(ctxOf(rec())), []);
});
