import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFormatter } from './index.js';
import { ECS_VERSION } from './ecs.js';
import { sampleRecord, sampleVerdict, StringSink, T0 } from './test-support.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a JSON document
function ecsOf(...verdicts: Parameters<typeof sampleVerdict>[]): any[] {
  const sink = new StringSink();
  const f = createFormatter('ecs', sink, { color: false, minVerdict: 'clean', now: () => NOW });
  for (const args of verdicts) f.write(sampleVerdict(...args));
  return sink.text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

test('ecs alert document carries the ECS key fields', () => {
  const [d] = ecsOf(['spoof']);
  assert.equal(d['@timestamp'], new Date(T0).toISOString());
  assert.equal(d.ecs.version, ECS_VERSION);
  assert.equal(d.event.kind, 'alert');
  assert.deepEqual(d.event.category, ['email']);
  assert.deepEqual(d.event.type, ['info']);
  assert.equal(d.event.dataset, 'spoofwatch.verdict');
  assert.equal(d.event.outcome, 'success');
  assert.equal(d.event.created, new Date(NOW).toISOString());
  assert.deepEqual(d.email.from.address, ['ceo@example.com']);
  assert.deepEqual(d.email.to.address, ['bob@example.com']);
  assert.deepEqual(d.email.reply_to.address, ['ceo.office@example.org']);
  assert.equal(d.email.message_id, '20261127100001.abc@mail.example.net');
  assert.equal(d.email.local_id, '4F2A1C0B7D');
  assert.equal(d.email.subject, 'Urgent wire transfer');
  assert.equal(d.email.direction, 'inbound');
  assert.equal(d.source.ip, '192.0.2.10');
  assert.equal(d.source.domain, 'mail.example.net');
  assert.equal(d.source.port, 52100);
  assert.equal(d.observer.hostname, 'mx1.example.com');
  assert.equal(d.host.hostname, 'mx1.example.com');
  assert.equal(d.rule.id, 'dmarc-fail');
  assert.match(d.rule.description, /DMARC fail/);
  assert.equal(d.threat.framework, 'MITRE ATT&CK');
  assert.ok(d.threat.technique.id.includes('T1672'));
  assert.ok(d.threat.technique.id.includes('T1684'));
  assert.deepEqual(d.threat.technique.subtechnique.id, ['T1684.002']);
  assert.equal(d.threat.technique.id.length, d.threat.technique.name.length);
  assert.equal(d.threat.technique.reference[0], 'https://attack.mitre.org/techniques/T1672/');
  assert.deepEqual(d.Spoofwatch.auth.spf, {
    result: 'pass',
    scope: 'mfrom',
    domain: 'example.net',
    source: 'policyd-spf',
  });
  assert.equal(d.Spoofwatch.auth.dmarc.result, 'fail');
  assert.equal(d.Spoofwatch.verdict, 'spoof');
  assert.equal(d.Spoofwatch.findings.length, 1);
  assert.ok(d.Spoofwatch.attack_versions.includes('T1684.002@v19'));
});

test('ecs non-alert verdicts are events; blocked mail is outcome failure; absent fields are omitted', () => {
  const rejected = sampleRecord({
    disposition: 'rejected',
    recipients: [],
    headers: {},
    messageId: undefined,
    session: {},
    firstSeen: null,
    lastSeen: null,
  });
  const [clean, unknown] = ecsOf(['clean'], ['unknown', {}, rejected]);
  assert.equal(clean.event.kind, 'event');
  assert.equal(clean.threat, undefined);
  assert.equal(unknown.event.kind, 'event');
  assert.equal(unknown.event.outcome, 'failure');
  assert.equal(unknown.email.from, undefined);
  assert.equal(unknown.email.message_id, undefined);
  assert.equal(unknown.email.direction, 'unknown');
  assert.equal(unknown['@timestamp'], new Date(NOW).toISOString(), 'no log time: processing time');
  assert.deepEqual(unknown.Spoofwatch.missing, ['header.from', 'auth.dmarc']);
});

test('ecs keeps a malformed client address out of the IP-typed fields (one bad value would reject the document)', () => {
  const r = sampleRecord({ session: { clientIp: '192.0.2.300', clientHost: 'x.example.net' } });
  const [d] = ecsOf(['spoof', {}, r]);
  assert.equal(d.source.ip, undefined);
  assert.equal(d.related.ip, undefined);
  assert.equal(d.Spoofwatch.client_ip, '192.0.2.300');
  const [v6] = ecsOf(['spoof', {}, sampleRecord({ session: { clientIp: 'IPv6:2001:db8::25' } })]);
  assert.equal(v6.source.ip, '2001:db8::25');
});
