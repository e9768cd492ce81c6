import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { as } from './test-lines.js';
import { eximIdLength, parseExim, parseEximRejectlogLine, SAMPLES } from './exim.js';

function line(message: string, program = 'exim'): LogLine {
  return {
    time: Date.UTC(2026, 10, 20, 10, 0, 1),
    host: '',
    program,
    pid: null,
    message,
    raw: `2026-11-20 10:00:01 ${message}`,
    src: { file: 'test', line: 1 },
  };
}

function parse(message: string, program = 'exim'): LogEvent {
  return parseExim(line(message, program));
}

test('every sample parses to its stated kind, as producer exim', () => {
  for (const s of SAMPLES) {
    const ev = parse(s.message, s.program);
    assert.equal(ev.kind, s.kind, s.message);
    assert.equal(ev.producer, 'exim');
  }
});

test('message ids: 6-6-2 and 4.97+ 6-11-4, followed by a space', () => {
  assert.equal(eximIdLength('1tXyzA-000Abc-12 <= x', 0), 16);
  assert.equal(eximIdLength('1tXyzA-000000001Ab-0Xy2 <= x', 0), 23);
  assert.equal(eximIdLength('1tXyzA-000000001Ab-0Xy2', 0), 23);
  assert.equal(eximIdLength('1tXyzA-000Abc-123 x', 0), 0);
  assert.equal(eximIdLength('H=host [192.0.2.1]', 0), 0);
});

test('<= arrival: sender, client, HELO, proto, size, message-id, auth, TLS, recipients', () => {
  const ev = as(
    parse(
      '1tXyzA-000Abc-12 <= alice@example.com H=mail.example.net (helo.example.net) [192.0.2.1]:4321 I=[198.51.100.2]:25 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:alice@example.com S=1234 id=abc.123@example.net T="Re: \\"hello\\" for you" for bob@example.org carol@example.org',
    ),
    'envelope',
  );
  assert.equal(ev.queueId, '1tXyzA-000Abc-12');
  assert.equal(ev.from, 'alice@example.com');
  assert.equal(ev.clientHost, 'mail.example.net');
  assert.equal(ev.helo, 'helo.example.net');
  assert.equal(ev.clientIp, '192.0.2.1');
  assert.equal(ev.clientPort, 4321);
  assert.equal(ev.proto, 'esmtpsa');
  assert.equal(ev.size, 1234);
  assert.equal(ev.messageId, 'abc.123@example.net');
  assert.equal(ev.saslUsername, 'alice@example.com');
  assert.equal(ev.saslMethod, 'dovecot_plain');
  assert.equal(ev.tlsCipher, 'TLS1.3:TLS_AES_256_GCM_SHA384:256');
  assert.deepEqual(ev.recipients, ['bob@example.org', 'carol@example.org']);
  assert.equal(ev.nrcpt, 2);
});

test('<= arrival: null sender, HELO equal to the host name, helo-only host, native stamp in message', () => {
  const bounce = as(
    parse('1tXyzA-000000001Ab-0Xy2 <= <> R=1tXyz9-000000001Aa-0Ab1 U=Debian-exim P=local S=2345'),
    'envelope',
  );
  assert.equal(bounce.from, '');
  assert.equal(bounce.clientIp, undefined);
  const same = as(
    parse('1tXyzA-000Abc-12 <= a@example.net H=mail.example.net [192.0.2.1] P=esmtp S=10'),
    'envelope',
  );
  assert.equal(same.helo, 'mail.example.net');
  const bare = as(
    parse('1tXyzA-000Abc-12 <= a@example.net H=(example.com) [203.0.113.5]:25000 P=esmtp S=10'),
    'envelope',
  );
  assert.equal(bare.clientHost, undefined);
  assert.equal(bare.helo, 'example.com');
  const stamped = as(
    parse(
      '2026-11-20 10:00:01.123 +0100 [4321] 1tXyzA-000Abc-12 <= a@example.net U=alice P=local S=10',
      'exim4',
    ),
    'envelope',
  );
  assert.equal(stamped.queueId, '1tXyzA-000Abc-12');
  assert.equal(stamped.instance, 'exim4');
});

test('deliveries: => sent with relay and queued-as, -> additional, ** bounced, == deferred, *> suppressed, local', () => {
  const sent = as(
    parse(
      '1tXyzA-000Abc-12 => bob@example.org R=dnslookup T=remote_smtp H=mx.example.org [198.51.100.5]:25 X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 Ok: queued as 4XyZ1r2Abc"',
    ),
    'delivery',
  );
  assert.equal(sent.to, 'bob@example.org');
  assert.equal(sent.status, 'sent');
  assert.equal(sent.relay, 'mx.example.org[198.51.100.5]:25');
  assert.equal(sent.queuedAs, '4XyZ1r2Abc');
  assert.equal(sent.detail, '250 2.0.0 Ok: queued as 4XyZ1r2Abc');

  const add = as(
    parse(
      '1tXyzA-000Abc-12 -> carol@example.org R=dnslookup T=remote_smtp H=mx.example.org [198.51.100.5] C="250 OK id=1tXyzB-000Abd-34"',
    ),
    'delivery',
  );
  assert.equal(add.status, 'sent');
  assert.equal(add.queuedAs, '1tXyzB-000Abd-34');

  const bounced = as(
    parse(
      '1tXyzA-000Abc-12 ** nobody@example.org R=dnslookup T=remote_smtp H=mx.example.org [198.51.100.5]: SMTP error from remote mail server after RCPT TO:<nobody@example.org>: 550 5.1.1 User unknown',
    ),
    'delivery',
  );
  assert.equal(bounced.status, 'bounced');
  assert.equal(bounced.relay, 'mx.example.org[198.51.100.5]');
  assert.equal(bounced.dsn, '5.1.1');
  assert.match(bounced.detail ?? '', /^SMTP error from remote mail server/u);

  const unroutable = as(parse('1tXyzA-000Abc-12 ** x@example.invalid: Unrouteable address'), 'delivery');
  assert.equal(unroutable.to, 'x@example.invalid');
  assert.equal(unroutable.detail, 'Unrouteable address');

  const deferred = as(
    parse(
      '1tXyzA-000Abc-12 == erin@example.org R=dnslookup T=remote_smtp defer (-44) H=mx.example.org [198.51.100.5]: SMTP error from remote mail server after RCPT TO:<erin@example.org>: 451 4.7.1 Greylisted',
    ),
    'delivery',
  );
  assert.equal(deferred.status, 'deferred');
  assert.equal(deferred.dsn, '4.7.1');

  const routing = as(
    parse('1tXyzA-000Abc-12 == erin@example.org routing defer (-51): retry time not reached'),
    'delivery',
  );
  assert.equal(routing.status, 'deferred');
  assert.equal(routing.detail, 'retry time not reached');

  assert.equal(
    as(parse('1tXyzA-000Abc-12 *> dave@example.org R=dnslookup T=remote_smtp'), 'delivery').status,
    'suppressed',
  );

  const local = as(
    parse('1tXyzA-000Abc-12 => alice <alice@example.org> R=localuser T=local_delivery'),
    'delivery',
  );
  assert.equal(local.to, 'alice@example.org');
  const alias = as(
    parse(
      '1tXyzA-000Abc-12 => alice@example.net <postmaster@example.org> R=system_aliases T=remote_smtp H=mx.example.net [192.0.2.8]',
    ),
    'delivery',
  );
  assert.equal(alias.to, 'alice@example.net');
  assert.equal(alias.origTo, 'postmaster@example.org');
  assert.equal(
    as(parse('1tXyzA-000Abc-12 => :blackhole: <junk@example.org> R=system_aliases'), 'delivery').status,
    'discarded',
  );
});

test('message life: Completed closes, removed closes, Frozen is a note', () => {
  assert.equal(as(parse('1tXyzA-000Abc-12 Completed'), 'message.closed').reason, 'completed');
  assert.equal(as(parse('1tXyzA-000Abc-12 Completed QT=2s'), 'message.closed').reason, 'completed');
  assert.equal(as(parse('1tXyzA-000Abc-12 removed by root'), 'message.closed').reason, 'removed');
  assert.equal(as(parse('1tXyzA-000Abc-12 Message is frozen'), 'message.note').queueId, '1tXyzA-000Abc-12');
});

test('rejects: RCPT, after DATA, connect ACL, local_scan, discards; stage, from, to, helo, client', () => {
  const rcpt = as(
    parse(
      'H=(example.com) [203.0.113.6]:5124 I=[198.51.100.2]:25 F=<ceo@example.com> rejected RCPT <staff@example.org>: SPF check failed',
    ),
    'reject',
  );
  assert.equal(rcpt.queueId, undefined);
  assert.equal(rcpt.stage, 'rcpt');
  assert.equal(rcpt.action, 'reject');
  assert.equal(rcpt.from, 'ceo@example.com');
  assert.equal(rcpt.to, 'staff@example.org');
  assert.equal(rcpt.helo, 'example.com');
  assert.equal(rcpt.clientIp, '203.0.113.6');
  assert.equal(rcpt.clientPort, 5124);
  assert.equal(rcpt.reason, 'SPF check failed');

  const data = as(
    parse(
      '1tXyzA-000Abc-12 H=dsl.example.net (example.com) [203.0.113.5] F=<ceo@example.com> rejected after DATA: 550 5.7.1 DMARC policy reject',
    ),
    'reject',
  );
  assert.equal(data.queueId, '1tXyzA-000Abc-12');
  assert.equal(data.stage, 'end-of-data');
  assert.equal(data.code, 550);
  assert.equal(data.dsn, '5.7.1');

  const conn = as(
    parse(
      'H=dsl.example.net [203.0.113.7]:5125 temporarily rejected connection in "connect" ACL: "Host is ratelimited"',
    ),
    'reject',
  );
  assert.equal(conn.stage, 'connect');
  assert.equal(conn.action, 'defer');
  assert.equal(conn.reason, 'Host is ratelimited');

  const drop = as(parse("H=[203.0.113.8]:62839 dropped by 'connect' ACL: Country is banned"), 'reject');
  assert.equal(drop.stage, 'connect');
  assert.equal(drop.clientIp, '203.0.113.8');

  const ls = as(
    parse(
      '1Ai79e-0000Dq-8i F=spam@example.net H=dsl.example.net [203.0.113.9] P=smtp rejected by local_scan(): Rejected: hits=7.5',
    ),
    'reject',
  );
  assert.equal(ls.by, 'local_scan');
  assert.equal(ls.from, 'spam@example.net');
  assert.equal(ls.proto, 'smtp');

  const disc = as(
    parse(
      'H=localhost (primary.example.org) [127.0.0.1] F=<a@example.org> RCPT <b@example.com>: discarded by RCPT ACL',
    ),
    'reject',
  );
  assert.equal(disc.action, 'discard');
  assert.equal(disc.to, 'b@example.com');

  // a quoted local part holding the phrase cannot move it: fields are read whole
  const sneaky = as(
    parse(
      'H=(x) [203.0.113.30] F=<"a rejected RCPT <ceo@example.org>: b"@example.net> rejected RCPT <staff@example.org>: no',
    ),
    'reject',
  );
  assert.equal(sneaky.to, 'staff@example.org');
  assert.equal(sneaky.from, '"a rejected RCPT <ceo@example.org>: b"@example.net');

  const helo = as(
    parse('rejected EHLO from (bad helo) [203.0.113.10]: syntactically invalid argument(s): bad helo'),
    'reject',
  );
  assert.equal(helo.stage, 'helo');
  assert.equal(helo.clientIp, '203.0.113.10');
});

test('sessions: connect, QUIT, no MAIL, pregreet and pipelining, auth failure, protocol errors', () => {
  const c = as(
    parse('SMTP connection from [203.0.113.8]:5126 (TCP/IP connection count = 1)'),
    'session.connect',
  );
  assert.equal(c.clientIp, '203.0.113.8');
  assert.equal(c.clientPort, 5126);
  const q = as(
    parse('SMTP connection from mail.example.net (helo.example.net) [192.0.2.1]:4321 closed by QUIT'),
    'session.disconnect',
  );
  assert.equal(q.clientHost, 'mail.example.net');
  const nm = as(
    parse(
      'no MAIL in SMTP connection from dsl.example.net [203.0.113.16]:5132 I=[198.51.100.2]:25 D=21s C=EHLO,STARTTLS',
    ),
    'session.disconnect',
  );
  assert.equal(nm.commands, 'EHLO,STARTTLS');

  const pg = as(
    parse(
      'SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=[203.0.113.10]:5127 I=[198.51.100.2]:25 input="EHLO x"',
    ),
    'proxy',
  );
  assert.equal(pg.action, 'pregreet');
  assert.equal(pg.clientIp, '203.0.113.10');
  const pl = as(
    parse(
      'SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected "RSET" H=dsl.example.net [203.0.113.11]:58302 I=[198.51.100.2]:25 next input="QUIT"',
    ),
    'proxy',
  );
  assert.equal(pl.action, 'protocol-violation');

  const af = as(
    parse(
      'dovecot_login authenticator failed for dsl.example.net (client) [203.0.113.14]:5131 I=[198.51.100.2]:587: 535 Incorrect authentication data (set_id=admin@example.com)',
    ),
    'session.auth',
  );
  assert.equal(af.ok, false);
  assert.equal(af.saslMethod, 'dovecot_login');
  assert.equal(af.saslUsername, 'admin@example.com');
  assert.equal(af.clientIp, '203.0.113.14');
  assert.equal(af.clientHost, 'dsl.example.net');

  // the quoted command can carry a fake H=: Exim's own is the last one
  const pe = as(
    parse(
      'SMTP protocol error in "AUTH LOGIN" H=(x) [192.0.2.99]" H=(client) [203.0.113.12] AUTH command used when not advertised',
    ),
    'session.note',
  );
  assert.equal(pe.clientIp, '203.0.113.12');

  const nh = as(parse('no host name found for IP address 203.0.113.13'), 'session.note');
  assert.equal(nh.clientIp, '203.0.113.13');
});

test('authentication results: DKIM pass/body/header/key, DMARC results, SPF logwrite', () => {
  const pass = as(
    parse(
      '1tXyzA-000Abc-12 DKIM: d=example.com s=sel2026 c=relaxed/relaxed a=rsa-sha256 b=2048 [verification succeeded]',
    ),
    'auth.dkim',
  );
  assert.equal(pass.result, 'pass');
  assert.equal(pass.domain, 'example.com');
  assert.equal(pass.selector, 'sel2026');
  assert.equal(pass.failure, undefined);
  const body = as(
    parse(
      '1tXyzA-000Abc-12 DKIM: d=example.com s=sel c=simple/simple a=rsa-sha1 b=1024 [verification failed - body hash mismatch (body probably modified in transit)]',
    ),
    'auth.dkim',
  );
  assert.equal(body.result, 'fail');
  assert.equal(body.failure, 'body');
  const hdr = as(
    parse(
      '1tXyzA-000Abc-12 DKIM: d=example.com s=sel c=relaxed/relaxed a=rsa-sha256 b=2048 [verification failed - signature did not verify (headers probably modified in transit)]',
    ),
    'auth.dkim',
  );
  assert.equal(hdr.failure, 'header');
  const key = as(
    parse(
      '1tXyzA-000Abc-12 DKIM: d=example.com s=gone c=relaxed/relaxed a=rsa-sha256 b=1024 [invalid - public key record (currently?) unavailable]',
    ),
    'auth.dkim',
  );
  assert.equal(key.result, 'temperror');
  assert.equal(key.failure, 'key');
  assert.equal(parse('1tXyzA-000Abc-12 DKIM: validation error: LONG_LINE').kind, 'auth.dkim-note');

  const dm = as(
    parse(
      "1tXyzA-000Abc-12 DMARC results: spf_domain=example.net dmarc_domain=example.com spf_align=no dkim_align=no enforcement='Reject'",
    ),
    'auth.dmarc',
  );
  assert.equal(dm.result, 'fail');
  assert.equal(dm.policy, 'reject');
  assert.equal(dm.domain, 'example.com');
  assert.equal(
    as(
      parse(
        "1tXyzA-000Abc-12 DMARC results: spf_domain=example.com dmarc_domain=example.com spf_align=yes dkim_align=no enforcement='Accept'",
      ),
      'auth.dmarc',
    ).result,
    'pass',
  );

  const spf = as(
    parse(
      '1tXyzA-000Abc-12 SPF: fail (example.com: domain of ceo@example.com does not designate 203.0.113.5 as permitted sender)',
    ),
    'auth.spf',
  );
  assert.equal(spf.result, 'fail');
  assert.equal(spf.scope, 'mfrom');
  assert.equal(spf.domain, 'example.com');
  assert.equal(spf.envelopeFrom, 'ceo@example.com');
});

test('headers: the header-logging convention, Authentication-Results, absent header, rejectlog dumps', () => {
  const h = as(parse('1tXyzA-000Abc-12 header From: "Chief Executive" <ceo@example.com>'), 'header');
  assert.equal(h.name, 'From');
  assert.equal(h.value, '"Chief Executive" <ceo@example.com>');
  assert.equal(h.truncated, false);
  assert.equal(h.queueId, '1tXyzA-000Abc-12');
  const ar = as(
    parse('1tXyzA-000Abc-12 Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.net'),
    'header',
  );
  assert.equal(ar.name, 'Authentication-Results');
  assert.equal(ar.value, 'mx.example.org; spf=pass smtp.mailfrom=example.net');
  assert.equal(parse('1tXyzA-000Abc-12 header Reply-To: ').kind, 'noise');
  const long = as(parse(`1tXyzA-000Abc-12 header Subject: ${'x'.repeat(10_000)}`), 'header');
  assert.equal(long.truncated, true);

  const dump = parseEximRejectlogLine(line('F From: "Boss" <ceo@example.com>', ''));
  assert.ok(dump !== null && dump.kind === 'header');
  assert.equal(dump.name, 'From');
  assert.equal(dump.value, '"Boss" <ceo@example.com>');
  assert.equal(parseEximRejectlogLine(line('Envelope-from: <ceo@example.com>', ''))?.kind, 'message.note');
  assert.equal(parseEximRejectlogLine(line('not a header dump', '')), null);
  assert.equal(parseEximRejectlogLine(line('  Subject: quarterly report', ''))?.kind, 'header');
  assert.equal(
    parseEximRejectlogLine(line('  smtp: postmaster [192.0.2.1] authentication failure', '')),
    null,
  );
});

test('SA-Exim verdicts are filter events; unknown text stays unrecognised', () => {
  const sa = as(
    parse(
      '1VxHRO-000NiI-Ly SA: Action: silently tossed message: score=31.0 required=5.0 trigger=30.0 (scanned in 6/6 secs | Message-Id: x1@example.net). From <a@example.net> (host=dsl.example.net [203.0.113.40]) for me@example.org',
    ),
    'filter',
  );
  assert.equal(sa.action, 'blocked');
  assert.equal(sa.score, 31);
  assert.equal(sa.threshold, 5);
  assert.equal(sa.messageId, 'x1@example.net');
  assert.equal(sa.envelopeFrom, 'a@example.net');
  assert.equal(sa.clientIp, '203.0.113.40');
  assert.deepEqual(sa.recipients, ['me@example.org']);
  assert.equal(parse('completely unknown words here').kind, 'unrecognised');
  assert.equal(parse('1tXyzA-000Abc-12 some free text written by an ACL').kind, 'unrecognised');
  assert.equal(parse('').kind, 'unrecognised');
});

/**
 * Lines Exim 4.96 (Debian 12's exim4-daemon-light, log_selector +all) wrote in a private
 * chroot, fed by our own SMTP clients, a DKIM-signed message and a sink (client addresses
 * mapped to documentation ranges). The message part as ingest hands it over.
 */
const EXIM_4_96: readonly [string, string][] = [
  ['exim 4.96 daemon started: pid=30220, -q30m, listening for SMTP on [127.0.0.1]:2526', 'noise'],
  ['SMTP connection from root', 'session.connect'],
  [
    'H=dsl.example.net (example.org) [203.0.113.5] U=root F=<ceo@example.org> rejected RCPT <nobody@example.org>: No such user here',
    'reject',
  ],
  [
    'H=dsl.example.net (example.org) [203.0.113.5] U=root F=<ceo@example.org> temporarily rejected RCPT <later@example.org>: try again later',
    'reject',
  ],
  [
    'H=dsl.example.net (example.org) [203.0.113.5] U=root F=<ceo@example.org> RCPT <blackhole@example.org>: discarded by RCPT ACL',
    'reject',
  ],
  ['1xX3i0-0005NB-0n header From: "Chief Executive" <ceo@example.org>', 'header'],
  ['1xX3i0-0005NB-0n header Reply-To: <ceo.private@example.net>', 'header'],
  [
    '1xX3i0-0005NB-0n Authentication-Results: mx.example.org;\\n\tiprev=pass (dsl.example.net) smtp.remote-ip=203.0.113.5',
    'header',
  ],
  [
    '1xX3i0-0005NB-0n <= ceo@example.org H=dsl.example.net (example.org) [203.0.113.5] U=root P=esmtp L.- S=455 M8S=0 RT=0.000s id=20261127.1@example.net T="urgent wire transfer" from <ceo@example.org> for alice@example.org',
    'envelope',
  ],
  [
    '1xX3i0-0005NN-0r H=(mail.example.net) [198.51.100.7] U=root F=<news@example.net> rejected after DATA: content rejected',
    'reject',
  ],
  [
    'H=(blocked.example) [198.51.100.8] U=root rejected MAIL <x@blocked.example>: sender domain blocked',
    'reject',
  ],
  [
    'SMTP syntax error in "Subject: hi" H=(blocked.example) [198.51.100.8] U=root unrecognized command',
    'session.note',
  ],
  [
    'SMTP call from (blocked.example) [198.51.100.8] U=root dropped: too many unrecognized commands (last was "body")',
    'session.note',
  ],
  ['1xX3iP-0005mu-31 DKIM: d=example.net s=sel2026 [failed key import]', 'auth.dkim-note'],
  [
    '1xX3iP-0005mu-31 DKIM: d=example.net s=sel2026 c=relaxed/relaxed a=rsa-sha256 b=2048 t=1795815766 [invalid - public key record (currently?) unavailable]',
    'auth.dkim',
  ],
  [
    '1xX3iP-0005n6-35 DKIM: d=example.net s=sel2026 c=relaxed/relaxed a=rsa-sha256 b=2048 t=1795815766 [verification failed - body hash mismatch (body probably modified in transit)]',
    'auth.dkim',
  ],
  [
    '1xX3iP-0005mu-31 => alice <alice@example.org> F=<alerts@example.net> P=<alerts@example.net> R=local_user T=local_delivery S=979 QT=0.007s DT=0.001s',
    'delivery',
  ],
  ['1xX3iP-0005mu-31 Completed QT=0.011s', 'message.closed'],
  ['SMTP connection from root closed by QUIT', 'session.disconnect'],
  [
    '1xX3iP-0005nB-38 <= alice@example.org U=root P=local S=307 M8S=0 RT=0.000s id*=E1xX3iP-0005nB-38@mx.example.org T="outbound" from <alice@example.org> for bob@example.com unknown@example.com grey@example.com',
    'envelope',
  ],
  [
    '1xX3iP-0005nB-38 => bob@example.com F=<alice@example.org> P=<alice@example.org> R=remote T=remote_smtp S=321 H=mx.example.com [198.51.100.25]:25 I=[192.0.2.10]:55024 C="250 2.0.0 Ok: queued as 4Sink00001" QT=0.009s DT=0.002s',
    'delivery',
  ],
  [
    '1xX3iP-0005nB-38 ** unknown@example.com F=<alice@example.org> P=<alice@example.org> R=remote T=remote_smtp H=mx.example.com [198.51.100.25]:25 I=[192.0.2.10]:55024: SMTP error from remote mail server after RCPT TO:<unknown@example.com>: 550 5.1.1 <unknown@example.com>: Recipient address rejected: User unknown DT=0.000s',
    'delivery',
  ],
  [
    '1xX3iP-0005nB-38 == grey@example.com R=remote T=remote_smtp defer (-44) H=mx.example.com [198.51.100.25]:25 I=[192.0.2.10]:55024 DT=0.000s: SMTP error from remote mail server after RCPT TO:<grey@example.com>: 451 4.7.1 Greylisted, try later',
    'delivery',
  ],
  ['1xX3iP-0005nB-38 == grey@example.com routing defer (-52) DT=0.000s: retry time not reached', 'delivery'],
  [
    '1xX3iP-0005nG-3B <= <> R=1xX3iP-0005nB-38 U=Debian-exim P=local S=1846 M8S=0 RT=0.000s id*=E1xX3iP-0005nG-3B@mx.example.org T="Mail delivery failed: returning message to sender" from <> for alice@example.org',
    'envelope',
  ],
  [
    'SMTP connection from [192.0.2.20]:51188 I=[192.0.2.10]:25 (TCP/IP connection count = 1)',
    'session.connect',
  ],
  [
    'H=(client.example.net) [192.0.2.20]:51188 I=[192.0.2.10]:25 F=<alice@example.org> A=plain_server:alice rejected RCPT <bob@example.com>: relay not permitted',
    'reject',
  ],
  [
    'H=(client.example.net) [192.0.2.20]:51188 I=[192.0.2.10]:25 incomplete transaction (sync failure) from <alice@example.org>',
    'session.note',
  ],
  [
    'SMTP protocol synchronization error (next input sent too soon: pipelining was advertised): rejected "From: "Alice" <alice@example.org>" H=(client.example.net) [192.0.2.20]:51188 I=[192.0.2.10]:25 next input="To: bob@example.com\\r\\n"',
    'proxy',
  ],
  [
    'plain_server authenticator failed for (client.example.net) [192.0.2.21]:54458 I=[192.0.2.10]:25: 535 Incorrect authentication data (set_id=admin)',
    'session.auth',
  ],
  [
    'SMTP connection from (idle.example.net) [192.0.2.22]:48124 I=[192.0.2.10]:25 closed by QUIT',
    'session.disconnect',
  ],
  [
    'no MAIL in SMTP connection from (idle.example.net) [192.0.2.22]:48124 I=[192.0.2.10]:25 D=1.307s C=EHLO,QUIT',
    'session.disconnect',
  ],
];

test('a real Exim 4.96 transcript: every line recognised, with its fields', () => {
  const ev = (needle: string) => {
    const row = EXIM_4_96.find(([m]) => m.includes(needle));
    assert.ok(row !== undefined, needle);
    return parse(row[0]);
  };
  for (const [m, kind] of EXIM_4_96) assert.equal(parse(m).kind, kind, m);

  assert.equal(as(ev('SMTP connection from root'), 'session.connect').clientHost, undefined);
  const arrival = as(ev('<= ceo@example.org'), 'envelope');
  assert.equal(arrival.clientHost, 'dsl.example.net');
  assert.equal(arrival.helo, 'example.org');
  assert.equal(arrival.clientIp, '203.0.113.5');
  assert.equal(arrival.messageId, '20261127.1@example.net');
  assert.deepEqual(arrival.recipients, ['alice@example.org']);
  // id*= is the Message-ID Exim generated itself: the sender supplied none
  assert.equal(as(ev('T="outbound"'), 'envelope').messageId, undefined);
  assert.equal(as(ev('header Reply-To'), 'header').value, '<ceo.private@example.net>');
  const unavailable = as(ev('currently?'), 'auth.dkim');
  assert.equal(unavailable.result, 'temperror');
  assert.equal(unavailable.domain, 'example.net');
  assert.equal(as(ev('failed key import'), 'auth.dkim-note').note, 'key-import-failed');
  const sent = as(ev('=> bob@example.com'), 'delivery');
  assert.equal(sent.relay, 'mx.example.com[198.51.100.25]:25');
  assert.equal(sent.queuedAs, '4Sink00001');
  const bounced = as(ev('** unknown@'), 'delivery');
  assert.equal(bounced.status, 'bounced');
  assert.equal(bounced.dsn, '5.1.1');
  assert.ok(bounced.detail?.endsWith('User unknown'), bounced.detail);
  const grey = as(ev('defer (-44)'), 'delivery');
  assert.equal(grey.status, 'deferred');
  assert.equal(grey.dsn, '4.7.1');
  const local = as(ev('=> alice <alice@example.org>'), 'delivery');
  assert.equal(local.to, 'alice@example.org');
  const discard = as(ev('discarded by RCPT ACL'), 'reject');
  assert.equal(discard.action, 'discard');
  assert.equal(discard.to, 'blackhole@example.org');
  const relayDenied = as(ev('A=plain_server:alice'), 'reject');
  assert.equal(relayDenied.from, 'alice@example.org');
  assert.equal(relayDenied.clientPort, 51188);
  const auth = as(ev('plain_server authenticator failed'), 'session.auth');
  assert.equal(auth.saslUsername, 'admin');
  assert.equal(as(ev('no MAIL in'), 'session.disconnect').commands, 'EHLO,QUIT');
  assert.equal(as(ev('next input sent too soon'), 'proxy').action, 'protocol-violation');
});

test('hostile lines: bounded time, one event each', () => {
  const lines = [
    '1tXyzA-000Abc-12 <= a@example.net ' + 'H=('.repeat(20_000),
    'H=' + '['.repeat(60_000),
    'H=(x) [192.0.2.1] F=<"' + 'a'.repeat(60_000),
    '1tXyzA-000Abc-12 => ' + ' R'.repeat(30_000),
    'SMTP protocol error in "' + ' H='.repeat(20_000),
    '1tXyzA-000Abc-12 ** a@example.org' + ': '.repeat(30_000),
    '1tXyzA-000Abc-12 DKIM: d=' + ' [x]'.repeat(15_000),
    '1tXyzA-000Abc-12 <= a@example.net T="' + '\\"'.repeat(30_000),
  ];
  for (const m of lines) {
    const t0 = performance.now();
    const ev = parse(m);
    const ms = performance.now() - t0;
    assert.equal(typeof ev.kind, 'string');
    assert.ok(ms < 500, `${ms.toFixed(1)} ms for ${m.slice(0, 40)}`);
  }
});
