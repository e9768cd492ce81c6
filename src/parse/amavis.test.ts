import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { FilterEvent, LogEvent } from './event.js';
import { parseAmavis, SAMPLES } from './amavis.js';
import { syslogLine } from './test-lines.js';

function L(message: string): LogLine {
  return syslogLine('amavis', 2279, message);
}
function filter(ev: LogEvent): FilterEvent {
  assert.equal(ev.kind, 'filter');
  return ev as FilterEvent;
}

test('Passed CLEAN: every field of the main line', () => {
  const ev = filter(
    parseAmavis(
      L(
        '(02279-04) Passed CLEAN {RelayedInbound}, [192.0.2.10]:6101 [198.51.100.7] <alice@example.com> -> <bob@example.org>,<carol@example.org>, Queue-ID: 4AA091855DA0, Message-ID: <x1@example.com>, mail_id: 6aLEkMwQa8H2, Hits: -1.2, size: 888, queued_as: 776E41855DB2, 80 ms',
      ),
    ),
  );
  assert.equal(ev.action, 'passed');
  assert.equal(ev.category, 'CLEAN');
  assert.equal(ev.clientIp, '192.0.2.10');
  assert.equal(ev.clientPort, 6101);
  assert.equal(ev.envelopeFrom, 'alice@example.com');
  assert.deepEqual(ev.recipients, ['bob@example.org', 'carol@example.org']);
  assert.equal(ev.queueId, '4AA091855DA0');
  assert.equal(ev.messageId, 'x1@example.com');
  assert.equal(ev.score, -1.2);
  assert.equal(ev.queuedAs, '776E41855DB2');
  assert.equal(ev.producer, 'amavis');
});

test('Blocked INFECTED with the virus name and no score', () => {
  const ev = filter(
    parseAmavis(
      L(
        '(4051607-09) Blocked INFECTED (Eicar-Signature) {DiscardedInbound,Quarantined}, [192.0.2.1]:1434 [192.0.2.1] <x@example.net> -> <bob@example.org>, quarantine: 2/virus-26W2lJY63nCZ, Queue-ID: 83B741009CD35, Message-ID: <m@example.net>, mail_id: 26W2lJY63nCZ, Hits: -, size: 28646, 104 ms',
      ),
    ),
  );
  assert.equal(ev.action, 'blocked');
  assert.equal(ev.category, 'INFECTED');
  assert.equal(ev.detail, 'Eicar-Signature');
  assert.equal(ev.score, undefined);
  assert.equal(ev.queueId, '83B741009CD35');
  assert.equal(ev.queuedAs, undefined);
});

test('banned names with nested parentheses; bank words and IPv6 before the sender', () => {
  const ev = filter(
    parseAmavis(
      L(
        'Blocked BANNED (multipart/mixed | application/octet-stream,.asc,=?iso-8859-1?Q?FTP_File (1)=File(1).reg), LOCAL [IPv6:2001:db8::5] [192.0.2.9] <from@example.com> -> <to@example.org>, quarantine: virus-SCwJc, Message-ID: <509@example.org>, mail_id: SCwJc, Hits: -, size: 4134, 3721 ms',
      ),
    ),
  );
  assert.equal(ev.category, 'BANNED');
  assert.match(ev.detail ?? '', /File\(1\)\.reg$/);
  assert.equal(ev.clientIp, '2001:db8::5');
  assert.equal(ev.envelopeFrom, 'from@example.com');
});

test('header From, HELO and valid DKIM signatures after the Subject', () => {
  const ev = filter(
    parseAmavis(
      L(
        '(237978-11) Passed SPAMMY {RelayedTaggedInbound}, [203.0.113.9]:41695 [203.0.113.50] ESMTP/ESMTP <bounce@esp.example.net> -> <bob@example.org>, (ESMTP://[203.0.113.9]:41695 < ESMTPA://203.0.113.50), Queue-ID: 4PbC4x469Jz3tBr, Message-ID: <m@esp.example.net>, mail_id: VQpG, b: _dAm, Hits: 6.1, size: 175061, queued_as: 4PbC4z6W5Qz3tG3, Subject: "Your invoice", From: <billing@example.com>, helo=mail.esp.example.net, Tests: [BAYES_50=0.8], autolearn=no, dkim_i=@esp.example.net, dkim_sd=s1:esp.example.net,k2:Example.com, 2131 ms',
      ),
    ),
  );
  assert.equal(ev.headerFrom, 'billing@example.com');
  assert.equal(ev.queueId, '4PbC4x469Jz3tBr');
  assert.equal(ev.queuedAs, '4PbC4z6W5Qz3tG3');
  assert.deepEqual(ev.auth, {
    dkim: [
      { result: 'pass', domain: 'esp.example.net' },
      { result: 'pass', domain: 'example.com' },
    ],
  });
});

test('a Subject cannot forge the queue id or the header From', () => {
  const ev = filter(
    parseAmavis(
      L(
        '(1-01) Passed CLEAN {RelayedInbound}, [203.0.113.9]:1 [203.0.113.9] <x@example.net> -> <bob@example.org>, Queue-ID: REALQID1, Message-ID: <m@example.net>, Hits: 1, size: 1, Subject: "hi\\", From: <ceo@example.org>, Queue-ID: FAKE1", From: <x@example.net>, 5 ms',
      ),
    ),
  );
  assert.equal(ev.queueId, 'REALQID1');
  assert.equal(ev.headerFrom, 'x@example.net');
});

test('older forms: "Passed CLEAN," without tags, the split "Passed," and amavisd-new 2.4 SPAM lines', () => {
  const a = filter(
    parseAmavis(
      L(
        'Passed CLEAN, [192.0.2.1] [192.0.2.1] <from@example.com> -> <to@example.net>, Message-ID: <m@example.com>, mail_id: a1, Hits: -2.3, size: 1, 1 ms',
      ),
    ),
  );
  assert.equal(a.category, 'CLEAN');
  assert.equal(a.score, -2.3);
  assert.equal(filter(parseAmavis(L('(28236-10) Passed,'))).action, 'passed');
  const old = filter(
    parseAmavis(
      L(
        'SPAM, <from@example.com> -> <to@example.org>, Yes, score=17.709 tag=-10 tag2=6.31 kill=6.31 tests=[BAYES_99=4], autolearn=spam, quarantine Cc4 (spam-quarantine)',
      ),
    ),
  );
  assert.equal(old.action, 'spam');
  assert.equal(old.score, 17.709);
  assert.deepEqual(old.recipients, ['to@example.org']);
  const tag = filter(
    parseAmavis(L('SPAM-TAG, <from@example.com> -> <to@example.org>, No, score=-1.2 required=5')),
  );
  assert.equal(tag.action, 'clean');
  assert.equal(tag.score, -1.2);
});

test('other shapes are noise; unknown text unrecognised; hostile input never throws', () => {
  for (const m of [
    '(27886-10) p001 1 Content-Type: text/plain, 7bit, size: 38, SHA1 digest: 7ca2c6',
    '(27886-10) ESMTP :10024 /var/lib/amavis/tmp/amavis-x: <a@example.com> -> <b@example.org> SIZE=445',
    '(27886-10) Checking: rOEEAACEPVgB [192.0.2.1] <a@example.com> -> <b@example.org>',
    '(27886-10) rOEEAACEPVgB FWD from <a@example.com> -> <b@example.org>, BODY=7BIT 250 2.0.0 Ok: queued as 5A6B',
    '(!!)TROUBLE in process_request: oops',
    '(!)something new went wrong',
    'extra modules loaded: PerlIO.pm',
    '(233291-13) ...=no, autolearnscore=-0.098, 2688 ms',
  ]) {
    assert.equal(parseAmavis(L(m)).kind, 'noise', m);
  }
  assert.equal(parseAmavis(L('(1-01) Something unheard of')).kind, 'unrecognised');
  for (const m of [
    'Passed',
    'Passed CLEAN, <',
    'Blocked X (((((',
    '(1-01) Passed CLEAN, ' + '<a>,'.repeat(5000),
    'P'.repeat(70000),
  ]) {
    assert.doesNotThrow(() => parseAmavis(L(m)));
  }
});

test('every sample parses to its kind', () => {
  for (const s of SAMPLES) assert.equal(parseAmavis(L(s.message)).kind, s.kind, s.message);
});

test('SpamAssassin Tests list: symbols with scores and the auth results they state', () => {
  const ev = filter(
    parseAmavis(
      L(
        '(1-01) Passed SPAM {RelayedTaggedInbound}, [203.0.113.9]:1 [203.0.113.9] <x@example.net> -> <bob@example.org>, Queue-ID: Q1A2B3C4D5, Hits: 7.1, size: 1, Subject: "x", From: <ceo@example.org>, helo=x.example.net, Tests: [BAYES_99=3.5,DMARC_REJECT=0.1,SPF_FAIL=0.9,DKIM_INVALID=0.1], autolearn=no, 5 ms',
      ),
    ),
  );
  assert.equal(ev.symbols?.['BAYES_99']?.score, 3.5);
  assert.deepEqual(ev.auth, {
    spf: 'fail',
    dkim: [{ result: 'fail' }],
    dmarc: { result: 'fail', policy: 'reject' },
  });
  const withSd = filter(
    parseAmavis(
      L(
        '(1-02) Passed CLEAN {RelayedInbound}, [192.0.2.1]:1 [192.0.2.1] <a@example.com> -> <b@example.org>, Hits: -1, size: 1, Tests: [DKIM_VALID=-0.1,SPF_PASS=-0.001], dkim_sd=s1:example.com, 5 ms',
      ),
    ),
  );
  assert.deepEqual(withSd.auth, { spf: 'pass', dkim: [{ result: 'pass', domain: 'example.com' }] });
});

test('a Subject with doubled or escaped quotes cannot plant Tests, From or dkim_sd', () => {
  const ev = filter(
    parseAmavis(
      L(
        '(1-03) Passed CLEAN {RelayedInbound}, [203.0.113.9]:1 [203.0.113.9] <x@example.net> -> <bob@example.org>, Queue-ID: Q9, Hits: 1, size: 1, Subject: "a"", Tests: [SPF_PASS=0,DMARC_PASS=0], dkim_sd=s:example.org, From: <ceo@example.org>, b", From: <x@example.net>, 5 ms',
      ),
    ),
  );
  assert.equal(ev.headerFrom, 'x@example.net');
  assert.equal(ev.auth, undefined);
  assert.equal(ev.symbols, undefined);
});
