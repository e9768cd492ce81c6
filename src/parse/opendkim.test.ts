import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { DkimEvent, DkimNoteEvent, LogEvent } from './event.js';
import { parseOpendkim, SAMPLES } from './opendkim.js';
import { syslogLine } from './test-lines.js';

function L(message: string): LogLine {
  return syslogLine('opendkim', 640, message);
}

function dkim(ev: LogEvent): DkimEvent {
  assert.equal(ev.kind, 'auth.dkim');
  return ev as DkimEvent;
}
function note(ev: LogEvent): DkimNoteEvent {
  assert.equal(ev.kind, 'auth.dkim-note');
  return ev as DkimNoteEvent;
}

test('verification successful is a pass for the queue id', () => {
  const ev = dkim(parseOpendkim(L('4F9D195432: DKIM verification successful')));
  assert.equal(ev.result, 'pass');
  assert.equal(ev.queueId, '4F9D195432');
  assert.equal(ev.producer, 'opendkim');
  assert.equal(ev.domain, undefined);
});

test('bare SSL line is a note with domain and selector, not a verdict', () => {
  const ev = note(parseOpendkim(L('4F9D195432: s=sel1 d=Example.ORG SSL ')));
  assert.equal(ev.note, 'ssl');
  assert.deepEqual(ev.domains, ['example.org']);
  assert.equal(ev.selector, 'sel1');
  assert.equal(ev.failure, undefined);
  const withAlg = note(parseOpendkim(L('4F9D195432: s=google d=example.com a=rsa-sha256 SSL')));
  assert.deepEqual(withAlg.domains, ['example.com']);
  assert.equal(withAlg.selector, 'google');
});

test('SSL bad signature error is a header-signature failure for that domain', () => {
  const ev = dkim(
    parseOpendkim(
      L('BC69D3012026: s=mail d=example.net SSL error:04091068:rsa routines:int_rsa_verify:bad signature'),
    ),
  );
  assert.equal(ev.result, 'fail');
  assert.equal(ev.failure, 'header');
  assert.equal(ev.domain, 'example.net');
  assert.equal(ev.selector, 'mail');
  assert.equal(ev.queueId, 'BC69D3012026');
  assert.match(ev.detail ?? '', /bad signature/);
});

test('SSL asn1 error is a key problem', () => {
  const ev = dkim(
    parseOpendkim(
      L(
        '4F9D195432: s=mail d=example.net SSL error:0D07209B:asn1 encoding routines:ASN1_get_object:too long',
      ),
    ),
  );
  assert.equal(ev.result, 'permerror');
  assert.equal(ev.failure, 'key');
});

test('bad signature data and verification failed are notes the correlator pairs', () => {
  assert.equal(note(parseOpendkim(L('4F9D195432: bad signature data'))).note, 'bad-signature');
  const vf = note(parseOpendkim(L('4F9D195432: signature verification failed: body hash mismatch')));
  assert.equal(vf.note, 'verification-failed');
  assert.equal(vf.detail, 'body hash mismatch');
});

test('expired signatures fail with failure expired', () => {
  const a = dkim(parseOpendkim(L('4F9D195432: signature expired')));
  assert.equal(a.result, 'fail');
  assert.equal(a.failure, 'expired');
  const b = dkim(parseOpendkim(L('4F9D195432: signature verification failed: signature expired')));
  assert.equal(b.failure, 'expired');
});

test('key retrieval: timeout is temperror, missing record permerror, both failure key', () => {
  const t = dkim(
    parseOpendkim(
      L(
        "4F9D195432: key retrieval failed (s=sel1, d=example.net): 'sel1._domainkey.example.net' query timed out",
      ),
    ),
  );
  assert.equal(t.result, 'temperror');
  assert.equal(t.failure, 'key');
  assert.equal(t.domain, 'example.net');
  assert.equal(t.selector, 'sel1');
  const n = dkim(
    parseOpendkim(
      L(
        "4F9D195432: key retrieval failed (s=sel1, d=example.net): 'sel1._domainkey.example.net' record not found",
      ),
    ),
  );
  assert.equal(n.result, 'permerror');
  const bare = dkim(parseOpendkim(L('4F9D195432: key retrieval failed (s=default, d=example.org)')));
  assert.equal(bare.result, 'temperror');
  assert.equal(bare.domain, 'example.org');
  assert.equal(bare.selector, 'default');
});

test('no signature data is dkim none', () => {
  assert.equal(dkim(parseOpendkim(L('4F9D195432: no signature data'))).result, 'none');
});

test('signature list, signing and client notes', () => {
  const sig = note(parseOpendkim(L('4F9D195432: message has signatures from example.net, ESP.example.org')));
  assert.equal(sig.note, 'signatures-from');
  assert.deepEqual(sig.domains, ['example.net', 'esp.example.org']);
  const signed = note(parseOpendkim(L('4F9D195432: DKIM-Signature field added (s=mail2026, d=example.com)')));
  assert.equal(signed.note, 'signed');
  assert.deepEqual(signed.domains, ['example.com']);
  assert.equal(signed.selector, 'mail2026');
  const ni = note(parseOpendkim(L('4F9D195432: mail.example.net [192.0.2.10] not internal')));
  assert.equal(ni.note, 'not-internal');
  assert.equal(ni.detail, 'mail.example.net [192.0.2.10]');
  assert.equal(note(parseOpendkim(L('4F9D195432: not authenticated'))).note, 'not-authenticated');
  assert.equal(
    note(parseOpendkim(L('4F9D195432: external host mx.example.net attempted to send as example.com'))).note,
    'external-sender',
  );
});

test('Postfix long queue ids, Sendmail ids and unknown job ids', () => {
  assert.equal(parseOpendkim(L('4PbC4x469Jz3tBr: DKIM verification successful')).queueId, '4PbC4x469Jz3tBr');
  assert.equal(parseOpendkim(L('u2IEEfKL062480: DKIM verification successful')).queueId, 'u2IEEfKL062480');
  const unk = parseOpendkim(L('(unknown-jobid): DKIM verification successful'));
  assert.equal(unk.kind, 'auth.dkim');
  assert.equal(unk.queueId, undefined);
});

test('start-up is noise; unknown text is unrecognised; words are not queue ids', () => {
  assert.equal(
    parseOpendkim(L('OpenDKIM Filter v2.11.0 starting (args: -x /etc/opendkim.conf)')).kind,
    'noise',
  );
  assert.equal(parseOpendkim(L('Warning: something odd')).kind, 'unrecognised');
  assert.equal(parseOpendkim(L('4F9D195432: something new from a later version')).kind, 'unrecognised');
  assert.equal(parseOpendkim(L('')).kind, 'unrecognised');
});

test('hostile input: long names are not taken as domains, never throws', () => {
  const long = 'a'.repeat(400);
  const ev = note(parseOpendkim(L(`4F9D195432: s=${long} d=${long} SSL`)));
  assert.equal(ev.domains, undefined);
  assert.equal(ev.selector, undefined);
  const many = note(parseOpendkim(L('4F9D195432: message has signatures from ' + 'x.example,'.repeat(500))));
  assert.ok((many.domains?.length ?? 0) <= 32);
  for (const m of [
    '4F9D195432:',
    '4F9D195432: s=',
    '4F9D195432: key retrieval failed (',
    'x'.repeat(70000),
  ]) {
    assert.doesNotThrow(() => parseOpendkim(L(m)));
  }
});

test('every sample parses to its kind', () => {
  for (const s of SAMPLES) assert.equal(parseOpendkim(L(s.message)).kind, s.kind, s.message);
});

test('older OpenDKIM: SSL line without the colon after the queue id, and without a signature', () => {
  const ev = parseOpendkim(
    L('4F9D195432 s=sel1 d=example.net SSL error:04091068:rsa routines:INT_RSA_VERIFY:bad signature'),
  );
  assert.equal(ev.kind, 'auth.dkim');
  assert.equal(ev.queueId, '4F9D195432');
  assert.equal((ev as DkimEvent).failure, 'header');
  assert.equal((ev as DkimEvent).domain, 'example.net');
  const bare = parseOpendkim(L('4F9D195432: SSL error:04091068:rsa routines:INT_RSA_VERIFY:bad signature'));
  assert.equal(bare.kind, 'auth.dkim');
  assert.equal((bare as DkimEvent).domain, undefined);
  assert.equal(parseOpendkim(L('4F9D195432 something else')).kind, 'unrecognised');
});

test('LogResults lines: one failing signature is a result, anything else a note with the domains', () => {
  const one = parseOpendkim(
    L('4F9D195432: signature=AbCd domain=Example.net selector=sel1 result="signature verification failed"'),
  );
  assert.equal(one.kind, 'auth.dkim');
  assert.equal((one as DkimEvent).result, 'fail');
  assert.equal((one as DkimEvent).domain, 'example.net');
  assert.equal((one as DkimEvent).selector, 'sel1');
  const exp = parseOpendkim(
    L('4F9D195432: signature=AbCd domain=example.net selector=s result="signature expired"'),
  );
  assert.equal((exp as DkimEvent).failure, 'expired');
  const ok = note(
    parseOpendkim(L('4F9D195432: signature=AbCd domain=example.net selector=s result="no signature error"')),
  );
  assert.equal(ok.note, 'signature-results');
  assert.deepEqual(ok.domains, ['example.net']);
  const two = note(
    parseOpendkim(
      L(
        '4F9D195432: signature=A domain=example.net selector=s result="no signature error"; signature=B domain=esp.example.org selector=k result="key retrieval failed"',
      ),
    ),
  );
  assert.deepEqual(two.domains, ['example.net', 'esp.example.org']);
});

test('RequiredHeaders errors become message notes; signing-table lines are noise', () => {
  const ev = parseOpendkim(
    L('4F9D195432: RFC5322 header requirement error: message does not have exactly one From field'),
  );
  assert.equal(ev.kind, 'message.note');
  assert.equal(ev.queueId, '4F9D195432');
  assert.equal(parseOpendkim(L("4F9D195432: no signing subdomain match for 'example.com'")).kind, 'noise');
  assert.equal(parseOpendkim(L("4F9D195432: error loading key 'mail'")).kind, 'noise');
});

test('OpenDKIM 2.11 wordings: key revoked, verbose verification lines, ignored signatures', () => {
  const rev = dkim(parseOpendkim(L('4F9D195432: key revoked (s=old, d=Example.net, a=rsa-sha256)')));
  assert.equal(rev.result, 'permerror');
  assert.equal(rev.failure, 'key');
  assert.equal(rev.domain, 'example.net');
  assert.equal(rev.selector, 'old');
  const ok = dkim(
    parseOpendkim(L('4F9D195432: msg.eml: verification (s=sel1, d=example.com, 2048-bit key) succeeded')),
  );
  assert.equal(ok.result, 'pass');
  assert.equal(ok.domain, 'example.com');
  assert.equal(ok.selector, 'sel1');
  const bad = dkim(
    parseOpendkim(
      L(
        '4F9D195432: msg.eml: verification (s=sel1 d=example.com, 2048-bit key, insecure) failed: body hash mismatch',
      ),
    ),
  );
  assert.equal(bad.result, 'fail');
  assert.equal(bad.failure, 'body');
  assert.equal(bad.domain, 'example.com');
  assert.equal(parseOpendkim(L('4F9D195432: ignoring 2 signatures')).kind, 'noise');
  assert.equal(
    note(parseOpendkim(L('4F9D195432: signature processing failed: invalid parameter'))).note,
    'verification-failed',
  );
  const ssl = dkim(
    parseOpendkim(
      L('4F9D195432: s=sel1 d=example.org a=rsa-sha256 SSL error:02000068:rsa routines::bad signature'),
    ),
  );
  assert.equal(ssl.failure, 'header');
});

test("opendkim: the one-literal usual events keep the general path's fields and their order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance';
  assert.equal(keys(parseOpendkim(L('4F9D195432: DKIM verification successful'))), `${base},result,queueId`);
  assert.equal(keys(parseOpendkim(L('(unknown-jobid): DKIM verification successful'))), `${base},result`);
  assert.equal(
    keys(parseOpendkim(L('4F9D195432: s=sel1 d=Example.COM SSL'))),
    `${base},note,queueId,domains,selector`,
  );
  assert.deepEqual(note(parseOpendkim(L('4F9D195432: s=sel1 d=Example.COM SSL'))).domains, ['example.com']);
  assert.equal(keys(parseOpendkim(L('4F9D195432: s=sel1 SSL'))), `${base},note,queueId,selector`);
  assert.equal(
    keys(parseOpendkim(L('(unknown-jobid): s=a d=b.example SSL'))),
    `${base},note,domains,selector`,
  );
  // tags are found after a space or `(` only
  const k = dkim(parseOpendkim(L('4F9D195432: key retrieval failed (xs=no, s=sel2, d=a.example): x')));
  assert.deepEqual([k.selector, k.domain], ['sel2', 'a.example']);
  const k2 = dkim(parseOpendkim(L('4F9D195432: key retrieval failed (s=sel3 s=sel4, d=a.example): x')));
  assert.equal(k2.selector, 'sel4'); // a tag after a space is looked for before one after `(`
  const k3 = dkim(parseOpendkim(L('4F9D195432: key retrieval failed x(s=sel5): x')));
  assert.equal(k3.selector, 'sel5');
});
