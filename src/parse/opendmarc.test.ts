import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { ArcEvent, DmarcEvent, LogEvent, MessageNoteEvent, SpfEvent } from './event.js';
import { parseOpendmarc, SAMPLES } from './opendmarc.js';
import { syslogLine } from './test-lines.js';

function L(message: string): LogLine {
  return syslogLine('opendmarc', 893, message);
}
function dmarc(ev: LogEvent): DmarcEvent {
  assert.equal(ev.kind, 'auth.dmarc');
  return ev as DmarcEvent;
}
function spf(ev: LogEvent): SpfEvent {
  assert.equal(ev.kind, 'auth.spf');
  return ev as SpfEvent;
}

test('domain and result', () => {
  const p = dmarc(parseOpendmarc(L('4F9D195432: Example.COM pass')));
  assert.equal(p.result, 'pass');
  assert.equal(p.domain, 'example.com');
  assert.equal(p.queueId, '4F9D195432');
  assert.equal(dmarc(parseOpendmarc(L('4F9D195432: example.org fail'))).result, 'fail');
  assert.equal(dmarc(parseOpendmarc(L('4F9D195432: example.net none'))).result, 'none');
  // hashed domains in published corpora are still domains
  assert.equal(
    dmarc(parseOpendmarc(L('08ACF1541B01: h-ac7182297368ddc0f pass'))).domain,
    'h-ac7182297368ddc0f',
  );
});

test('bestguesspass is not a DMARC pass', () => {
  const ev = dmarc(parseOpendmarc(L('4F9D195432: example.net bestguesspass')));
  assert.equal(ev.result, 'none');
  assert.equal(ev.detail, 'bestguesspass');
});

test('policy when the version logs it', () => {
  const ev = dmarc(parseOpendmarc(L('4F9D195432: example.com fail (p=reject, sp=none, pct=100)')));
  assert.equal(ev.result, 'fail');
  assert.equal(ev.policy, 'reject');
  const own = dmarc(parseOpendmarc(L('4F9D195432: example.com: DMARC fail, p=quarantine')));
  assert.equal(own.policy, 'quarantine');
  assert.equal(own.result, 'fail');
  assert.equal(own.domain, 'example.com');
});

test('SPF(mailfrom) and SPF(helo)', () => {
  const m = spf(parseOpendmarc(L('4F9D195432: SPF(mailfrom): alice@Example.com pass')));
  assert.equal(m.scope, 'mfrom');
  assert.equal(m.result, 'pass');
  assert.equal(m.envelopeFrom, 'alice@Example.com');
  assert.equal(m.domain, 'example.com');
  assert.equal(m.queueId, '4F9D195432');
  const h = spf(parseOpendmarc(L('4F9D195432: SPF(helo): mail.example.net softfail')));
  assert.equal(h.scope, 'helo');
  assert.equal(h.result, 'softfail');
  assert.equal(h.helo, 'mail.example.net');
  assert.equal(h.domain, 'mail.example.net');
});

test('foreign Authentication-Results ignored (no colon after the queue id)', () => {
  const ev = parseOpendmarc(L('AED441541AFC ignoring Authentication-Results at 6 from mx.example.net'));
  assert.equal(ev.kind, 'noise');
  assert.equal(ev.queueId, 'AED441541AFC');
});

test('ARC override (OpenDMARC 1.4) keeps the DMARC failure and marks it; ARC pass alone is an ARC result', () => {
  const ev = dmarc(parseOpendmarc(L('4F9D195432: ARC pass, policy pass > overriding DMARC fail')));
  assert.equal(ev.result, 'fail');
  assert.equal(ev.arcOverride, true);
  assert.equal(ev.disposition, 'none');
  assert.equal(ev.domain, undefined);
  assert.equal(ev.queueId, '4F9D195432');
  const arc = parseOpendmarc(L('4F9D195432: ARC pass, policy fail > continuing DMARC eval'));
  assert.equal(arc.kind, 'auth.arc');
  assert.equal((arc as ArcEvent).result, 'pass');
});

test('header problems become message notes on the queue id', () => {
  for (const m of [
    'RFC5322 requirement error: not exactly one From field',
    'unable to parse From header field',
    'no From header field found',
    'external host mx.example.net attempted to send as example.com',
  ]) {
    const ev = parseOpendmarc(L('4F9D195432: ' + m));
    assert.equal(ev.kind, 'message.note', m);
    assert.equal((ev as MessageNoteEvent).note, 'opendmarc: ' + m);
    assert.equal(ev.queueId, '4F9D195432');
  }
});

test('start-up, connection filtering and library status are noise', () => {
  assert.equal(
    parseOpendmarc(L('OpenDMARC Filter v1.4.2 starting (args: -c /etc/opendmarc.conf)')).kind,
    'noise',
  );
  assert.equal(parseOpendmarc(L('ignoring connection from localhost.localdomain')).kind, 'noise');
  assert.equal(
    parseOpendmarc(L('F2F163012026: opendmarc_policy_query_dmarc(example.com) returned status 4')).kind,
    'noise',
  );
});

test('unknown words are not results; hostile input never throws', () => {
  assert.equal(parseOpendmarc(L('4F9D195432: example.com maybe')).kind, 'unrecognised');
  assert.equal(parseOpendmarc(L('something else entirely')).kind, 'unrecognised');
  for (const m of [
    '4F9D195432:',
    '4F9D195432: SPF(',
    '4F9D195432: SPF(mailfrom): ',
    'y'.repeat(70000) + ' pass',
  ]) {
    assert.doesNotThrow(() => parseOpendmarc(L(m)));
  }
  assert.equal(parseOpendmarc(L('4F9D195432: ' + 'a'.repeat(400) + ' pass')).kind, 'unrecognised');
});

test('every sample parses to its kind', () => {
  for (const s of SAMPLES) assert.equal(parseOpendmarc(L(s.message)).kind, s.kind, s.message);
});

test("opendmarc: the one-literal usual result keeps the general path's fields and their order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance,result';
  const ev = dmarc(parseOpendmarc(L('4F9D195432: Example.COM pass')));
  assert.equal(keys(ev), `${base},queueId,domain`);
  assert.equal(ev.domain, 'example.com');
  assert.equal(
    keys(parseOpendmarc(L('4F9D195432: example.com reject'))),
    `${base},queueId,domain,detail,disposition`,
  );
  assert.equal(
    keys(parseOpendmarc(L('4F9D195432: example.com bestguesspass'))),
    `${base},queueId,domain,detail`,
  );
  assert.equal(keys(parseOpendmarc(L('(unknown-jobid): example.com pass'))), `${base},domain`);
});
