import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { as, syslogLine } from './test-lines.js';
import { parseSendmail, readKv, sendmailQueueIdLength, sendmailStatus, SAMPLES } from './sendmail.js';

function line(message: string, program = 'sm-mta'): LogLine {
  return syslogLine(program, 4242, message, Date.UTC(2026, 10, 20, 10, 0, 0));
}

function parse(message: string, program = 'sm-mta'): LogEvent {
  return parseSendmail(line(message, program));
}

test('every sample parses to its stated kind, as producer sendmail', () => {
  for (const s of SAMPLES) {
    const ev = parse(s.message, s.program);
    assert.equal(ev.kind, s.kind, s.message);
    assert.equal(ev.producer, 'sendmail');
  }
});

test('queue ids: 8.12+ (8 + pid of 5..10 digits) and pre-8.12 (7 + 5)', () => {
  assert.equal(sendmailQueueIdLength('u9LHfL3Q012345: x', 0), 14);
  assert.equal(sendmailQueueIdLength('k1SN9pkK15806618: x', 0), 16);
  assert.equal(sendmailQueueIdLength('xA32R2PQ3529566: x', 0), 15);
  assert.equal(sendmailQueueIdLength('hBDL9KW07358: x', 0), 12);
  assert.equal(sendmailQueueIdLength('NOQUEUE: x', 0), 0);
  assert.equal(sendmailQueueIdLength('u9LHfL3QABCDEF: x', 0), 0);
  assert.equal(sendmailQueueIdLength('u9LHfL3Q012345 x', 0), 0);
});

test('from= line: envelope with message-id, proto and the SMTP client from relay=', () => {
  const ev = as(
    parse(
      'u9LHfL3Q012345: from=<alice@example.com>, size=1234, class=0, nrcpts=2, msgid=<abc@example.com>, bodytype=8BITMIME, proto=ESMTPS, daemon=MTA, tls_verify=NONE, auth=NONE, relay=mail.example.net [192.0.2.1]',
    ),
    'envelope',
  );
  assert.equal(ev.queueId, 'u9LHfL3Q012345');
  assert.equal(ev.from, 'alice@example.com');
  assert.equal(ev.size, 1234);
  assert.equal(ev.nrcpt, 2);
  assert.equal(ev.messageId, 'abc@example.com');
  assert.equal(ev.proto, 'ESMTPS');
  assert.equal(ev.clientHost, 'mail.example.net');
  assert.equal(ev.clientIp, '192.0.2.1');
  assert.equal(ev.saslUsername, undefined);
  assert.equal(ev.saslMethod, undefined);
  assert.equal(ev.daemon, 'mta');
  const authed = as(
    parse(
      'u9LHfL3Q012346: from=<alice@example.com>, size=10, class=0, nrcpts=1, proto=ESMTPSA, daemon=MSA, tls_verify=NO, auth=PLAIN, relay=client.example.net [192.0.2.44]',
    ),
    'envelope',
  );
  assert.equal(authed.saslMethod, 'PLAIN');
  assert.equal(authed.saslUsername, undefined);
  assert.equal(ev.instance, 'sm-mta');
});

test('relay= "(may be forged)" keeps the claimed name apart; IPv6 tag is removed', () => {
  const ev = as(
    parse(
      'u9LHfL3Q012345: from=<>, size=88, class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=fake.example.com [IPv6:2001:db8::1] (may be forged)',
    ),
    'envelope',
  );
  assert.equal(ev.from, '');
  assert.equal(ev.clientHost, 'unknown');
  assert.equal(ev.clientHostUnverified, 'fake.example.com');
  assert.equal(ev.clientIp, '2001:db8::1');
});

test('relay= without the $_ macro: "name (ip)"; split from= lines of small-syslog builds', () => {
  const ev = as(
    parse(
      'u9LHfL3Q012361: from=<a@example.net>, size=5, class=0, nrcpts=1, relay=mail.example.net (192.0.2.61)',
    ),
    'envelope',
  );
  assert.equal(ev.clientHost, 'mail.example.net');
  assert.equal(ev.clientIp, '192.0.2.61');
  const id = as(parse('u9LHfL3Q012361: msgid=<x7@example.net>'), 'message.id');
  assert.equal(id.messageId, 'x7@example.net');
  assert.equal(parse('u9LHfL3Q012361: size=5, class=0, nrcpts=1').kind, 'message.note');
});

test('local submission relay=user@host is not an SMTP client', () => {
  const ev = as(
    parse(
      'u9LHfM2b012400: from=root, size=312, class=0, nrcpts=1, msgid=<x@host.example.com>, relay=root@localhost',
      'sm-msp-queue',
    ),
    'envelope',
  );
  assert.equal(ev.from, 'root');
  assert.equal(ev.clientIp, undefined);
  assert.equal(ev.clientHost, undefined);
  assert.equal(ev.daemon, 'msp');
});

test('to= lines: status, dsn, relay, delay, queued-as and several recipients', () => {
  const sent = as(
    parse(
      'u9LHfL3Q012345: to=<carol@example.org>,<dave@example.org>, ctladdr=<alice@example.com> (1000/1000), delay=1+00:00:05, xdelay=00:00:01, mailer=esmtp, pri=121234, relay=mx.example.org. [198.51.100.7], dsn=2.0.0, stat=Sent (Ok: queued as 4XyZ1r2Abc)',
    ),
    'delivery',
  );
  assert.equal(sent.to, 'carol@example.org');
  assert.deepEqual(sent.recipients, ['carol@example.org', 'dave@example.org']);
  assert.equal(sent.status, 'sent');
  assert.equal(sent.dsn, '2.0.0');
  assert.equal(sent.relay, 'mx.example.org[198.51.100.7]');
  assert.equal(sent.delay, 86405);
  assert.equal(sent.queuedAs, '4XyZ1r2Abc');
  assert.equal(sent.detail, 'Sent (Ok: queued as 4XyZ1r2Abc)');

  const sm = as(
    parse(
      'qA7LqlqC029841: to=<u@example.org>, delay=00:00:00, mailer=esmtp, pri=1, relay=lds.example.org. [192.0.2.9], dsn=2.0.0, stat=Sent (qA7Lqlbm023338 Message accepted for delivery)',
    ),
    'delivery',
  );
  assert.equal(sm.queuedAs, 'qA7Lqlbm023338');

  const deferred = as(
    parse(
      'u9LHfL3Q012345: to=<e@example.org>, delay=00:00:15, mailer=esmtp, pri=1, relay=[192.0.2.5] [192.0.2.5], dsn=4.3.5, stat=Deferred: 451 4.3.5 Server configuration problem',
    ),
    'delivery',
  );
  assert.equal(deferred.status, 'deferred');
  assert.equal(deferred.relay, '[192.0.2.5]');

  const bounced = as(
    parse(
      'u9LHfL3Q012345: to=<f@example.org>, delay=00:00:01, mailer=esmtp, pri=1, dsn=5.1.1, stat=User unknown',
    ),
    'delivery',
  );
  assert.equal(bounced.status, 'bounced');
  assert.equal(sendmailStatus('queued', undefined), 'queued');
  assert.equal(sendmailStatus('Service unavailable', '4.7.1'), 'deferred');
});

test('ruleset rejects: stage from the ruleset, code, dsn, sender or recipient', () => {
  const mail = as(
    parse(
      'u9LHfL3Q012346: ruleset=check_mail, arg1=<ceo@example.com>, relay=[203.0.113.9], reject=553 5.1.8 <ceo@example.com>... Domain of sender address ceo@example.com does not exist',
    ),
    'reject',
  );
  assert.equal(mail.stage, 'mail');
  assert.equal(mail.action, 'reject');
  assert.equal(mail.code, 553);
  assert.equal(mail.dsn, '5.1.8');
  assert.equal(mail.from, 'ceo@example.com');
  assert.equal(mail.by, 'ruleset=check_mail');
  assert.equal(mail.clientIp, '203.0.113.9');
  assert.match(mail.reason, /^<ceo@example.com>\.\.\. Domain of sender/u);

  const rcpt = as(
    parse(
      's1N9aKAw012603: ruleset=check_rcpt, arg1=<user@example.org>, relay=dsl.example.net [203.0.113.10] (may be forged), reject=450 4.4.0 <user@example.org>... Relaying temporarily denied. Cannot resolve PTR record for 203.0.113.10',
    ),
    'reject',
  );
  assert.equal(rcpt.stage, 'rcpt');
  assert.equal(rcpt.action, 'defer');
  assert.equal(rcpt.to, 'user@example.org');
  assert.equal(rcpt.clientHostUnverified, 'dsl.example.net');

  const relay = as(
    parse(
      'ruleset=check_relay, arg1=[203.0.113.11], arg2=203.0.113.11, relay=[203.0.113.11], reject=421 4.3.2 Too many open connections.',
    ),
    'reject',
  );
  assert.equal(relay.stage, 'connect');
  assert.equal(relay.queueId, undefined);

  const cut = parse('k1SN9pkK15806618: ruleset=check_mail, arg1=<x@example.com>,', 'sendmail');
  assert.equal(cut.kind, 'session.note');
});

test('milter: added headers, rejects and chatter', () => {
  const h = as(
    parse(
      'u9LHfL3Q012345: Milter add: header: Authentication-Results: mx.example.org; dmarc=fail header.from=example.com',
    ),
    'header',
  );
  assert.equal(h.name, 'Authentication-Results');
  assert.equal(h.value, 'mx.example.org; dmarc=fail header.from=example.com');
  assert.equal(h.milter, true);
  assert.equal(h.action, 'add');
  assert.equal(h.truncated, false);

  const ins = as(
    parse(
      'u9LHfL3Q012345: Milter insert (1): header: DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel',
    ),
    'header',
  );
  assert.equal(ins.name, 'DKIM-Signature');
  assert.equal(ins.action, 'insert');

  const chg = as(
    parse(
      'u9LHfL3Q012345: Milter change: header Subject: from meet me to discuss to [SPAM] meet me to discuss',
    ),
    'header',
  );
  assert.equal(chg.action, 'change');
  assert.equal(chg.name, 'Subject');
  assert.equal(chg.value, '[SPAM] meet me to discuss');
  const add = as(parse('u9LHfL3Q012345: Milter change (add): header: X-Spam-Flag: YES'), 'header');
  assert.equal(add.name, 'X-Spam-Flag');
  assert.equal(add.value, 'YES');
  const def = as(
    parse('u9LHfL3Q012345: Milter change: default header From value with "Alice" <alice@example.com>'),
    'header',
  );
  assert.equal(def.name, 'From');
  assert.equal(def.value, '"Alice" <alice@example.com>');
  const del = as(
    parse('u9LHfL3Q012345: Milter delete: header Authentication-Results: mx.example.org; dkim=pass'),
    'header',
  );
  assert.equal(del.action, 'delete');
  assert.equal(del.name, 'Authentication-Results');
  assert.equal(del.value, 'mx.example.org; dkim=pass');
  const chgfrom = as(parse('u9LHfL3Q012345: Milter chgfrom: <bounce@example.net>'), 'message.note');
  assert.equal(chgfrom.note, 'Milter chgfrom: <bounce@example.net>');
  assert.equal(parse('u9LHfL3Q012345: Milter add: rcpt: <archive@example.org>').kind, 'message.note');

  const r = as(
    parse('u9LHfL3Q012348: Milter: data, reject=550 5.7.1 rejected by DMARC policy for example.com'),
    'reject',
  );
  assert.equal(r.by, 'milter');
  assert.equal(r.stage, 'end-of-data');
  assert.equal(r.code, 550);
  assert.equal(r.reason, 'rejected by DMARC policy for example.com');

  const f = as(
    parse('u9LHfL3Q012349: Milter: from=<ceo@example.com>, reject=451 4.7.1 Try again later'),
    'reject',
  );
  assert.equal(f.stage, 'mail');
  assert.equal(f.from, 'ceo@example.com');
  assert.equal(f.action, 'defer');

  assert.equal(parse('u31FFPtp032300: Milter: no active filter').kind, 'noise');
  assert.equal(parse('u9LHfL3Q012345: Milter (opendkim): init success to negotiate').kind, 'noise');
});

test('AUTH and STARTTLS: session facts; outbound TLS is only a note', () => {
  const ok = as(
    parse(
      'AUTH=server, relay=client.example.net [192.0.2.44] (may be forged), authid=alice@example.com, mech=LOGIN, bits=0',
    ),
    'session.auth',
  );
  assert.equal(ok.ok, true);
  assert.equal(ok.saslUsername, 'alice@example.com');
  assert.equal(ok.saslMethod, 'LOGIN');
  assert.equal(ok.clientIp, '192.0.2.44');

  const bad = as(
    parse(
      '06I02CNi016765: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=admin, relay=[192.0.2.100], relay=[192.0.2.4] (may be forged)',
      'sendmail',
    ),
    'session.auth',
  );
  assert.equal(bad.ok, false);
  assert.equal(bad.saslMethod, 'LOGIN');
  assert.equal(bad.saslUsername, 'admin, relay=[192.0.2.100]');
  assert.equal(bad.clientIp, '192.0.2.4');

  const tls = as(
    parse(
      'STARTTLS=server, relay=mail.example.net [192.0.2.1], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256',
    ),
    'session.tls',
  );
  assert.equal(tls.tlsProtocol, 'TLSv1.3');
  assert.equal(tls.tlsCipher, 'TLS_AES_256_GCM_SHA384');
  assert.equal(tls.tlsTrust, 'Anonymous');
  assert.equal(tls.clientIp, '192.0.2.1');

  assert.equal(
    parse(
      'STARTTLS=client, relay=mx.example.org., version=TLSv1.2, verify=OK, cipher=AES128-SHA, bits=128/128',
    ).kind,
    'session.note',
  );
});

test('DSN notes carry the new queue id; done closes the message', () => {
  const n = as(parse('u9LHfL3Q012345: u9LHfL3R012351: DSN: User unknown'), 'message.note');
  assert.equal(n.queueId, 'u9LHfL3Q012345');
  assert.equal(n.relatedQueueId, 'u9LHfL3R012351');
  assert.equal(n.note, 'DSN: User unknown');
  const r = as(
    parse('u9LHfL3Q012345: u9LHfL3R012352: return to sender: Service unavailable'),
    'message.note',
  );
  assert.equal(r.relatedQueueId, 'u9LHfL3R012352');
  const d = as(parse('u9LHfL3Q012345: done; delay=00:00:00, ntries=2'), 'message.closed');
  assert.equal(d.reason, 'completed');
});

test('connection-level lines: pregreet, did not issue MAIL, lost input, attacks, user unknown', () => {
  const p = as(
    parse(
      's1R9r60D044307: rejecting commands from  [203.0.113.20] due to pre-greeting traffic after 0 seconds',
    ),
    'proxy',
  );
  assert.equal(p.action, 'pregreet');
  assert.equal(p.clientIp, '203.0.113.20');

  const d = as(
    parse(
      'v26LtRA0020949: dsl.example.net [203.0.113.21] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA',
    ),
    'session.note',
  );
  assert.equal(d.clientHost, 'dsl.example.net');
  assert.equal(d.clientIp, '203.0.113.21');
  assert.match(d.note, /^did not issue MAIL/u);

  const l = as(
    parse('56VFYCxS024291: lost input channel from mail.example.net [192.0.2.30] to MTA-v4 after rcpt'),
    'session.note',
  );
  assert.equal(l.clientIp, '192.0.2.30');

  const a = as(
    parse(
      's1OHxxSn001499: host.example.net [203.0.113.22] (may be forged): possible SMTP attack: command=AUTH, count=6',
    ),
    'session.note',
  );
  assert.equal(a.clientIp, '203.0.113.22');
  assert.equal(a.clientHostUnverified, 'host.example.net');

  const u = as(parse('rA37ZTSC026250: <nobody@example.org>... No such user here', 'sendmail'), 'reject');
  assert.equal(u.to, 'nobody@example.org');
  assert.equal(u.stage, 'rcpt');

  const c = as(parse('NOQUEUE: connect from dsl.example.net [203.0.113.23]'), 'session.connect');
  assert.equal(c.queueId, undefined);
  assert.equal(c.clientIp, '203.0.113.23');

  const sol = as(
    parse(
      '[ID 801593 mail.notice] k856Hah0007735: ruleset=check_rcpt, arg1=<sc@example.org>, relay=[192.0.2.7], reject=553 5.3.0 <sc@example.org>... rejected',
      'sendmail',
    ),
    'reject',
  );
  assert.equal(sol.queueId, 'k856Hah0007735');
});

test('attacker-written addresses cannot add key=value pairs', () => {
  const ev = as(
    parse(
      'u9LHfL3Q012360: from=<"x, auth=admin, relay=[192.0.2.99]"@example.net>, size=10, class=0, nrcpts=1, msgid=<y, proto=ESMTPSA@example.net>, proto=SMTP, daemon=MTA, relay=[203.0.113.50]',
    ),
    'envelope',
  );
  assert.equal(ev.from, '"x, auth=admin, relay=[192.0.2.99]"@example.net');
  assert.equal(ev.saslMethod, undefined);
  assert.equal(ev.messageId, 'y, proto=ESMTPSA@example.net');
  assert.equal(ev.proto, 'SMTP');
  assert.equal(ev.clientIp, '203.0.113.50');
  const d = as(
    parse(
      'u9LHfL3Q012360: to=<a@example.org>,<"b, relay=[192.0.2.98], dsn=2.0.0"@example.org>, delay=00:00:01, mailer=esmtp, pri=1, dsn=5.1.1, stat=User unknown',
    ),
    'delivery',
  );
  assert.equal(d.relay, undefined);
  assert.equal(d.dsn, '5.1.1');
  assert.deepEqual(d.recipients, ['a@example.org', '"b, relay=[192.0.2.98], dsn=2.0.0"@example.org']);
});

test('unknown text stays unrecognised; key=value reader stops at stat/reject', () => {
  assert.equal(parse('something entirely different').kind, 'unrecognised');
  assert.equal(parse('').kind, 'unrecognised');
  const kv = readKv('to=<a@example.org>, stat=Sent (x, y=z)', 0);
  assert.deepEqual({ ...kv }, { to: '<a@example.org>', stat: 'Sent (x, y=z)' });
});

/**
 * Lines Sendmail 8.17.1.9 (Debian 12's sendmail-bin) wrote in a private chroot, driven by
 * our own SMTP clients and a sink (client addresses mapped to documentation ranges).
 */
const SENDMAIL_8_17: readonly [string, string, string][] = [
  ['sendmail', 'starting daemon (8.17.1.9): SMTP+queueing@00:30:00', 'noise'],
  ['sendmail', 'STARTTLS: ServerCertFile missing', 'noise'],
  [
    'sendmail',
    'unable to write pid to /var/run/sendmail/mta/sendmail.pid: No such file or directory',
    'noise',
  ],
  ['sendmail', 'error: safesasl(/etc/sasl2/Sendmail.conf) failed: No such file or directory', 'noise'],
  ['sendmail', 'NOQUEUE: connect from [192.0.2.10]', 'session.connect'],
  ['sendmail', 'AUTH warning: no mechanisms', 'session.note'],
  ['sendmail', '6ARLlIei007906: Milter: no active filter', 'noise'],
  [
    'sendmail',
    '6ARLlIei007906: ruleset=check_rcpt, arg1=<x@example.com>, relay=[192.0.2.10], reject=550 5.7.1 <x@example.com>... Relaying denied. IP name lookup failed [192.0.2.10]',
    'reject',
  ],
  [
    'sendmail',
    '6ARLlIei007906: from=<ceo@example.org>, size=126, class=0, nrcpts=2, msgid=<20261127.9@example.net>, proto=ESMTP, daemon=MTA, relay=[192.0.2.10]',
    'envelope',
  ],
  [
    'sendmail',
    '6ARLlIei007906: to=<alice@example.org>, delay=00:00:00, mailer=local, pri=60126, stat=queued',
    'delivery',
  ],
  [
    'sendmail',
    '6ARLlJUN007942: ruleset=check_mail, arg1=<spammer@example.net>, relay=[192.0.2.11], reject=550 5.7.1 <spammer@example.net>... Sender blocked by policy',
    'reject',
  ],
  [
    'sendmail',
    'ruleset=check_relay, arg1=[203.0.113.66], arg2=203.0.113.66, relay=[203.0.113.66], reject=550 5.7.1 Access denied',
    'reject',
  ],
  [
    'sendmail',
    '6ARLlKIJ007966: rejecting commands from [192.0.2.12] [192.0.2.12] due to pre-greeting traffic after 0 seconds',
    'proxy',
  ],
  [
    'sendmail',
    '6ARLlKH5007998: [192.0.2.13] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA',
    'session.note',
  ],
  ['sendmail', '6ARLkrbf007290: collect: premature EOM: unexpected close', 'session.note'],
  [
    'sendmail',
    '6ARLkrbf007290: collect: relay=[192.0.2.14], from=<a@example.net>, info=unexpected close',
    'session.note',
  ],
  ['sendmail', '6ARLlLnQ008080: [192.0.2.15]: VRFY root', 'session.note'],
  ['sendmail', 'NOQUEUE: connect from root@localhost', 'session.connect'],
  [
    'sendmail',
    '6ARLlMSn008093: from=alice@example.org, size=69, class=0, nrcpts=3, msgid=<202611272147.6ARLlMSn008093@vm>, relay=root@localhost',
    'envelope',
  ],
  ['sendmail', '6ARLlMSn008093: SMTP outgoing connect on localhost', 'noise'],
  [
    'sendmail',
    '6ARLlMSn008093: to=grey@example.com, ctladdr=alice@example.org (1000/1000), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=90069, relay=[198.51.100.25] [198.51.100.25], dsn=4.3.0, reply=451 4.7.1 Greylisted, try later, stat=Deferred: 451 4.7.1 Greylisted, try later',
    'delivery',
  ],
  [
    'sendmail',
    '6ARLlMSn008093: to=unknown@example.com, ctladdr=alice@example.org (1000/1000), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=90069, relay=[198.51.100.25] [198.51.100.25], dsn=5.1.1, reply=550 5.1.1 <unknown@example.com>: Recipient address rejected: User unknown, stat=User unknown',
    'delivery',
  ],
  [
    'sendmail',
    '6ARLlMSn008093: to=bob@example.com, ctladdr=alice@example.org (1000/1000), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=90069, relay=[198.51.100.25] [198.51.100.25], dsn=2.0.0, stat=Sent (2.0.0 Ok: queued as 4Sink00002)',
    'delivery',
  ],
  ['sendmail', 'STARTTLS=client, init=1', 'noise'],
  // with OpenDKIM 2.11 as a milter (MilterLogLevel 14)
  ['sendmail', '6ARM0XFV019512: milter=opendkim, action=rcpt, continue', 'noise'],
  [
    'sendmail',
    '6ARM0XFV019512: Milter (opendkim) insert (0): header: DKIM-Signature:  v=1; a=rsa-sha256; c=simple/simple; d=example.org; s=sel;\\n\\tt=1795816834; bh=X9UaD8+KhslwHMh0h7t7+IyYe6bknNnUXequPzcd/JY=;\\n\\th=From:Reply-To:To:Subject;\\n\\tb=bDivT3o64BsJ2N/S4OMRonrbP8DKVGtyHRjlnmYiSqYgd6sqmkBvfjDdlMmmX',
    'header',
  ],
  ['sendmail', '6ARM0XFV019512: Milter accept: message', 'noise'],
  // SENDMAIL_HEADER_LOGGING_MC in sendmail.mc
  ['sendmail', '6ARLopH4017273: header.From:Chief Executive<ceo@example.org>', 'header'],
  ['sendmail', '6ARLopH4017273: header.Reply-To:<ceo.private@example.net>', 'header'],
];

test('a real Sendmail 8.17 transcript: every line recognised, with its fields', () => {
  const events = SENDMAIL_8_17.map(([program, message, kind]) => {
    const ev = parse(message, program);
    assert.equal(ev.kind, kind, message);
    return ev;
  });
  const byMsg = (needle: string) => {
    const i = SENDMAIL_8_17.findIndex(([, m]) => m.includes(needle));
    const ev = events[i];
    assert.ok(ev !== undefined, needle);
    return ev;
  };
  const env = as(byMsg('from=<ceo@example.org>'), 'envelope');
  assert.equal(env.queueId, '6ARLlIei007906');
  assert.equal(env.clientIp, '192.0.2.10');
  assert.equal(env.clientHost, undefined);
  assert.equal(env.messageId, '20261127.9@example.net');
  assert.equal(as(byMsg('connect from root@localhost'), 'session.connect').clientHost, undefined);
  const local = as(byMsg('relay=root@localhost'), 'envelope');
  assert.equal(local.clientIp, undefined);
  const grey = as(byMsg('to=grey@'), 'delivery');
  assert.equal(grey.status, 'deferred');
  assert.equal(grey.relay, '[198.51.100.25]');
  const unknown = as(byMsg('to=unknown@'), 'delivery');
  assert.equal(unknown.status, 'bounced');
  assert.equal(unknown.dsn, '5.1.1');
  assert.equal(
    unknown.detail,
    'User unknown (550 5.1.1 <unknown@example.com>: Recipient address rejected: User unknown)',
  );
  const sent = as(byMsg('to=bob@'), 'delivery');
  assert.equal(sent.queuedAs, '4Sink00002');
  assert.equal(as(byMsg('pre-greeting'), 'proxy').clientIp, '192.0.2.12');
  assert.equal(as(byMsg('check_relay'), 'reject').stage, 'connect');
  assert.equal(as(byMsg('collect: relay='), 'session.note').clientIp, '192.0.2.14');
  const sig = as(byMsg('Milter (opendkim) insert'), 'header');
  assert.equal(sig.name, 'DKIM-Signature');
  assert.equal(sig.action, 'insert');
  assert.equal(sig.milter, true);
  assert.ok(sig.value.startsWith(' v=1; a=rsa-sha256;'), sig.value);
  const from = as(byMsg('header.From:'), 'header');
  assert.equal(from.queueId, '6ARLopH4017273');
  assert.equal(from.name, 'From');
  assert.equal(from.value, 'Chief Executive<ceo@example.org>');
  assert.equal(from.milter, undefined);
  assert.equal(as(byMsg('header.Reply-To:'), 'header').value, '<ceo.private@example.net>');
});

test('hostile lines: bounded time, one event each', () => {
  const lines = [
    'u9LHfL3Q012345: from=' + ', a'.repeat(20_000),
    'u9LHfL3Q012345: to=<' + '<,'.repeat(30_000),
    'u9LHfL3Q012345: to=' + '<"a, b=c">,'.repeat(6_000) + ', stat=Sent',
    'u9LHfL3Q012345: Milter change: header Subject: from ' + 'x to '.repeat(12_000),
    'ruleset=check_rcpt, ' + 'x=, '.repeat(15_000),
    'u9LHfL3Q012345: ' + '[192.0.2.1] '.repeat(5_000),
    'AUTH failure (' + ', user='.repeat(8_000),
  ];
  for (const m of lines) {
    const t0 = performance.now();
    const ev = parse(m);
    const ms = performance.now() - t0;
    assert.equal(typeof ev.kind, 'string');
    assert.ok(ms < 500, `${ms.toFixed(1)} ms for ${m.slice(0, 40)}`);
  }
});
