import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { FilterEvent, LogEvent } from './event.js';
import { parseSpamd, SAMPLES } from './spamd.js';
import { syslogLine } from './test-lines.js';

function L(message: string, program = 'spamd'): LogLine {
  return syslogLine(program, 11565, message);
}
function filter(ev: LogEvent): FilterEvent {
  assert.equal(ev.kind, 'filter');
  return ev as FilterEvent;
}

test('result line: verdict, score, rules, Message-ID, required score', () => {
  const ev = filter(
    parseSpamd(
      L(
        'spamd: result: Y 15 - BAYES_99,DKIM_INVALID,SPF_FAIL scantime=1.2,size=4321,user=debian-spamd,uid=118,required_score=5.0,rhost=localhost,raddr=127.0.0.1,rport=45880,mid=<x1@example.net>,autolearn=no',
      ),
    ),
  );
  assert.equal(ev.action, 'spam');
  assert.equal(ev.score, 15);
  assert.equal(ev.threshold, 5);
  assert.equal(ev.messageId, 'x1@example.net');
  assert.deepEqual(Object.keys(ev.symbols ?? {}), ['BAYES_99', 'DKIM_INVALID', 'SPF_FAIL']);
  assert.equal(ev.clientIp, undefined, 'raddr is spamc, not the SMTP client');
  assert.equal(ev.queueId, undefined);
});

test('clean result, negative score, unknown mid, double space', () => {
  const ev = filter(
    parseSpamd(
      L('result: . -1 - DKIM_SIGNED,SPF_PASS scantime=3.3,size=4260,mid=(unknown),autolearn=disabled'),
    ),
  );
  assert.equal(ev.action, 'clean');
  assert.equal(ev.score, -1);
  assert.equal(ev.messageId, undefined);
  const sp = filter(
    parseSpamd(
      L('result: .  0 - AWL,FORGED_RCVD_HELO scantime=1.6,size=3347,mid=<m@example.com>,autolearn=ham'),
    ),
  );
  assert.equal(sp.score, 0);
  assert.equal(sp.messageId, 'm@example.com');
});

test('identified spam / clean message carry score and threshold', () => {
  const s = filter(parseSpamd(L('spamd: identified spam (8.1/6.0) for root:98 in 4.2 seconds, 1432 bytes.')));
  assert.equal(s.action, 'spam');
  assert.equal(s.score, 8.1);
  assert.equal(s.threshold, 6);
  const c = filter(parseSpamd(L('clean message (0.0/6.0) for root:98 in 1.6 seconds, 3347 bytes.')));
  assert.equal(c.action, 'clean');
  assert.equal(c.score, 0);
});

test('connections, message checks and components are noise; the rest unrecognised; never throws', () => {
  for (const m of [
    'connection from localhost [127.0.0.1] at port 49144',
    'spamd: connection from mx.example.org [127.0.0.1]:33620 to port 783, fd 5',
    'checking message <m@example.com> for root:98.',
    'spamd: processing message <m@example.com> for debian-spamd:118',
    'dns: new_dns_packet: domain is utf8 flagged: ns1.example.org',
    'prefork: child states: II',
  ]) {
    assert.equal(parseSpamd(L(m)).kind, 'noise', m);
  }
  assert.equal(parseSpamd(L('spamd: something new')).kind, 'unrecognised');
  for (const m of [
    'result: ',
    'result: Y',
    'result: Y 1 - ' + 'A,'.repeat(40000),
    'identified spam (',
    'x'.repeat(70000),
  ]) {
    assert.doesNotThrow(() => parseSpamd(L(m)));
  }
  const rules = Array.from({ length: 1000 }, (_, i) => `R${i}`).join(',');
  const big = filter(parseSpamd(L(`result: Y 1 - ${rules} mid=<m@x>`)));
  assert.equal(Object.keys(big.symbols ?? {}).length, 256);
  assert.equal(big.messageId, 'm@x');
});

test('every sample parses to its kind', () => {
  for (const s of SAMPLES) assert.equal(parseSpamd(L(s.message, s.program)).kind, s.kind, s.message);
});

test('result line rules state SPF/DKIM/DMARC results', () => {
  const ev = filter(
    parseSpamd(
      L(
        'result: Y 9 - DKIM_INVALID,DKIM_SIGNED,DMARC_QUAR,SPF_SOFTFAIL,SPF_HELO_PASS scantime=1,size=1,mid=<m@x>,autolearn=no',
      ),
    ),
  );
  assert.deepEqual(ev.auth, {
    spf: 'softfail',
    dkim: [{ result: 'fail' }],
    dmarc: { result: 'fail', policy: 'quarantine' },
  });
  const both = filter(
    parseSpamd(L('result: . 0 - SPF_PASS,SPF_FAIL,DKIM_VALID,DKIM_INVALID scantime=1,mid=<m@x>')),
  );
  assert.equal(both.auth?.spf, 'unknown');
  assert.deepEqual(both.auth?.dkim, [{ result: 'pass' }, { result: 'fail' }]);
  const none = filter(parseSpamd(L('result: . 0 - BAYES_00,HTML_MESSAGE scantime=1,mid=<m@x>')));
  assert.equal(none.auth, undefined);
});
