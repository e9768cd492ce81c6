import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { as, fields, parse } from './test-helpers.js';

const P = 'postfix/smtpd';

test('smtpd connect / disconnect carry the client and the command counters', () => {
  assert.deepEqual(fields(parse(P, 'connect from mail.example.net[192.0.2.10]')), {
    kind: 'session.connect',
    producer: 'postfix',
    daemon: 'smtpd',
    instance: 'postfix',
    clientHost: 'mail.example.net',
    clientIp: '192.0.2.10',
  });
  const v6 = as(parse('postfix/submission/smtpd', 'connect from unknown[2001:db8::1]'), 'session.connect');
  assert.equal(v6.clientHost, 'unknown');
  assert.equal(v6.clientIp, '2001:db8::1');
  assert.equal(v6.instance, 'postfix/submission');
  const d = as(
    parse(P, 'disconnect from unknown[198.51.100.7] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4'),
    'session.disconnect',
  );
  assert.equal(d.commands, 'ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4');
  assert.equal(d.clientIp, '198.51.100.7');
  assert.equal(
    as(parse(P, 'disconnect from unknown[198.51.100.7]'), 'session.disconnect').commands,
    undefined,
  );
});

test('smtpd client= binds the queue id to the client, SASL and re-injection fields', () => {
  const ev = as(
    parse(
      P,
      '4F9D195432: client=unknown[203.0.113.5]:52814, sasl_method=PLAIN, sasl_username=alice@example.com',
    ),
    'message.client',
  );
  assert.deepEqual(fields(ev), {
    kind: 'message.client',
    producer: 'postfix',
    daemon: 'smtpd',
    instance: 'postfix',
    queueId: '4F9D195432',
    clientHost: 'unknown',
    clientIp: '203.0.113.5',
    clientPort: 52814,
    saslMethod: 'PLAIN',
    saslUsername: 'alice@example.com',
  });
  const re = as(
    parse(
      P,
      '3A1B2C3D4E: client=localhost[127.0.0.1], orig_queue_id=4F9D195432, orig_client=mail.example.net[192.0.2.10]',
    ),
    'message.client',
  );
  assert.equal(re.origQueueId, '4F9D195432');
  assert.equal(re.origClient, 'mail.example.net[192.0.2.10]');
  const long = as(parse(P, '4Mh5z73yD5z9v0d: client=mail.example.net[192.0.2.10]'), 'message.client');
  assert.equal(long.queueId, '4Mh5z73yD5z9v0d');
});

test('NOQUEUE reject: stage, code, dsn, reason and the envelope suffix with the HELO', () => {
  const ev = as(
    parse(
      P,
      'NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 550 5.7.1 <bob@example.org>: Recipient address rejected: Access denied; from=<ceo@example.org> to=<bob@example.org> proto=ESMTP helo=<example.org>',
    ),
    'reject',
  );
  assert.deepEqual(fields(ev), {
    kind: 'reject',
    producer: 'postfix',
    daemon: 'smtpd',
    instance: 'postfix',
    stage: 'rcpt',
    action: 'reject',
    code: 550,
    dsn: '5.7.1',
    reason: '<bob@example.org>: Recipient address rejected: Access denied',
    clientHost: 'unknown',
    clientIp: '198.51.100.7',
    from: 'ceo@example.org',
    to: 'bob@example.org',
    proto: 'ESMTP',
    helo: 'example.org',
  });
});

test('4xx is a defer; DNSBL, SPF, greylisting and milters are named in by', () => {
  const dnsbl = as(
    parse(
      P,
      'NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.51.100.7; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x.test>',
    ),
    'reject',
  );
  assert.equal(dnsbl.by, 'dnsbl');
  assert.equal(dnsbl.from, 'a@example.net');
  assert.match(dnsbl.reason, /blocked using zen\.spamhaus\.org; https/);
  const grey = as(
    parse(
      P,
      'NOQUEUE: reject: RCPT from mx.example.net[192.0.2.44]: 450 4.7.1 <bob@example.org>: Recipient address rejected: Greylisted; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(grey.action, 'defer');
  assert.equal(grey.by, 'greylisting');
  const spf = as(
    parse(
      P,
      '4F9D195432: reject: RCPT from mx.example.net[192.0.2.44]: 550 5.7.23 <bob@example.org>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=a@example.org;ip=192.0.2.44;r=<UNKNOWN>; from=<a@example.org> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(spf.by, 'policyd-spf');
  assert.equal(spf.queueId, '4F9D195432');
  assert.equal(spf.from, 'a@example.org');
  const milter = as(
    parse(
      P,
      '4F9D195432: milter-reject: END-OF-MESSAGE from mx.example.net[192.0.2.44]: 5.7.1 rejected by DMARC policy for example.org; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(milter.by, 'milter');
  assert.equal(milter.stage, 'end-of-data');
  assert.equal(milter.dsn, '5.7.1');
  assert.equal(milter.code, undefined);
  assert.equal(milter.reason, 'rejected by DMARC policy for example.org');
});

test('discard, hold, warn and the other access actions; CONNECT and VRFY stages', () => {
  const cases: [string, string, string][] = [
    ['discard', 'RCPT', 'discard'],
    ['hold', 'DATA', 'hold'],
    ['filter', 'RCPT', 'filter'],
    ['redirect', 'MAIL', 'redirect'],
    ['warn', 'HELO', 'warn'],
    ['reject_warning', 'VRFY', 'warn'],
    ['milter-discard', 'END-OF-MESSAGE', 'discard'],
    ['milter-hold', 'END-OF-MESSAGE', 'hold'],
  ];
  for (const [word, where, action] of cases) {
    const ev = as(
      parse(
        P,
        `NOQUEUE: ${word}: ${where} from mx.example.net[192.0.2.44]: <bob@example.org>: triggers action; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>`,
      ),
      'reject',
    );
    assert.equal(ev.action, action, word);
  }
  const conn = as(
    parse(
      P,
      'NOQUEUE: reject: CONNECT from unknown[198.51.100.7]: 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied; proto=SMTP',
    ),
    'reject',
  );
  assert.equal(conn.stage, 'connect');
  assert.equal(conn.proto, 'SMTP');
  assert.equal(conn.from, undefined);
  const bdat = as(
    parse(
      P,
      '4F9D195432: reject: BDAT from mx.example.net[192.0.2.44]: 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(bdat.stage, 'data');
  assert.equal(bdat.from, '', 'the null sender is the empty string');
});

test('an attacker-written sender cannot fake the suffix: the LAST "; from=<" wins', () => {
  const ev = as(
    parse(
      P,
      'NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 550 5.1.1 <x; from=<ceo@example.org> to=<y>@example.org>: Recipient address rejected: User unknown; from=<real@attacker.test> to=<x@example.org> proto=ESMTP helo=<h.test>',
    ),
    'reject',
  );
  assert.equal(ev.from, 'real@attacker.test');
  assert.equal(ev.helo, 'h.test');
});

test('TLS summary lines become session.tls with trust, protocol and cipher', () => {
  const ev = as(
    parse(
      P,
      'Anonymous TLS connection established from mail.example.net[192.0.2.10]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256',
    ),
    'session.tls',
  );
  assert.equal(ev.tlsTrust, 'Anonymous');
  assert.equal(ev.tlsProtocol, 'TLSv1.3');
  assert.equal(ev.tlsCipher, 'TLS_AES_256_GCM_SHA384');
  assert.equal(ev.clientIp, '192.0.2.10');
  assert.equal(
    as(
      parse(
        P,
        'Verified TLS connection established from a.example.net[192.0.2.1]: TLSv1.2 with cipher X (1/1 bits)',
      ),
      'session.tls',
    ).tlsTrust,
    'Verified',
  );
});

test('SASL failures are session.auth ok=false with method and, when logged, the username', () => {
  const ev = as(
    parse(P, 'warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6'),
    'session.auth',
  );
  assert.equal(ev.ok, false);
  assert.equal(ev.saslMethod, 'LOGIN');
  assert.equal(ev.reason, 'UGFzc3dvcmQ6');
  assert.equal(ev.clientIp, '203.0.113.9');
  const u = as(
    parse(
      P,
      'warning: unknown[203.0.113.9]:40112: SASL PLAIN authentication failed: authentication failure, sasl_username=alice@example.com',
    ),
    'session.auth',
  );
  assert.equal(u.clientPort, 40112);
  assert.equal(u.saslUsername, 'alice@example.com');
  assert.equal(u.reason, 'authentication failure');
});

test('session notes keep the client: lost connection, timeout, pipelining, rDNS and syntax warnings', () => {
  const lost = as(parse(P, 'lost connection after EHLO from unknown[203.0.113.9]'), 'session.note');
  assert.equal(lost.note, 'lost connection after EHLO');
  assert.equal(lost.clientIp, '203.0.113.9');
  const t = as(parse(P, 'timeout after DATA (0 bytes) from unknown[203.0.113.9]'), 'session.note');
  assert.equal(t.note, 'timeout after DATA (0 bytes)');
  const pipe = as(
    parse(P, 'improper command pipelining after CONNECT from unknown[203.0.113.9]: QUIT\\r\\n'),
    'session.note',
  );
  assert.equal(pipe.note, 'improper command pipelining after CONNECT');
  const rdns = as(
    parse(
      P,
      'warning: hostname mail.example.net does not resolve to address 2001:db8::5: Name or service not known',
    ),
    'session.note',
  );
  assert.equal(rdns.clientHost, 'unknown');
  assert.equal(rdns.clientHostUnverified, 'mail.example.net');
  assert.equal(rdns.clientIp, '2001:db8::5');
  const nonSmtp = as(
    parse(P, 'warning: non-SMTP command from unknown[203.0.113.9]: GET / HTTP/1.1'),
    'session.note',
  );
  assert.equal(nonSmtp.clientIp, '203.0.113.9');
  assert.equal(
    as(
      parse(P, 'warning: Illegal address syntax from unknown[203.0.113.9] in MAIL command: <a@b@c>'),
      'session.note',
    ).clientIp,
    '203.0.113.9',
  );
});

test('proxy-accept binds this session to the queue id of the filter MTA; proxy-reject is a reject by the proxy filter', () => {
  const acc = as(
    parse(
      P,
      'proxy-accept: END-OF-MESSAGE: 250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5C2E3F4A1B; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'message.client',
  );
  assert.equal(acc.queueId, '5C2E3F4A1B');
  assert.equal(acc.helo, 'mx.example.net');
  assert.equal(acc.proto, 'ESMTP');
  assert.equal(acc.origQueueId, undefined);
  assert.equal(acc.clientIp, undefined, 'the client comes from the session, not this line');
  const own = as(
    parse(
      P,
      '4F9D195432: proxy-accept: END-OF-MESSAGE: 250 2.0.0 Ok: queued as 5C2E3F4A1B; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'message.client',
  );
  assert.equal(own.origQueueId, '4F9D195432');
  assert.equal(
    parse(
      P,
      'proxy-accept: END-OF-MESSAGE: 250 2.0.0 Ok; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ).kind,
    'noise',
  );
  const rej = as(
    parse(
      P,
      '4F9D195432: proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=12345-01 - spam; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(rej.by, 'proxy');
  assert.equal(rej.stage, 'end-of-data');
  assert.equal(rej.helo, 'mx.example.net');
});

test('Solaris `[ID n facility]` prefixes are skipped; unknown text stays unrecognised', () => {
  assert.equal(parse(P, '[ID 197553 mail.info] connect from localhost[127.0.0.1]').kind, 'session.connect');
  assert.equal(parse(P, 'something Postfix never writes').kind, 'unrecognised');
  assert.equal(parse(P, 'NOQUEUE: gibberish').kind, 'unrecognised');
  const q = parse(P, '4F9D195432: some future message shape');
  assert.equal(q.kind, 'unrecognised');
  assert.equal(q.queueId, '4F9D195432');
});

test('property: reply text cannot move the envelope fields of a reject', () => {
  const piece = fc.constantFrom(
    '; from=<ceo@example.org>',
    '; to=<x@example.org>',
    '; proto=SMTP',
    ' helo=<t.example>',
    '>',
    '<',
    ': ',
    ' ',
    'a',
    '550 5.7.1 ',
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      const ev = as(
        parse(
          P,
          `NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 550 5.7.1 <${text}>: Recipient address rejected: User unknown; from=<real@attacker.test> to=<bob@example.org> proto=ESMTP helo=<attacker.test>`,
        ),
        'reject',
      );
      assert.equal(ev.from, 'real@attacker.test');
      assert.equal(ev.to, 'bob@example.org');
      assert.equal(ev.helo, 'attacker.test');
      assert.equal(ev.clientIp, '198.51.100.7');
      assert.equal(ev.reason, `<${text}>: Recipient address rejected: User unknown`);
    }),
    { numRuns: 500 },
  );
});

test('smtpd session events: the one-literal shapes keep the fields, and their order, of the general path', () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance';
  assert.equal(keys(parse(P, 'connect from a.example[192.0.2.1]')), `${base},clientHost,clientIp`);
  assert.equal(
    keys(parse(P, 'connect from a.example[192.0.2.1]:2525')),
    `${base},clientHost,clientIp,clientPort`,
  );
  assert.equal(keys(parse(P, 'connect from [192.0.2.1]')), `${base},clientIp`);
  assert.equal(
    keys(parse(P, 'disconnect from a.example[192.0.2.1] quit=1 commands=1')),
    `${base},clientHost,clientIp,commands`,
  );
  assert.equal(
    keys(parse(P, 'disconnect from a.example[192.0.2.1]:25 quit=1')),
    `${base},clientHost,clientIp,clientPort,commands`,
  );
  assert.equal(keys(parse(P, 'disconnect from a.example[192.0.2.1]')), `${base},clientHost,clientIp`);
  const tls = 'TLS connection established from a.example[192.0.2.1]';
  assert.equal(
    keys(parse(P, `Anonymous ${tls}: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)`)),
    `${base},tlsTrust,clientHost,clientIp,tlsProtocol,tlsCipher`,
  );
  assert.equal(
    keys(parse(P, `Trusted TLS connection established from a.example[192.0.2.1]:587: TLSv1.2 with cipher X`)),
    `${base},tlsTrust,clientHost,clientIp,clientPort,tlsProtocol,tlsCipher`,
  );
  assert.equal(keys(parse(P, `Verified ${tls}`)), `${base},tlsTrust,clientHost,clientIp`);
  assert.equal(
    keys(parse(P, `Verified ${tls}: TLSv1.3 without a cipher`)),
    `${base},tlsTrust,clientHost,clientIp`,
  );
});

test('smtpd TLS lines: trust words and protocol names are matched whole, odd ones are kept as logged', () => {
  const tls = (m: string) => as(parse(P, m), 'session.tls');
  const t = tls('Untrusted TLS connection established from a.example[192.0.2.1]: TLSv1.3 with cipher C');
  assert.equal(t.tlsTrust, 'Untrusted');
  assert.equal(t.tlsProtocol, 'TLSv1.3');
  assert.equal(t.tlsCipher, 'C');
  // a word of a trust word's length that is not one, and a prefix of one, are not TLS summaries
  assert.notEqual(
    parse(P, 'Anonymouz TLS connection established from a.example[192.0.2.1]').kind,
    'session.tls',
  );
  assert.notEqual(parse(P, 'Trust TLS connection established from a.example[192.0.2.1]').kind, 'session.tls');
  // a protocol that only starts like a known one is kept whole; an overlong one is capped
  assert.equal(
    tls('Anonymous TLS connection established from a[192.0.2.1]: TLSv1.30 with cipher C').tlsProtocol,
    'TLSv1.30',
  );
  assert.equal(
    tls('Anonymous TLS connection established from a[192.0.2.1]: TLSv1 with cipher C').tlsProtocol,
    'TLSv1',
  );
  const long = 'x'.repeat(5000);
  assert.equal(
    tls(`Anonymous TLS connection established from a[192.0.2.1]: ${long} with cipher C`).tlsProtocol?.length,
    2048,
  );
});

test("smtpd client=: the one-literal usual shape keeps the general path's fields and their order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance,queueId';
  assert.equal(keys(parse(P, '4F9D195432: client=a.example[192.0.2.1]')), `${base},clientHost,clientIp`);
  assert.equal(
    keys(parse(P, '4F9D195432: client=a.example[192.0.2.1]:25')),
    `${base},clientHost,clientIp,clientPort`,
  );
  assert.equal(
    keys(parse(P, '4F9D195432: client=a.example[192.0.2.1], sasl_method=PLAIN')),
    `${base},clientHost,clientIp,saslMethod`,
  );
  assert.equal(keys(parse(P, '4F9D195432: client=[192.0.2.1]')), `${base},clientIp`);
});
