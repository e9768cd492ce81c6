import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFormatter } from './index.js';
import { OCSF_VERSION } from './ocsf.js';
import { sampleRecord, sampleVerdict, StringSink, T0 } from './test-support.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a JSON document
function ocsfOf(...verdicts: Parameters<typeof sampleVerdict>[]): any[] {
  const sink = new StringSink();
  const f = createFormatter('ocsf', sink, { color: false, minVerdict: 'clean', now: () => NOW });
  for (const args of verdicts) f.write(sampleVerdict(...args));
  return sink.text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

test('ocsf: a spoof gives an Email Activity and a Detection Finding', () => {
  const docs = ocsfOf(['spoof']);
  assert.equal(docs.length, 2);
  const [a, f] = docs;
  assert.equal(a.class_uid, 4009);
  assert.equal(a.category_uid, 4);
  assert.equal(a.activity_id, 2);
  assert.equal(a.type_uid, 400902);
  assert.equal(a.time, T0);
  assert.equal(a.metadata.version, OCSF_VERSION);
  assert.equal(a.metadata.product.name, 'spoofwatch');
  assert.equal(a.severity_id, 4);
  assert.equal(a.status_id, 1);
  assert.equal(a.disposition_id, 1);
  assert.equal(a.direction_id, 1);
  assert.equal(a.email.smtp_from, 'bounce@example.net');
  assert.deepEqual(a.email.smtp_to, ['bob@example.com']);
  assert.equal(a.email.from, 'ceo@example.com');
  assert.equal(a.email.reply_to, 'ceo.office@example.org');
  assert.equal(a.email.message_uid, '20261127100001.abc@mail.example.net');
  assert.equal(a.email.uid, '4F2A1C0B7D');
  assert.equal(a.email.subject, 'Urgent wire transfer');
  assert.equal(a.email_auth.spf, 'pass');
  assert.equal(a.email_auth.dkim, 'none');
  assert.equal(a.email_auth.dmarc, 'fail');
  assert.equal(a.email_auth.dmarc_policy, 'reject');
  assert.deepEqual(a.src_endpoint, { ip: '192.0.2.10', hostname: 'mail.example.net', port: 52100 });
  assert.equal(a.dst_endpoint.hostname, 'mx1.example.com');
  assert.equal(a.smtp_hello, 'mail.example.net');
  assert.equal(a.unmapped.spoofwatch.verdict, 'spoof');
  assert.deepEqual(a.metadata.profiles, ['security_control']);
  assert.equal(a.action_id, 1);
  assert.equal(a.is_alert, undefined, 'is_alert is OCSF 1.4, not 1.3.0');

  assert.equal(f.class_uid, 2004);
  assert.equal(f.category_uid, 2);
  assert.equal(f.activity_id, 1);
  assert.equal(f.type_uid, 200401);
  assert.equal(f.metadata.version, OCSF_VERSION);
  assert.match(f.finding_info.title, /^Spoofed email: DMARC fail/);
  assert.equal(f.finding_info.uid, 'mx1.example.com/4F2A1C0B7D#spoof');
  assert.equal(f.finding_info.analytic.uid, 'dmarc-fail');
  const attacks = f.finding_info.attacks as {
    technique: { uid: string };
    sub_technique?: { uid: string };
    version: string;
  }[];
  const t1672 = attacks.find((x) => x.technique.uid === 'T1672');
  assert.equal(t1672?.version, 'v18');
  const t1684 = attacks.find((x) => x.sub_technique?.uid === 'T1684.002');
  assert.equal(t1684?.technique.uid, 'T1684');
  assert.equal(t1684?.version, 'v19');
});

test('ocsf: clean and unknown give an Email Activity only; outbound is Send; rejected is Blocked', () => {
  const outbound = sampleRecord({
    session: { clientIp: '127.0.0.1', saslUsername: 'alice' },
    disposition: 'rejected',
    recipients: [],
  });
  const docs = ocsfOf(['clean'], ['unknown', {}, outbound]);
  assert.equal(docs.length, 2);
  assert.ok(docs.every((d) => d.class_uid === 4009));
  const [, u] = docs;
  assert.equal(u.activity_id, 1);
  assert.equal(u.direction_id, 2);
  assert.equal(u.disposition_id, 2);
  assert.equal(u.status_id, 2);
  assert.equal(u.severity_id, 1);
  assert.equal(u.action_id, 2);
});

test('ocsf keeps a malformed client address out of src_endpoint.ip (ip_t)', () => {
  const [a, f] = ocsfOf([
    'spoof',
    {},
    sampleRecord({ session: { clientIp: 'unknown', clientHost: 'unknown' } }),
  ]);
  assert.equal(a.src_endpoint, undefined);
  assert.equal(f.src_endpoint, undefined);
  assert.equal(a.unmapped.spoofwatch.client_ip, 'unknown');
});
