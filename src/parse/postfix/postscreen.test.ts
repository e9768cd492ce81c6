import { test } from 'node:test';
import assert from 'node:assert/strict';
import { as, fields, parse } from './test-helpers.js';

const P = 'postfix/postscreen';

test('CONNECT carries client and server address and port', () => {
  assert.deepEqual(fields(parse(P, 'CONNECT from [198.51.100.7]:51234 to [192.0.2.1]:25')), {
    kind: 'proxy',
    producer: 'postfix',
    daemon: 'postscreen',
    instance: 'postfix',
    action: 'connect',
    clientIp: '198.51.100.7',
    clientPort: 51234,
    serverIp: '192.0.2.1',
    serverPort: 25,
  });
  const v6 = as(parse(P, 'CONNECT from [2001:db8::7]:51234 to [2001:db8::1]:25'), 'proxy');
  assert.equal(v6.clientIp, '2001:db8::7');
  assert.equal(v6.serverIp, '2001:db8::1');
});

test('postscreen verdicts map to proxy actions', () => {
  const cases: [string, string][] = [
    ['PASS NEW [198.51.100.7]:51234', 'pass-new'],
    ['PASS OLD [198.51.100.7]:51234', 'pass-old'],
    ['WHITELISTED [198.51.100.7]:51234', 'whitelisted'],
    ['ALLOWLISTED [198.51.100.7]:51234', 'whitelisted'],
    ['BLACKLISTED [198.51.100.7]:51234', 'blacklisted'],
    ['DENYLISTED [198.51.100.7]:51234', 'blacklisted'],
    ['DISCONNECT [198.51.100.7]:51234', 'disconnect'],
    ['DNSBL rank 3 for [198.51.100.7]:51234', 'dnsbl'],
    ['BARE NEWLINE from [198.51.100.7]:51234 after RCPT', 'protocol-violation'],
    [
      'COMMAND PIPELINING from [198.51.100.7]:51234 after EHLO: MAIL FROM:<a@x.test>\\r\\n',
      'protocol-violation',
    ],
    ['NON-SMTP COMMAND from [198.51.100.7]:51234 after CONNECT: GET / HTTP/1.1', 'protocol-violation'],
    ['COMMAND TIME LIMIT from [198.51.100.7]:51234 after EHLO', 'protocol-violation'],
    ['COMMAND COUNT LIMIT from [198.51.100.7]:51234 after RSET', 'protocol-violation'],
    ['COMMAND LENGTH LIMIT from [198.51.100.7]:51234 after DATA', 'protocol-violation'],
  ];
  for (const [msg, action] of cases) {
    const ev = as(parse(P, msg), 'proxy');
    assert.equal(ev.action, action, msg);
    assert.equal(ev.clientIp, '198.51.100.7', msg);
    assert.equal(ev.clientPort, 51234, msg);
  }
  assert.equal(as(parse(P, 'DNSBL rank 3 for [198.51.100.7]:51234'), 'proxy').detail, 'DNSBL rank 3');
  assert.equal(
    as(parse(P, 'COMMAND PIPELINING from [198.51.100.7]:51234 after EHLO: MAIL FROM:<a@x.test>'), 'proxy')
      .detail,
    'COMMAND PIPELINING after EHLO: MAIL FROM:<a@x.test>',
  );
});

test('PREGREET and HANGUP keep what the client sent and when', () => {
  const pre = as(parse(P, 'PREGREET 11 after 0.14 from [198.51.100.7]:51234: EHLO x.test\\r\\n'), 'proxy');
  assert.equal(pre.action, 'pregreet');
  assert.equal(pre.detail, 'PREGREET 11 after 0.14: EHLO x.test\\r\\n');
  const hang = as(
    parse(P, 'HANGUP after 2.1 from [198.51.100.7]:51234 in tests after SMTP handshake'),
    'proxy',
  );
  assert.equal(hang.action, 'hangup');
  assert.equal(hang.detail, 'HANGUP after 2.1 in tests after SMTP handshake');
});

test('postscreen NOQUEUE rejects are rejects with the envelope (comma-separated fields)', () => {
  const ev = as(
    parse(
      P,
      'NOQUEUE: reject: RCPT from [198.51.100.7]:51234: 550 5.7.1 Service unavailable; client [198.51.100.7] blocked using zen.spamhaus.org; from=<ceo@example.org>, to=<bob@example.org>, proto=ESMTP, helo=<example.org>',
    ),
    'reject',
  );
  assert.equal(ev.by, 'dnsbl');
  assert.equal(ev.stage, 'rcpt');
  assert.equal(ev.from, 'ceo@example.org');
  assert.equal(ev.to, 'bob@example.org');
  assert.equal(ev.proto, 'ESMTP');
  assert.equal(ev.helo, 'example.org');
  assert.equal(ev.clientPort, 51234);
  assert.equal(ev.reason, 'Service unavailable; client [198.51.100.7] blocked using zen.spamhaus.org');
  const busy = as(
    parse(P, 'NOQUEUE: reject: CONNECT from [198.51.100.7]:51234: too many connections'),
    'reject',
  );
  assert.equal(busy.by, 'postscreen');
  assert.equal(busy.stage, 'connect');
});

test('dnsblog and tlsproxy', () => {
  const ev = as(
    parse('postfix/dnsblog', 'addr 198.51.100.7 listed by domain zen.spamhaus.org as 127.0.0.2'),
    'proxy',
  );
  assert.equal(ev.action, 'dnsbl');
  assert.equal(ev.clientIp, '198.51.100.7');
  assert.equal(ev.detail, 'listed by domain zen.spamhaus.org as 127.0.0.2');
  const tls = as(
    parse(
      'postfix/tlsproxy',
      'Anonymous TLS connection established from [198.51.100.7]:51234: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)',
    ),
    'session.tls',
  );
  assert.equal(tls.clientPort, 51234);
  assert.equal(tls.tlsCipher, 'TLS_AES_256_GCM_SHA384');
  assert.equal(parse('postfix/tlsproxy', 'CONNECT from [198.51.100.7]:51234').kind, 'session.note');
  assert.equal(parse(P, 'PASS NEW garbage').kind, 'unrecognised');
});

test("postscreen proxy events: the one-literal `[ip]:port` shape keeps the general path's fields and order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance,action';
  assert.equal(keys(parse(P, 'PASS OLD [192.0.2.1]:2525')), `${base},clientIp,clientPort`);
  assert.equal(keys(parse(P, 'PASS OLD [192.0.2.1]')), `${base},clientIp`);
  assert.equal(
    keys(parse(P, 'PASS OLD host.example[192.0.2.1]:25')),
    `${base},clientHost,clientIp,clientPort`,
  );
  assert.equal(keys(parse(P, 'DNSBL rank 3 for [192.0.2.1]:2525')), `${base},clientIp,clientPort,detail`);
  assert.equal(keys(parse(P, 'DNSBL rank 3 for [192.0.2.1]')), `${base},clientIp,detail`);
  const h = as(parse(P, 'HANGUP after 0.5 from [192.0.2.1]:2525 in tests after SMTP handshake'), 'proxy');
  assert.equal(h.detail, 'HANGUP after 0.5 in tests after SMTP handshake');
  assert.equal(as(parse(P, 'HANGUP after 0.5 from [192.0.2.1]:2525'), 'proxy').detail, 'HANGUP after 0.5');
  const p = as(parse(P, 'PREGREET 11 after 0.1 from [192.0.2.1]:2525: EHLO x\\r\\n'), 'proxy');
  assert.equal(p.detail, 'PREGREET 11 after 0.1: EHLO x\\r\\n');
  assert.equal(
    as(parse(P, 'COMMAND PIPELINING from [192.0.2.1]:2525 after EHLO: x'), 'proxy').detail,
    'COMMAND PIPELINING after EHLO: x',
  );
  assert.equal(as(parse(P, 'BARE NEWLINE from [192.0.2.1]:2525'), 'proxy').detail, 'BARE NEWLINE');
  // no address: not a proxy event
  assert.notEqual(parse(P, 'HANGUP after 0.5 from nowhere in tests').kind, 'proxy');
});

test("postscreen CONNECT and tlsproxy notes: the one-literal shapes keep the general path's fields and order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance,action,clientIp,clientPort';
  assert.equal(
    keys(parse(P, 'CONNECT from [192.0.2.1]:2525 to [192.0.2.25]:25')),
    `${base},serverIp,serverPort`,
  );
  assert.equal(keys(parse(P, 'CONNECT from [192.0.2.1]:2525 to [192.0.2.25]')), `${base},serverIp`);
  assert.equal(keys(parse(P, 'CONNECT from [192.0.2.1]:2525')), base);
  assert.equal(
    keys(parse(P, 'CONNECT from h.example[192.0.2.1]:2525 to [192.0.2.25]:25')),
    'kind,line,producer,daemon,instance,action,clientHost,clientIp,clientPort,serverIp,serverPort',
  );
  // a ` to ` inside the client's brackets is the one the general path reads
  const odd = as(parse(P, 'CONNECT from [a to [192.0.2.9]:1]:2525 to [192.0.2.25]:25'), 'proxy');
  assert.equal(odd.serverIp, '192.0.2.9');
  const T = 'postfix/tlsproxy';
  const note = 'kind,line,producer,daemon,instance,note';
  assert.equal(keys(parse(T, 'CONNECT from [192.0.2.1]:2525')), `${note},clientIp,clientPort`);
  assert.equal(keys(parse(T, 'DISCONNECT [192.0.2.1]')), `${note},clientIp`);
  assert.equal(keys(parse(T, 'DISCONNECT h[192.0.2.1]:1')), `${note},clientHost,clientIp,clientPort`);
});
