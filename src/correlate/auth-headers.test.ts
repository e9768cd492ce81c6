import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthenticationResults, parseReceivedSpf, propValue } from './auth-headers.js';
import { ev, run } from './fixture.js';

test('Received-SPF: result, scope, sender and domain', () => {
  assert.deepEqual(
    parseReceivedSpf(
      'Softfail (mailfrom) identity=mailfrom; client-ip=203.0.113.5; helo=mail.example.com; envelope-from=ceo@Example.com; receiver=<UNKNOWN>',
    ),
    {
      result: 'softfail',
      scope: 'mfrom',
      source: 'header',
      envelopeFrom: 'ceo@Example.com',
      helo: 'mail.example.com',
      domain: 'example.com',
    },
  );
  assert.deepEqual(
    parseReceivedSpf(
      'Pass (sender SPF authorized) identity=helo; client-ip=192.0.2.1; helo=out.example.net; envelope-from=<>',
    ),
    {
      result: 'pass',
      scope: 'helo',
      source: 'header',
      helo: 'out.example.net',
      domain: 'out.example.net',
    },
  );
  assert.equal(parseReceivedSpf('whatever text'), null);
});

test('Authentication-Results: authserv-id names the source; every method parsed', () => {
  const got = parseAuthenticationResults(
    'mx.example.org; spf=pass smtp.mailfrom=bounce@esp.example.net; dkim=fail (body hash did not verify) header.d=example.com header.s=s1; dmarc=fail (p=reject dis=none) header.from=example.com; arc=none',
  );
  assert.ok(got);
  assert.equal(got.authservId, 'mx.example.org');
  assert.deepEqual(got.spf, [
    {
      result: 'pass',
      scope: 'mfrom',
      source: 'header:mx.example.org',
      envelopeFrom: 'bounce@esp.example.net',
      domain: 'esp.example.net',
    },
  ]);
  assert.deepEqual(got.dkim, [
    { result: 'fail', source: 'header:mx.example.org', domain: 'example.com', selector: 's1' },
  ]);
  assert.deepEqual(got.dmarc, {
    result: 'fail',
    source: 'header:mx.example.org',
    domain: 'example.com',
    policy: 'reject',
  });
  assert.deepEqual(got.arc, { result: 'none', source: 'header:mx.example.org' });
});

test('Authentication-Results: hostile and cut values stay bounded and never throw', () => {
  assert.equal(parseAuthenticationResults('no semicolon at all'), null);
  assert.equal(parseAuthenticationResults('; spf=pass'), null);
  const many = 'mx.example.org' + '; dkim=pass header.d=x.example'.repeat(10_000);
  const got = parseAuthenticationResults(many);
  assert.ok(got);
  assert.ok(got.dkim.length <= 32);
  const cut = parseAuthenticationResults('mx.example.org; dmarc=pa');
  assert.equal(cut?.dmarc?.result, 'unknown');
  assert.equal(propValue('xheader.d=evil.example header.d=good.example', 'header.d'), 'good.example');
});

test('header results fold into auth.* beside the log-native ones; a native DMARC replaces a header one', () => {
  const r = run();
  const cleanup = (t: number) => ({ t, prog: 'postfix/cleanup', pid: 200 });
  r.push(
    ev(cleanup(0), 'header', {
      queueId: 'AR001',
      name: 'Authentication-Results',
      value: 'mx.example.org; dmarc=pass header.from=example.com; dkim=pass header.d=example.com',
      truncated: false,
      action: 'warning',
    }),
    ev(cleanup(0), 'header', {
      queueId: 'AR001',
      name: 'Received-SPF',
      value:
        'Fail (mailfrom) identity=mailfrom; client-ip=203.0.113.5; helo=x; envelope-from=ceo@example.com',
      truncated: false,
      action: 'warning',
    }),
  );
  r.push(
    ev({ t: 1, prog: 'opendmarc', pid: 9 }, 'auth.dmarc', {
      queueId: 'AR001',
      result: 'fail',
      domain: 'example.com',
      policy: 'reject',
    }),
  );
  const [rec] = r.flush();
  assert.equal(rec?.headers['authentication-results']?.length, 1);
  assert.deepEqual(rec?.auth.dmarc, {
    result: 'fail',
    source: 'opendmarc',
    domain: 'example.com',
    policy: 'reject',
  });
  assert.deepEqual(
    rec?.auth.dkim.map((d) => d.source),
    ['header:mx.example.org'],
  );
  assert.deepEqual(
    rec?.auth.spf.map((s) => [s.source, s.result]),
    [['header', 'fail']],
  );
});

test('a header name like __proto__ is just a header', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'postfix/cleanup', pid: 200 }, 'header', {
      queueId: 'PROTO1',
      name: '__proto__',
      value: 'x',
      truncated: false,
    }),
    ev({ t: 0, prog: 'postfix/cleanup', pid: 200 }, 'header', {
      queueId: 'PROTO1',
      name: 'constructor',
      value: 'y',
      truncated: true,
    }),
  );
  const [rec] = r.flush();
  assert.deepEqual(rec?.headers['__proto__'], [{ value: 'x', truncated: false }]);
  assert.deepEqual(rec?.headers['constructor'], [{ value: 'y', truncated: true }]);
});

test('a header logged through milter_header_checks keeps that it was added by a milter on this host', () => {
  const r = run();
  const cleanup = { t: 0, prog: 'postfix/cleanup', pid: 200 };
  r.push(
    ev(cleanup, 'header', {
      queueId: 'MH1',
      name: 'Authentication-Results',
      value: 'mx1.example.org; dmarc=pass header.from=example.net',
      truncated: false,
      action: 'warning',
      milter: true,
    }),
    ev(cleanup, 'header', {
      queueId: 'MH1',
      name: 'Authentication-Results',
      value: 'mx.example.net; dmarc=pass header.from=example.net',
      truncated: false,
      action: 'warning',
    }),
  );
  const [rec] = r.flush();
  assert.ok(rec);
  const ar = rec.headers['authentication-results'];
  assert.deepEqual(
    ar?.map((h) => h.milter),
    [true, undefined],
  );
});
