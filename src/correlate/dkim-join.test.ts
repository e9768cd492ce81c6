import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, run } from './fixture.js';
import type { LogEvent } from '../parse/event.js';
import type { DkimResult } from './record.js';

const dkim = (t: number) => ({ t, prog: 'opendkim', pid: 289 });

function dkimOf(events: LogEvent[]): DkimResult[] {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'postfix/smtpd', pid: 100 }, 'message.client', {
      queueId: 'D4F6F3',
      clientIp: '192.0.2.8',
    }),
    ...events,
  );
  const recs = r.flush();
  assert.equal(recs.length, 1);
  return recs[0]!.auth.dkim;
}

const ssl = (t: number) =>
  ev(dkim(t), 'auth.dkim-note', {
    queueId: 'D4F6F3',
    note: 'ssl',
    domains: ['example.net'],
    selector: 'mail',
  });
const badSig = (t: number) => ev(dkim(t), 'auth.dkim-note', { queueId: 'D4F6F3', note: 'bad-signature' });

test('bare SSL line then "bad signature data": ONE fail, body, with the domain', () => {
  assert.deepEqual(dkimOf([ssl(1), badSig(1)]), [
    { result: 'fail', source: 'opendkim', domain: 'example.net', selector: 'mail', failure: 'body' },
  ]);
});

test('"signature verification failed" before the SSL line: still ONE fail, body, with the domain', () => {
  const failed = ev(dkim(1), 'auth.dkim-note', {
    queueId: 'D4F6F3',
    note: 'verification-failed',
    detail: 'body hash mismatch',
  });
  assert.deepEqual(dkimOf([failed, ssl(1)]), [
    { result: 'fail', source: 'opendkim', domain: 'example.net', selector: 'mail', failure: 'body' },
  ]);
});

test('"bad signature data" with an SSL error line: ONE fail, header, either order', () => {
  const sslError = ev(dkim(1), 'auth.dkim', {
    queueId: 'D4F6F3',
    result: 'fail',
    domain: 'example.net',
    selector: 'mail',
    failure: 'header',
    detail: 'error:04091068:rsa routines:int_rsa_verify:bad signature',
  });
  const expected = [
    { result: 'fail', source: 'opendkim', domain: 'example.net', selector: 'mail', failure: 'header' },
  ];
  assert.deepEqual(dkimOf([badSig(1), sslError]), expected);
  assert.deepEqual(dkimOf([sslError, badSig(1)]), expected);
});

test('bare SSL line and "DKIM verification successful": ONE pass with the domain', () => {
  const ok = ev(dkim(1), 'auth.dkim', { queueId: 'D4F6F3', result: 'pass' });
  const expected = [{ result: 'pass', source: 'opendkim', domain: 'example.net', selector: 'mail' }];
  assert.deepEqual(dkimOf([ssl(1), ok]), expected);
  assert.deepEqual(dkimOf([ok, ssl(1)]), expected);
});

test('two signatures: one verifies, the other fails its body', () => {
  const ok = ev(dkim(1), 'auth.dkim', { queueId: 'D4F6F3', result: 'pass' });
  const sslEsp = ev(dkim(1), 'auth.dkim-note', {
    queueId: 'D4F6F3',
    note: 'ssl',
    domains: ['esp.example.com'],
    selector: 's1',
  });
  const got = dkimOf([ssl(1), ok, sslEsp, badSig(1)]);
  assert.deepEqual(
    got.map((d) => [d.domain, d.result, d.failure]),
    [
      ['example.net', 'pass', undefined],
      ['esp.example.com', 'fail', 'body'],
    ],
  );
});

test('other sources add whole results, deduplicated', () => {
  const rspamd = ev({ t: 1, prog: 'rspamd', pid: 1 }, 'auth.dkim', {
    queueId: 'D4F6F3',
    result: 'pass',
    domain: 'example.net',
  });
  const got = dkimOf([rspamd, rspamd]);
  assert.deepEqual(got, [{ result: 'pass', source: 'rspamd', domain: 'example.net' }]);
});
