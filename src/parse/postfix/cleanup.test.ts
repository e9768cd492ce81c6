import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { as, fields, parse } from './test-helpers.js';

const P = 'postfix/cleanup';

test('message-id with brackets, without, and empty', () => {
  assert.deepEqual(fields(parse(P, '4F9D195432: message-id=<20261127.abc@mail.example.com>')), {
    kind: 'message.id',
    producer: 'postfix',
    daemon: 'cleanup',
    instance: 'postfix',
    queueId: '4F9D195432',
    messageId: '20261127.abc@mail.example.com',
  });
  assert.equal(
    as(parse(P, '4F9D195432: message-id=bare@example.com'), 'message.id').messageId,
    'bare@example.com',
  );
  assert.equal(as(parse(P, '4F9D195432: message-id='), 'message.id').messageId, '');
  assert.equal(as(parse(P, '4F9D195432: message-id=<>'), 'message.id').messageId, '');
  // resent-message-id must not replace the message's own id
  assert.equal(parse(P, '4F9D195432: resent-message-id=<r@example.com>').kind, 'message.note');
});

test('header_checks WARN: name, value, action and the suffix split into fields', () => {
  const ev = as(
    parse(
      P,
      '4F9D195432: warning: header From: "Alice" <alice@example.com> from mx.example.net[192.0.2.44]; from=<bounce@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'header',
  );
  assert.deepEqual(fields(ev), {
    kind: 'header',
    producer: 'postfix',
    daemon: 'cleanup',
    instance: 'postfix',
    queueId: '4F9D195432',
    name: 'From',
    value: '"Alice" <alice@example.com>',
    truncated: false,
    action: 'warning',
    clientHost: 'mx.example.net',
    clientIp: '192.0.2.44',
    from: 'bounce@example.net',
    to: 'bob@example.org',
    proto: 'ESMTP',
    helo: 'mx.example.net',
  });
});

test('a header value imitating the suffix cannot displace the real one', () => {
  const ev = as(
    parse(
      P,
      '4F9D195432: warning: header From: ceo@example.org from trusted.example.org[192.0.2.1]; from=<ceo@example.org> to=<x@example.org> proto=ESMTP helo=<trusted.example.org> from unknown[203.0.113.66]; from=<spoofer@attacker.test> to=<bob@example.org> proto=ESMTP helo=<attacker.test>',
    ),
    'header',
  );
  assert.equal(ev.from, 'spoofer@attacker.test');
  assert.equal(ev.clientIp, '203.0.113.66');
  assert.equal(ev.helo, 'attacker.test');
  assert.equal(
    ev.value,
    'ceo@example.org from trusted.example.org[192.0.2.1]; from=<ceo@example.org> to=<x@example.org> proto=ESMTP helo=<trusted.example.org>',
  );
});

test('local submissions log `from local;` and the optional text after the suffix', () => {
  const ev = as(
    parse(
      P,
      '4F9D195432: info: header Subject: Cron <root@mail> run-parts from local; from=<root@mail.example.com> to=<ops@example.com>: logged subject',
    ),
    'header',
  );
  assert.equal(ev.action, 'info');
  assert.equal(ev.name, 'Subject');
  assert.equal(ev.value, 'Cron <root@mail> run-parts');
  assert.equal(ev.clientIp, undefined);
  assert.equal(ev.from, 'root@mail.example.com');
  assert.equal(ev.to, 'ops@example.com');
});

test('header text cut at 200 characters is marked truncated; fold marks are kept', () => {
  const text = 'Subject: ' + 'A'.repeat(191); // 200 characters of header text
  const ev = as(
    parse(
      P,
      `4F9D195432: warning: header ${text} from unknown[198.51.100.7]; from=<a@example.net> to=<b@example.org> proto=ESMTP helo=<x.test>`,
    ),
    'header',
  );
  assert.equal(ev.truncated, true);
  assert.equal(ev.value.length, 191);
  const folded = as(
    parse(
      P,
      '4F9D195432: warning: header Received: from a.example.net (a.example.net [192.0.2.5])??by mx.example.org (Postfix) with ESMTP id 1A2B3C4D5E#012 for <b@example.org> from unknown[198.51.100.7]; from=<a@example.net> to=<b@example.org> proto=ESMTP helo=<x.test>',
    ),
    'header',
  );
  assert.equal(folded.truncated, false);
  assert.match(folded.value, /\?\?by mx\.example\.org .*#012 for/);
  // The syslog line itself was cut: no suffix at all.
  const cut = as(parse(P, '4F9D195432: warning: header From: "Very long display name'), 'header');
  assert.equal(cut.truncated, true);
  assert.equal(cut.value, '"Very long display name');
});

test('reject / discard / replace variants and body checks', () => {
  const rej = as(
    parse(
      P,
      '4F9D195432: reject: header Subject: invoice.zip from mx.example.net[192.0.2.44]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>: 5.7.1 Attachment rejected',
    ),
    'header',
  );
  assert.equal(rej.action, 'reject');
  assert.equal(rej.value, 'invoice.zip');
  assert.equal(rej.helo, 'mx.example.net');
  const body = as(
    parse(
      P,
      '4F9D195432: discard: body Click here to claim from mx.example.net[192.0.2.44]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>: spam body',
    ),
    'header',
  );
  assert.equal(body.name, '(body)');
  assert.equal(body.value, 'Click here to claim');
  assert.equal(body.action, 'discard');
  const rep = as(
    parse(
      P,
      '4F9D195432: replace: header MIME-Version: 1.0 from unknown[198.51.100.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x.test>: Mime-Version: 1.0',
    ),
    'header',
  );
  assert.equal(rep.action, 'replace');
  assert.equal(rep.value, '1.0');
});

test('milter_header_checks: milter-header-ACTION, text cut at 60 characters', () => {
  const ev = as(
    parse(
      P,
      '4F9D195432: milter-header-warning: header Authentication-Results: mail.example.org; dmarc=fail header.from=examp from mx.example.net[192.0.2.44]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'header',
  );
  assert.equal(ev.milter, true);
  assert.equal(ev.action, 'warning');
  assert.equal(ev.name, 'Authentication-Results');
  assert.equal(ev.value, 'mail.example.org; dmarc=fail header.from=examp');
  assert.equal(ev.truncated, true, '60 characters of header text is the milter cut');
});

test('milter-reject / discard / hold at end of data are rejects by milter', () => {
  const ev = as(
    parse(
      P,
      '4F9D195432: milter-reject: END-OF-MESSAGE from mx.example.net[192.0.2.44]: 5.7.1 rejected by DMARC policy for example.org; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(ev.stage, 'end-of-data');
  assert.equal(ev.by, 'milter');
  assert.equal(ev.action, 'reject');
  assert.equal(ev.from, 'a@example.net');
  assert.equal(ev.queueId, '4F9D195432');
  const hold = as(
    parse(
      P,
      '4F9D195432: milter-hold: END-OF-MESSAGE from mx.example.net[192.0.2.44]: milter triggers HOLD action; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(hold.action, 'hold');
  const temp = as(
    parse(
      P,
      '4F9D195432: milter-reject: END-OF-MESSAGE from mx.example.net[192.0.2.44]: 4.7.1 Service unavailable - try again later; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<mx.example.net>',
    ),
    'reject',
  );
  assert.equal(temp.action, 'defer', 'a 4.x.x milter reply is temporary');
  assert.equal(hold.reason, 'milter triggers HOLD action');
});

test('pickup-style uid= lines and milter warnings', () => {
  const ev = as(parse(P, '4F9D195432: uid=1000 from=<alice>'), 'message.pickup');
  assert.equal(ev.uid, 1000);
  assert.equal(ev.from, 'alice');
  assert.equal(
    parse(
      P,
      "warning: milter inet:127.0.0.1:8891: can't read SMFIC_BODYEOB reply packet header: Connection reset by peer",
    ).kind,
    'noise',
  );
  assert.equal(parse(P, '4F9D195432: milter inet:127.0.0.1:8891: service unavailable').kind, 'message.note');
});

test('property: whatever the header value holds, the suffix fields come from the real suffix', () => {
  const piece = fc.constantFrom(
    '; from=<ceo@example.org>',
    ' to=<x@example.org>',
    ' proto=SMTP',
    ' helo=<trusted.example.org>',
    ' from trusted.example.org[192.0.2.1];',
    ' from local;',
    '>',
    '<',
    ': ',
    '[',
    ']',
    ' ',
    'a',
    '??',
    '#012',
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 30 }), (parts) => {
      const value = parts.join('').slice(0, 180);
      const ev = as(
        parse(
          P,
          `4F9D195432: warning: header From: ${value} from unknown[203.0.113.66]; from=<spoofer@attacker.test> to=<bob@example.org> proto=ESMTP helo=<attacker.test>`,
        ),
        'header',
      );
      assert.equal(ev.from, 'spoofer@attacker.test');
      assert.equal(ev.to, 'bob@example.org');
      assert.equal(ev.clientIp, '203.0.113.66');
      assert.equal(ev.helo, 'attacker.test');
      assert.equal(ev.proto, 'ESMTP');
      assert.equal(ev.name, 'From');
      assert.equal(ev.value, value);
    }),
    { numRuns: 500 },
  );
});

test("header_checks: the one-literal usual line keeps the general path's fields and their order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance,queueId,name,value,truncated,action';
  const env = 'from=<a@x.test> to=<b@y.test> proto=ESMTP helo=<h.x.test>';
  const usual = as(
    parse(P, `4F9D195432: warning: header From: A <a@x.test> from h.x.test[192.0.2.1]; ${env}`),
    'header',
  );
  assert.equal(keys(usual), `${base},clientHost,clientIp,helo,proto,to,from`);
  assert.deepEqual(
    [usual.name, usual.value, usual.truncated, usual.action, usual.proto, usual.helo],
    ['From', 'A <a@x.test>', false, 'warning', 'ESMTP', 'h.x.test'],
  );
  assert.equal(
    keys(parse(P, `4F9D195432: warning: header From: A from h.x.test[192.0.2.1]:25; ${env}`)),
    `${base},clientHost,clientIp,clientPort,helo,proto,to,from`,
  );
  assert.equal(
    keys(parse(P, `4F9D195432: milter-header-warning: header From: A from h.x.test[192.0.2.1]; ${env}`)),
    `${base},milter,clientHost,clientIp,helo,proto,to,from`,
  );
  assert.equal(
    keys(
      parse(P, '4F9D195432: warning: header From: A from h.x.test[192.0.2.1]; from=<a@x.test> to=<b@y.test>'),
    ),
    `${base},clientHost,clientIp,to,from`,
  );
  assert.equal(
    keys(parse(P, `4F9D195432: warning: header From: A from local; ${env}`)),
    `${base},helo,proto,to,from`,
  );
  // odd action words, names and protocols are kept as logged
  const odd = as(
    parse(P, '4F9D195432: warnings: header X-Odd:v from h[192.0.2.1]; from=<a> to=<b> proto=XSMTP helo=<h>'),
    'header',
  );
  assert.deepEqual([odd.action, odd.name, odd.value, odd.proto], ['warnings', 'X-Odd', 'v', 'XSMTP']);
  // a colon after the header text is not the name's end
  const noColon = as(
    parse(P, '4F9D195432: warning: header NoColon from h[192.0.2.1]; from=<a:b> to=<b>'),
    'header',
  );
  assert.deepEqual([noColon.name, noColon.value], ['NoColon', '']);
  const empty = as(
    parse(P, '4F9D195432: warning: header From: from h[192.0.2.1]; from=<a> to=<b>'),
    'header',
  );
  assert.deepEqual([empty.name, empty.value], ['From', '']);
  const bare = as(
    parse(P, '4F9D195432: warning: header From:x from h[192.0.2.1]; from=<a> to=<b>'),
    'header',
  );
  assert.deepEqual([bare.name, bare.value], ['From', 'x']);
});

test('cleanup message-id read from the whole line: odd shapes read as before', () => {
  const id = (m: string) => as(parse(P, `4F9D195432: message-id=${m}`), 'message.id').messageId;
  assert.equal(id('<a@b>'), 'a@b');
  assert.equal(id('<a@b'), 'a@b');
  assert.equal(id('<a>b>'), 'a>b');
  assert.equal(id('a@b'), 'a@b');
  assert.equal(id('<>'), '');
  assert.equal(id(''), '');
  assert.equal(id('<'), '');
});
