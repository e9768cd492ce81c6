import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { numberIn } from './delivery.js';
import { as, fields, parse } from './test-helpers.js';

test('qmgr from= is the envelope: sender, size, recipient count; <> is the null sender', () => {
  assert.deepEqual(
    fields(parse('postfix/qmgr', '4F9D195432: from=<alice@example.com>, size=2145, nrcpt=3 (queue active)')),
    {
      kind: 'envelope',
      producer: 'postfix',
      daemon: 'qmgr',
      instance: 'postfix',
      queueId: '4F9D195432',
      from: 'alice@example.com',
      size: 2145,
      nrcpt: 3,
    },
  );
  assert.equal(
    as(parse('postfix/qmgr', '4F9D195432: from=<>, size=3876, nrcpt=1 (queue active)'), 'envelope').from,
    '',
  );
  assert.equal(
    as(
      parse('postfix-in/qmgr', '4F9D195432: from=bare@example.com, size=1, nrcpt=1 (queue active)'),
      'envelope',
    ).from,
    'bare@example.com',
  );
});

test('qmgr removed / expired close the record', () => {
  assert.equal(as(parse('postfix/qmgr', '4F9D195432: removed'), 'message.closed').reason, 'removed');
  assert.equal(
    as(
      parse('postfix/qmgr', '4F9D195432: from=<alice@example.com>, status=expired, returned to sender'),
      'message.closed',
    ).reason,
    'expired',
  );
  assert.equal(
    as(
      parse('postfix/qmgr', '4F9D195432: from=<alice@example.com>, status=force-expired, returned to sender'),
      'message.closed',
    ).reason,
    'expired',
  );
});

test('smtp status=sent: relay, dsn, delay, detail and the next hop queue id', () => {
  const ev = as(
    parse(
      'postfix/smtp',
      '4F9D195432: to=<bob@example.org>, orig_to=<b@example.org>, relay=mx.example.org[192.0.2.80]:25, conn_use=2, delay=0.5, delays=0.1/0.01/0.2/0.19, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 5C2E3F4A1B)',
    ),
    'delivery',
  );
  assert.deepEqual(fields(ev), {
    kind: 'delivery',
    producer: 'postfix',
    daemon: 'smtp',
    instance: 'postfix',
    queueId: '4F9D195432',
    to: 'bob@example.org',
    origTo: 'b@example.org',
    relay: 'mx.example.org[192.0.2.80]:25',
    status: 'sent',
    dsn: '2.0.0',
    delay: 0.5,
    detail: '250 2.0.0 Ok: queued as 5C2E3F4A1B',
    queuedAs: '5C2E3F4A1B',
  });
});

test('content-filter hop: the LAST "queued as" is the re-injected id; foreign ids are not taken', () => {
  const ev = as(
    parse(
      'postfix/amavis/smtp',
      '4PbCZy4PWKz3tBr: to=<u@example.org>, relay=127.0.0.1[127.0.0.1]:10026, delay=5.5, delays=0.06/0.02/0.01/5.4, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 4PbCb40W49z3tG3)',
    ),
    'delivery',
  );
  assert.equal(ev.queueId, '4PbCZy4PWKz3tBr');
  assert.equal(ev.queuedAs, '4PbCb40W49z3tG3');
  assert.equal(ev.instance, 'postfix/amavis');
  const foreign = as(
    parse(
      'postfix/smtp',
      '4F9D195432: to=<bob@example.net>, relay=mx.example.net[192.0.2.9]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 OK 1732700000 x12-20020a05600c000000b00000000000000si0000000wmq.12 - gsmtp)',
    ),
    'delivery',
  );
  assert.equal(foreign.queuedAs, undefined);
  const fwd = as(
    parse(
      'postfix/local',
      '4F9D195432: to=<root@mail.example.com>, orig_to=<root>, relay=local, delay=0.02, delays=0.01/0/0/0.01, dsn=2.0.0, status=sent (forwarded as 5C2E3F4A1B)',
    ),
    'delivery',
  );
  assert.equal(fwd.queuedAs, '5C2E3F4A1B');
});

test('bounced / deferred keep the remote reply as detail', () => {
  const ev = as(
    parse(
      'postfix/smtp',
      '4F9D195432: to=<bob@example.org>, relay=mx.example.org[2001:db8::80]:25, delay=1.2, delays=0.7/0/0.1/0.4, dsn=5.7.1, status=bounced (host mx.example.org[2001:db8::80] said: 550 5.7.1 Rejected (in reply to RCPT TO command))',
    ),
    'delivery',
  );
  assert.equal(ev.status, 'bounced');
  assert.equal(
    ev.detail,
    'host mx.example.org[2001:db8::80] said: 550 5.7.1 Rejected (in reply to RCPT TO command)',
  );
  const d = as(
    parse(
      'postfix/error',
      '4F9D195432: to=<bob@example.org>, relay=none, delay=12, delays=12/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.org[192.0.2.80]:25: Connection timed out)',
    ),
    'delivery',
  );
  assert.equal(d.status, 'deferred');
  assert.equal(d.relay, 'none');
});

test('delivery agent notes, outbound TLS and connection noise', () => {
  const said = as(
    parse(
      'postfix/smtp',
      '4F9D195432: host mx.example.org[192.0.2.80] said: 451 4.7.1 Greylisted (in reply to RCPT TO command)',
    ),
    'message.note',
  );
  assert.equal(said.queueId, '4F9D195432');
  assert.equal(
    parse('postfix/smtp', '4F9D195432: lost connection with mx.example.org[192.0.2.80] while sending RCPT TO')
      .kind,
    'message.note',
  );
  assert.equal(
    parse('postfix/smtp', 'connect to mx.example.org[192.0.2.80]:25: Connection refused').kind,
    'noise',
  );
  const tls = as(
    parse(
      'postfix/smtp',
      'Untrusted TLS connection established to mx.example.org[192.0.2.80]:25: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)',
    ),
    'session.tls',
  );
  assert.equal(tls.tlsTrust, 'Untrusted');
  assert.equal(tls.tlsProtocol, 'TLSv1.2');
  assert.equal(tls.clientIp, undefined, 'the peer of an outbound connection is not a client');
});

test("status lines: the one-literal usual shapes keep the general path's fields and their order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance';
  const L = 'postfix/local';
  const usual = 'to=<b@y.test>, relay=local, delay=0.8, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent';
  const d = as(parse(L, `4F9D195432: ${usual} (delivered to mailbox)`), 'delivery');
  assert.equal(keys(d), `${base},to,status,queueId,relay,dsn,delay,detail`);
  assert.deepEqual(
    [d.to, d.status, d.relay, d.dsn, d.delay, d.detail],
    ['b@y.test', 'sent', 'local', '2.0.0', 0.8, 'delivered to mailbox'],
  );
  assert.equal(keys(parse(L, `4F9D195432: ${usual}`)), `${base},to,status,queueId,relay,dsn,delay`);
  assert.equal(keys(parse(L, usual + ' (x)')), `${base},to,status,relay,dsn,delay,detail`);
  assert.equal(
    keys(parse('postfix/smtp', `4F9D195432: ${usual} (250 ok: queued as 5A6B7C8D9E)`)),
    `${base},to,status,queueId,relay,dsn,delay,detail,queuedAs`,
  );
  assert.equal(
    keys(
      parse(
        L,
        `4F9D195432: to=<b@y.test>, orig_to=<c@y.test>, relay=local, delay=1, dsn=2.0.0, status=sent (x)`,
      ),
    ),
    `${base},to,status,queueId,origTo,relay,dsn,delay,detail`,
  );
  // one line's fields never leak into the next line's event
  const bare = as(parse(L, '4F9D195432: to=<b@y.test>, status=sent'), 'delivery');
  assert.equal(keys(bare), `${base},to,status,queueId`);
  const Q = 'postfix/qmgr';
  const e = as(parse(Q, '4F9D195432: from=<a@x.test>, size=100, nrcpt=2 (queue active)'), 'envelope');
  assert.equal(keys(e), `${base},queueId,from,size,nrcpt`);
  assert.deepEqual([e.from, e.size, e.nrcpt], ['a@x.test', 100, 2]);
  assert.equal(
    keys(parse(Q, '4F9D195432: from=<a@x.test>, nrcpt=2 (queue active)')),
    `${base},queueId,from,nrcpt`,
  );
  assert.equal(keys(parse(Q, '4F9D195432: from=<a@x.test>, size=100')), `${base},queueId,from,size`);
});

test('numberIn reads a status line number in place exactly as Number() reads its text', () => {
  const same = (text: string) => {
    const s = `delay=${text}, x`;
    assert.ok(Object.is(numberIn(s, 6, 6 + text.length), Number(text)), text);
  };
  for (const t of [
    '0.8',
    '78616',
    '',
    '.5',
    '5.',
    '1.2.3',
    '007',
    '1e3',
    ' 1',
    '-1',
    '0x10',
    'Infinity',
    '1 2',
  ])
    same(t);
  same('123456789012345');
  same('1234567890123456789');
  same('0.000000000000001');
  fc.assert(
    fc.property(fc.stringMatching(/^\d{1,18}(\.\d{1,18})?$/), (t) => same(t)),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (t) => same(t)),
    { numRuns: 2000 },
  );
});

test('qmgr and delivery lines read from the whole line: odd shapes read as before', () => {
  const Q = 'postfix/qmgr';
  assert.equal(parse(Q, '4F9D195432: removed').kind, 'message.closed');
  assert.equal(parse(Q, '4F9D195432: removed ').kind, 'unrecognised');
  assert.equal(parse(Q, '4F9D195432: removedx').kind, 'unrecognised');
  // a `>` only before the value's `<` closes nothing
  assert.equal(parse(Q, '4F9D195432: from=<a@x.test, size=1').kind, 'unrecognised');
  assert.equal(parse('postfix/local', '4F9D195432: to=<b@y.test, status=sent').kind, 'unrecognised');
  assert.equal(
    as(parse(Q, '4F9D195432: skipped, still being delivered'), 'message.note').note,
    'skipped, still being delivered',
  );
});
