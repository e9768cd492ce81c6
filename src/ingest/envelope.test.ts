import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope, createEnvelopeContext } from './envelope.js';
import type { LogLine } from './line.js';

const src = { file: 'mail.log', line: 1 };
/** Reference time: 2026-11-27 12:00 UTC (the file's mtime). */
const REF = Date.UTC(2026, 10, 27, 12, 0, 0);

function parse(text: string, ref = REF): LogLine {
  return parseEnvelope(text, src, createEnvelopeContext(ref, 'UTC'));
}

function fields(l: LogLine): Omit<LogLine, 'raw' | 'src'> {
  return { time: l.time, host: l.host, program: l.program, pid: l.pid, message: l.message };
}

test('RFC 3164 with a space-padded day', () => {
  const l = parse(
    'Nov  7 13:52:47 mx1.example.com postfix/smtpd[29846]: connect from mail.example.net[192.0.2.10]',
  );
  assert.deepEqual(fields(l), {
    time: Date.UTC(2026, 10, 7, 13, 52, 47),
    host: 'mx1.example.com',
    program: 'postfix/smtpd',
    pid: 29846,
    message: 'connect from mail.example.net[192.0.2.10]',
  });
  assert.equal(
    l.raw,
    'Nov  7 13:52:47 mx1.example.com postfix/smtpd[29846]: connect from mail.example.net[192.0.2.10]',
  );
  assert.equal(l.src, src);
});

test('RFC 3164 with a zero-padded, an unpadded and a two-digit day', () => {
  assert.equal(parse('Nov 07 13:52:47 mx1 opendkim[12]: x').time, Date.UTC(2026, 10, 7, 13, 52, 47));
  assert.equal(parse('Nov 7 13:52:47 mx1 opendkim[12]: x').time, Date.UTC(2026, 10, 7, 13, 52, 47));
  const l = parse('Nov 17 01:02:03 mx1 opendkim[12]: 4AA091855DA0: DKIM verification successful');
  assert.equal(l.time, Date.UTC(2026, 10, 17, 1, 2, 3));
  assert.equal(l.program, 'opendkim');
  assert.equal(l.message, '4AA091855DA0: DKIM verification successful');
});

test('RFC 3164 with fractional seconds and with a year before or after the time', () => {
  assert.equal(parse('Nov  7 13:52:47.250 mx1 sm-mta[1]: x').time, Date.UTC(2026, 10, 7, 13, 52, 47, 250));
  const a = parse('Nov  7 2024 13:52:47 mx1 sm-mta[1]: x');
  assert.equal(a.time, Date.UTC(2024, 10, 7, 13, 52, 47));
  assert.equal(a.host, 'mx1');
  const b = parse('Nov  7 13:52:47 2024 mx1 sm-mta[1]: x');
  assert.equal(b.time, Date.UTC(2024, 10, 7, 13, 52, 47));
  assert.equal(b.host, 'mx1');
});

test('RFC 3164 with a <PRI> prefix', () => {
  const l = parse('<22>Nov  7 13:52:47 mx1 postfix/qmgr[812]: 4BC3D1A2B: removed');
  assert.deepEqual(fields(l), {
    time: Date.UTC(2026, 10, 7, 13, 52, 47),
    host: 'mx1',
    program: 'postfix/qmgr',
    pid: 812,
    message: '4BC3D1A2B: removed',
  });
});

test('tag without pid, and multi-instance tags kept whole', () => {
  const d = parse('Nov  7 13:52:47 mx1 dovecot: imap-login: Login: user=<a@example.org>');
  assert.equal(d.program, 'dovecot');
  assert.equal(d.pid, null);
  assert.equal(d.message, 'imap-login: Login: user=<a@example.org>');
  for (const prog of ['postfix-in/smtpd', 'postfix/submission/smtpd', 'postfix-10.20.30.40/smtp']) {
    const l = parse(`Nov  7 13:52:47 mx1 ${prog}[31868]: 0D59F4165A: to=<b@example.net>`);
    assert.equal(l.program, prog);
    assert.equal(l.pid, 31868);
    assert.equal(l.message, '0D59F4165A: to=<b@example.net>');
  }
});

test('Solaris [ID n facility.level] after the tag is not part of the message', () => {
  const l = parse(
    'Jan 26 00:57:38 relay.example.org postfix/smtpd[9779]: [ID 197553 mail.info] 9F2183652: client=localhost[127.0.0.1]',
  );
  assert.equal(l.program, 'postfix/smtpd');
  assert.equal(l.host, 'relay.example.org');
  assert.equal(l.message, '9F2183652: client=localhost[127.0.0.1]');
});

test('FreeBSD <facility.level> before the host', () => {
  const l = parse(
    'Jun 17 14:37:39 <mail.info> mx2 sm-mta[2794]: 55HIbcGI002794: from=<root@example.com>, size=108',
  );
  assert.deepEqual(fields(l), {
    time: Date.UTC(2026, 5, 17, 14, 37, 39),
    host: 'mx2',
    program: 'sm-mta',
    pid: 2794,
    message: '55HIbcGI002794: from=<root@example.com>, size=108',
  });
});

test('RFC 3164 without a host', () => {
  const l = parse('Nov  7 13:52:47 policyd-spf[77]: prepend Received-SPF: Pass');
  assert.equal(l.host, '');
  assert.equal(l.program, 'policyd-spf');
  assert.equal(l.pid, 77);
  assert.equal(l.message, 'prepend Received-SPF: Pass');
});

test('a stamp and a host but no tag keep the rest as message', () => {
  const l = parse('Nov  7 13:52:47 mx1 last message repeated 2 times');
  assert.equal(l.host, 'mx1');
  assert.equal(l.program, '');
  assert.equal(l.message, 'last message repeated 2 times');
  assert.equal(l.time, Date.UTC(2026, 10, 7, 13, 52, 47));
});

test('#012 escapes stay as logged', () => {
  const l = parse(
    'Nov  7 13:52:47 mx1 postfix/smtpd[5]: improper command pipelining after EHLO: QUIT#015#012',
  );
  assert.equal(l.message, 'improper command pipelining after EHLO: QUIT#015#012');
});

test('RFC 5424 with structured data, NILVALUEs and a BOM', () => {
  const a = parse(
    '<34>1 2026-10-11T22:14:15.003Z mx1.example.com postfix/smtpd 4242 - [exampleSDID@32473 iut="3" x="a\\]b"] connect from a.example.net[192.0.2.1]',
  );
  assert.deepEqual(fields(a), {
    time: Date.UTC(2026, 9, 11, 22, 14, 15, 3),
    host: 'mx1.example.com',
    program: 'postfix/smtpd',
    pid: 4242,
    message: 'connect from a.example.net[192.0.2.1]',
  });
  const b = parse('<34>1 - - - - - -');
  assert.deepEqual(fields(b), { time: null, host: '', program: '', pid: null, message: '' });
  const c = parse('<165>1 2026-10-11T22:14:15+02:00 mx1 opendmarc abc ID47 - \uFEFFDF12: example.org fail');
  assert.equal(c.time, Date.UTC(2026, 9, 11, 20, 14, 15));
  assert.equal(c.program, 'opendmarc');
  assert.equal(c.pid, null, 'a PROCID that is not a number is no pid');
  assert.equal(c.message, 'DF12: example.org fail');
  const d = parse('<34>1 2026-10-11T22:14:15Z mx1 rspamd 7 - [a b="1"][c d="]"] msg');
  assert.equal(d.message, 'msg');
});

test('rsyslog ISO 8601 high precision with offset, Z and no zone', () => {
  const a = parse(
    '2023-03-14T00:00:31.185246+01:00 helga postfix/postscreen[3163107]: CONNECT from [192.0.2.8]:36942 to [198.51.100.2]:25',
  );
  assert.deepEqual(fields(a), {
    time: Date.UTC(2023, 2, 13, 23, 0, 31, 185),
    host: 'helga',
    program: 'postfix/postscreen',
    pid: 3163107,
    message: 'CONNECT from [192.0.2.8]:36942 to [198.51.100.2]:25',
  });
  assert.equal(parse('2023-03-14T00:00:31Z h amavis[1]: x').time, Date.UTC(2023, 2, 14, 0, 0, 31));
  assert.equal(
    parse('2023-03-14T00:00:31.5-0230 h amavis[1]: x').time,
    Date.UTC(2023, 2, 14, 2, 30, 31, 500),
  );
  assert.equal(parse('2023-03-14T00:00:31 h amavis[1]: x').time, Date.UTC(2023, 2, 14, 0, 0, 31));
});

test('journalctl short-iso, short-unix and short-full', () => {
  const iso = parse('2026-11-20T10:00:01+0100 mx1 postfix/smtpd[7]: connect from a.example.net[192.0.2.1]');
  assert.equal(iso.time, Date.UTC(2026, 10, 20, 9, 0, 1));
  assert.equal(iso.program, 'postfix/smtpd');
  const unix = parse('1763629201.123456 mx1 postfix/smtpd[7]: connect from a.example.net[192.0.2.1]');
  assert.deepEqual(fields(unix), {
    time: 1763629201123,
    host: 'mx1',
    program: 'postfix/smtpd',
    pid: 7,
    message: 'connect from a.example.net[192.0.2.1]',
  });
  const full = parse('Fri 2026-11-20 10:00:01 UTC mx1 opendmarc[9]: 4BC3D1A2B: example.org pass');
  assert.deepEqual(fields(full), {
    time: Date.UTC(2026, 10, 20, 10, 0, 1),
    host: 'mx1',
    program: 'opendmarc',
    pid: 9,
    message: '4BC3D1A2B: example.org pass',
  });
  assert.equal(parse('Fri 2026-11-20 10:00:01 CET mx1 a[1]: x').time, Date.UTC(2026, 10, 20, 10, 0, 1));
});

test('ISO date with a space, then host and tag (syslog-ng style)', () => {
  const l = parse('2016-04-01 11:08:00 mx3 exim[8001]: [8001] no MAIL in SMTP connection');
  assert.equal(l.host, 'mx3');
  assert.equal(l.program, 'exim');
  assert.equal(l.pid, 8001);
  assert.equal(l.message, '[8001] no MAIL in SMTP connection');
  const d = parse('2026-11-20 10:00:01 mx3 dovecot: imap-login: Login: user=<a@example.org>');
  assert.equal(d.host, 'mx3');
  assert.equal(d.program, 'dovecot');
  assert.equal(d.message, 'imap-login: Login: user=<a@example.org>');
});

test("Exim's own mainlog: program exim, no host, optional ms, zone and pid", () => {
  const a = parse(
    '2026-11-20 10:00:01 1tXyzA-000Abc-12 <= sender@example.com H=mail.example.net [192.0.2.5] P=esmtps S=2345',
  );
  assert.deepEqual(fields(a), {
    time: Date.UTC(2026, 10, 20, 10, 0, 1),
    host: '',
    program: 'exim',
    pid: null,
    message: '1tXyzA-000Abc-12 <= sender@example.com H=mail.example.net [192.0.2.5] P=esmtps S=2345',
  });
  const b = parse('2026-11-20 10:00:01.123 +0100 [4711] 1tXyzA-000Abc-12 Completed');
  assert.equal(b.time, Date.UTC(2026, 10, 20, 9, 0, 1, 123));
  assert.equal(b.pid, 4711);
  assert.equal(b.message, '1tXyzA-000Abc-12 Completed');
  // Exim lines that merely look like `host tag: ...` stay Exim's.
  for (const msg of [
    'Messages received: 4',
    'pid p1234: SIGHUP received',
    '10HmaX-000000005vi-0000 domains: <test.ex>',
  ]) {
    const l = parse(`1999-03-02 09:44:33 ${msg}`);
    assert.equal(l.program, 'exim', msg);
    assert.equal(l.message, msg);
  }
});

test("Rspamd's own log: program rspamd, pid from #N, message from the task id", () => {
  const l = parse(
    '2026-11-20 10:00:01 #12345(normal) <abc123>; task; rspamd_task_write_log: id: <m1@example.com>',
  );
  assert.deepEqual(fields(l), {
    time: Date.UTC(2026, 10, 20, 10, 0, 1),
    host: '',
    program: 'rspamd',
    pid: 12345,
    message: '<abc123>; task; rspamd_task_write_log: id: <m1@example.com>',
  });
  assert.equal(
    parse('2026-11-20 10:00:01.100 #1001(rspamd_proxy) <a1>; proxy; x').time,
    Date.UTC(2026, 10, 20, 10, 0, 1, 100),
  );
});

test("Dovecot's own log file", () => {
  const l = parse(
    '2026-11-20 08:08:52 imap-login: Info: Disconnected (auth failed, 1 attempts): user=<u>, rip=203.0.113.9',
  );
  assert.equal(l.program, 'dovecot');
  assert.equal(
    l.message,
    'imap-login: Info: Disconnected (auth failed, 1 attempts): user=<u>, rip=203.0.113.9',
  );
  const m = parse('Nov 20 08:08:52 auth: Error: ldap(dog,203.0.113.9,): invalid credentials');
  assert.equal(m.program, 'dovecot');
  assert.equal(m.host, '');
  const o = parse('Jun 23 15:04:05 Info: imap-login: Login: user=<u>, method=PLAIN, rip=192.0.2.4');
  assert.equal(o.program, 'dovecot');
  assert.equal(o.message, 'Info: imap-login: Login: user=<u>, method=PLAIN, rip=192.0.2.4');
});

test('prog[pid]: without stamp or host, and host prog[pid]: without stamp', () => {
  assert.deepEqual(fields(parse('sm-mta[20900]: k4PK8NYf020900: ruleset=check_mail')), {
    time: null,
    host: '',
    program: 'sm-mta',
    pid: 20900,
    message: 'k4PK8NYf020900: ruleset=check_mail',
  });
  const l = parse('mx.example.com exim[3751842]: 2021-07-17 23:20:49 plain_server authenticator failed');
  assert.equal(l.host, 'mx.example.com');
  assert.equal(l.program, 'exim');
});

test('unknown stamp followed by host and tag: time null, fields kept', () => {
  const l = parse('%(day)s 11:00:20 server postfix/cleanup[28945]: A0320E00C3: message-id=<x@example.com>');
  assert.deepEqual(fields(l), {
    time: null,
    host: 'server',
    program: 'postfix/cleanup',
    pid: 28945,
    message: 'A0320E00C3: message-id=<x@example.com>',
  });
});

test('TAI64N (multilog) stamps', () => {
  const l = parse('@400000004c91b044077a9e94 imap-login: Info: Aborted login');
  assert.equal(l.program, 'dovecot');
  assert.equal(l.time, (0x4c91b044 - 10) * 1000 + Math.floor(0x077a9e94 / 1e6));
});

test('lines without an envelope keep the whole line as message', () => {
  for (const text of [
    'warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: UGFzc3dvcmQ6',
    'NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1',
    'connect from mail.example.net[192.0.2.10]',
    '',
    'Jan',
    '<12>',
    '2026-13-01 10:00:00 not a date',
    '{"not": "journal"}',
    '{broken json',
    'dovecot: Jun 23 15:04:05 Info: imap-login: Login: user=<u>',
    'anvil statistics: max connection rate 1/60s for (smtp:192.0.2.1) at Mar 14 11:00:08',
  ]) {
    const l = parse(text);
    assert.equal(l.program, '', text);
    assert.equal(l.message, text, text);
    assert.equal(l.time, null, text);
  }
});

test('journalctl -o json lines', () => {
  const l = parse(
    JSON.stringify({
      __REALTIME_TIMESTAMP: '1764244800123456',
      _HOSTNAME: 'mx1',
      SYSLOG_IDENTIFIER: 'postfix/smtpd',
      _PID: '4242',
      MESSAGE: 'connect from a.example.net[192.0.2.1]',
    }),
  );
  assert.deepEqual(fields(l), {
    time: 1764244800123,
    host: 'mx1',
    program: 'postfix/smtpd',
    pid: 4242,
    message: 'connect from a.example.net[192.0.2.1]',
  });
});

test('year inference: Dec stamp in a file modified in Jan belongs to the year before', () => {
  const ref = Date.UTC(2027, 0, 3, 12, 0, 0);
  const ctx = createEnvelopeContext(ref, 'UTC');
  const a = parseEnvelope('Dec 31 23:59:58 mx1 postfix/smtpd[1]: a', src, ctx);
  const b = parseEnvelope('Jan  1 00:00:01 mx1 postfix/smtpd[1]: b', src, ctx);
  assert.equal(a.time, Date.UTC(2026, 11, 31, 23, 59, 58));
  assert.equal(b.time, Date.UTC(2027, 0, 1, 0, 0, 1));
});

test('year inference: stamps never move backwards across a roll-over', () => {
  // mtime in Dec (e.g. copied before the new year's lines were appended): the Jan lines
  // that follow Dec lines are the next year.
  const ctx = createEnvelopeContext(Date.UTC(2026, 11, 31, 23, 0, 0), 'UTC');
  const times = [
    'Dec 30 10:00:00',
    'Dec 31 23:59:59',
    'Jan  1 00:00:00',
    'Dec 31 23:59:59',
    'Jan  2 08:00:00',
  ].map((s) => parseEnvelope(`${s} mx1 postfix/qmgr[2]: x`, src, ctx).time!);
  assert.deepEqual(times, [
    Date.UTC(2026, 11, 30, 10, 0, 0),
    Date.UTC(2026, 11, 31, 23, 59, 59),
    Date.UTC(2027, 0, 1, 0, 0, 0),
    Date.UTC(2026, 11, 31, 23, 59, 59), // a late line from before the roll-over
    Date.UTC(2027, 0, 2, 8, 0, 0),
  ]);
});

test('stamps in the same minute as the line before read the same as on their own', () => {
  const ctx = createEnvelopeContext(REF, 'UTC');
  const lines = [
    'Nov  7 13:52:47 mx1 a[1]: x',
    'Nov  7 13:52:47.250 mx1 a[1]: x',
    'Nov  7 13:52:59 mx1 a[1]: x',
    'Nov  7 13:52:60 mx1 a[1]: x',
    'Nov  7 13:52:61 mx1 a[1]: x',
    'Nov  7 13:52:0x mx1 a[1]: x',
    'Nov  7 13:52 mx1 a[1]: x',
    'Nov  7 13:52:30 2025 mx1 a[1]: x',
    'Nov  7 13:52:31 mx1 a[1]: x',
    '2026-11-27T10:00:01.5+01:00 mx1 a[1]: x',
    '2026-11-27T10:00:59Z mx1 a[1]: x',
    '2026-11-27T10:00:60 mx1 a[1]: x',
    '2026-11-27T10:00:61Z mx1 a[1]: x',
    '2026-11-27T10:00:5 mx1 a[1]: x',
    '2026-11-27T10:00:07.123456-0230 mx1 a[1]: x',
    '2026-11-27 10:00:08 mx1 a[1]: x',
  ];
  for (const text of lines)
    assert.deepEqual(fields(parseEnvelope(text, src, ctx)), fields(parse(text)), text);
});

test('a stamp cut off in its zone is no zone, not a NaN time', () => {
  for (const text of [
    '2026-11-20 10:00:01 -',
    '2026-11-20 10:00:01 +01',
    '2026-11-20T10:00:01+0',
    'Nov  7 13:5',
  ]) {
    const t = parse(text).time;
    assert.ok(t === null || Number.isFinite(t), text);
  }
  assert.equal(parse('2026-11-20 10:00:01 -').time, Date.UTC(2026, 10, 20, 10, 0, 1));
});

test('year inference: repeated minutes around a roll-over keep their year', () => {
  const ctx = createEnvelopeContext(Date.UTC(2026, 11, 31, 23, 0, 0), 'UTC');
  const times = [
    'Dec 31 23:59:58',
    'Dec 31 23:59:59',
    'Jan  1 00:00:00',
    'Jan  1 00:00:30',
    'Dec 31 23:59:59',
    'Dec 31 23:59:50',
    'Jan  1 00:00:31',
  ].map((s) => parseEnvelope(`${s} mx1 postfix/qmgr[2]: x`, src, ctx).time!);
  assert.deepEqual(times, [
    Date.UTC(2026, 11, 31, 23, 59, 58),
    Date.UTC(2026, 11, 31, 23, 59, 59),
    Date.UTC(2027, 0, 1, 0, 0, 0),
    Date.UTC(2027, 0, 1, 0, 0, 30),
    Date.UTC(2026, 11, 31, 23, 59, 59),
    Date.UTC(2026, 11, 31, 23, 59, 50),
    Date.UTC(2027, 0, 1, 0, 0, 31),
  ]);
});

test('program tags, host names and whole `host tag[pid]: ` parts repeated across lines read the same', () => {
  const ctx = createEnvelopeContext(REF, 'UTC');
  const lines = [
    'Nov  7 13:52:47 mx1 postfix/smtpd[1]: a',
    'Nov  7 13:52:47 mx1 postfix/smtpd[1]: b',
    'Nov  7 13:52:47 mx1 postfix/smtpdx[1]: c',
    'Nov  7 13:52:47 mx12 postfix/smtp[1]: d',
    'Nov  7 13:52:47 mx1 postfix/smtp: e',
    'Nov  7 13:52:47 mx1  postfix/smtp[2]: f',
    'Nov  7 13:52:47 mx postfix/smtpd[1]: g',
    'Nov  7 13:52:48 mx postfix/smtpd[1]: [ID 197553 mail.info] h',
    'Nov  7 13:52:48 mx postfix/smtpd[1]: [ID 197553 mail.info] i',
    'Nov  7 13:52:49 <mail.info> mx postfix/smtpd[1]: j',
    'Nov  7 13:52:49 <mail.info> mx postfix/smtpd[1]: k',
    'Nov  7 13:52:50 postfix/smtpd[1]: l',
    'Nov  7 13:52:50 postfix/smtpd[1]: m',
    'Nov  7 13:52:51 mx a[1]:',
    'Nov  7 13:52:51 mx a[1]: n',
    'Nov  7 13:52:51 mx a[1]:o',
    'Nov  7 13:52:51 mx a[1]: p',
    'Nov  7 13:52:51 mx a[1]:q',
    'Nov  7 13:52:52 mx imap-login: Info: r',
    'Nov  7 13:52:52 mx imap-login: Info: s',
    '2026-11-27T10:00:01.5+01:00 mx postfix/smtpd[1]: t',
    '2026-11-27T10:00:01.6+01:00 mx postfix/smtpd[1]: u',
    '2026-11-27T10:00:01.6+01:00 mx postfix/smtpd[12]: v',
    '2026-11-27T10:00:01.6+01:00 mx postfix/smtpd[12]: ]: w',
    // The same host and tag with other pids: read from the table, the pid from the line.
    '2026-11-27T10:00:02 mx postfix/smtpd[345]: x',
    '2026-11-27T10:00:02 mx postfix/smtpd[6]: y',
    '2026-11-27T10:00:02 mx postfix/smtpd[1234567890]: z',
    '2026-11-27T10:00:02 mx postfix/smtpd[12345678901]: too many digits',
    '2026-11-27T10:00:02 mx postfix/smtpd[]: no digits',
    '2026-11-27T10:00:02 mx postfix/smtpd[12a]: not a pid',
    '2026-11-27T10:00:02 mx postfix/smtpd[ 12]: not a pid',
    '2026-11-27T10:00:02 mx postfix/smtpd[[12]: two brackets',
    '2026-11-27T10:00:02 mx postfix/smtpd[7]:no space',
    '2026-11-27T10:00:02 mx postfix/smtpd[8]: [ID 197553 mail.info] solaris',
    '2026-11-27T10:00:02 mx postfix/smtpd[9]: back',
    '2026-11-27T10:00:02 mx [1]: no tag',
    '2026-11-27T10:00:02 [1]: no host',
    '2026-11-27T10:00:02 postfix/smtpd[2]: no host',
    '2026-11-27T10:00:02 postfix/smtpd[3]: no host',
    // Long lines are read the same, but not remembered (a table entry would keep them alive).
    `2026-11-27T10:00:03 mx-long-line.example postfix/qmgr[4]: ${'x'.repeat(5000)}`,
    `2026-11-27T10:00:03 mx-long-line.example postfix/qmgr[5]: ${'y'.repeat(5000)}`,
    '2026-11-27T10:00:03 mx-long-line.example postfix/qmgr[6]: short',
  ];
  for (const text of lines)
    assert.deepEqual(fields(parseEnvelope(text, src, ctx)), fields(parse(text)), text);
});

test("a host and tag seen before with another pid: the pid is the line's own", () => {
  const ctx = createEnvelopeContext(REF, 'UTC');
  const read = (text: string): [string, string, number | null, string] => {
    const l = parseEnvelope(text, src, ctx);
    return [l.host, l.program, l.pid, l.message];
  };
  assert.deepEqual(read('Nov  7 13:52:47 mx9 postfix/cleanup[41]: a'), ['mx9', 'postfix/cleanup', 41, 'a']);
  assert.deepEqual(read('Nov  7 13:52:47 mx9 postfix/cleanup[4242]: b'), [
    'mx9',
    'postfix/cleanup',
    4242,
    'b',
  ]);
  assert.deepEqual(read('Nov  7 13:52:47 mx9 postfix/cleanup[9999999999]: c'), [
    'mx9',
    'postfix/cleanup',
    9999999999,
    'c',
  ]);
  // Eleven digits are no pid: no tag is read, as on a first line.
  assert.deepEqual(read('Nov  7 13:52:47 mx9 postfix/cleanup[12345678901]: d'), [
    'mx9',
    '',
    null,
    'postfix/cleanup[12345678901]: d',
  ]);
  assert.deepEqual(read('Nov  7 13:52:47 mx9 postfix/cleanup[]: e'), [
    'mx9',
    '',
    null,
    'postfix/cleanup[]: e',
  ]);
  assert.deepEqual(read('Nov  7 13:52:47 mx9 postfix/cleanup[5]: [ID 1 mail.info] f'), [
    'mx9',
    'postfix/cleanup',
    5,
    'f',
  ]);
});

test('year inference: a stamp a little after the mtime (skew) keeps the mtime year', () => {
  const ctx = createEnvelopeContext(Date.UTC(2026, 5, 1, 0, 0, 0), 'UTC');
  assert.equal(parseEnvelope('Jun  1 10:00:00 mx1 a[1]: x', src, ctx).time, Date.UTC(2026, 5, 1, 10, 0, 0));
});

test('zoneless stamps are local time unless tz UTC is asked for', (t) => {
  const saved = process.env['TZ'];
  process.env['TZ'] = 'America/New_York';
  t.after(() => {
    if (saved === undefined) delete process.env['TZ'];
    else process.env['TZ'] = saved;
  });
  // 13:52:47 EST is 18:52:47 UTC.
  assert.equal(
    parseEnvelope('Nov  7 13:52:47 mx1 a[1]: x', src, createEnvelopeContext(REF)).time,
    Date.UTC(2026, 10, 7, 18, 52, 47),
  );
  const local = parseEnvelope('Nov  7 13:52:47 mx1 a[1]: x', src, createEnvelopeContext(REF));
  assert.equal(local.time, new Date(2026, 10, 7, 13, 52, 47).getTime());
  const exim = parseEnvelope(
    '2026-11-20 10:00:01 1tXyzA-000Abc-12 Completed',
    src,
    createEnvelopeContext(REF),
  );
  assert.equal(exim.time, new Date(2026, 10, 20, 10, 0, 1).getTime());
});

test('hostile input never throws and stays bounded', () => {
  const nasty = [
    'Nov  7 13:52:47 ' + 'a'.repeat(70_000),
    'Nov  7 13:52:47 h ' + 'p'.repeat(10_000) + '[1]: x',
    'Nov  7 13:52:47 h p[' + '9'.repeat(50) + ']: x',
    '<34>1 2026-10-11T22:14:15Z h a p m [' + '"'.repeat(10_000),
    '<34>1 2026-10-11T22:14:15Z h a p m [x y="\\',
    '2026-11-20 10:00:01 #' + '1'.repeat(30) + '(normal) x',
    '2026-11-20 10:00:01 #1(' + 'n'.repeat(1000),
    '{' + '['.repeat(5000),
    '\u0000\u0001\u0002',
    '%(day)s ' + '11:00:20 '.repeat(2000),
  ];
  for (const text of nasty) {
    const l = parse(text);
    assert.equal(typeof l.message, 'string');
    assert.ok(l.program.length <= 128);
    assert.ok(l.host.length <= 255);
  }
});

test('property: parseEnvelope never throws and keeps the raw line', async () => {
  const fc = await import('fast-check');
  const prefixes = fc.constantFrom(
    '',
    '<13>',
    '<34>1 ',
    'Nov  7 13:52:47 ',
    'Dec 31 23:59:59 mx1 ',
    '2026-11-20T10:00:01.5+01:00 ',
    '2026-11-20 10:00:01 ',
    '@400000004c91b044077a9e94 ',
    '{"MESSAGE":',
    '%(day)s 11:00:20 ',
  );
  const tails = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom('mx1 postfix/smtpd[1]: x', 'a[', 'p[12]:', '#1(', '[ID 1 mail.info] ', '- - - [a="]"] m'),
  );
  fc.assert(
    fc.property(prefixes, tails, tails, (p, a, b) => {
      const text = p + a + b;
      const l = parseEnvelope(text, src, createEnvelopeContext(REF, 'UTC'));
      assert.equal(l.raw, text);
      // Outside journal JSON the message is always the end of the line.
      if (!text.startsWith('{')) assert.ok(text.endsWith(l.message));
      assert.ok(l.time === null || Number.isFinite(l.time));
      assert.ok(l.pid === null || (Number.isInteger(l.pid) && l.pid >= 0));
    }),
    { numRuns: 2000 },
  );
});
