import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { FilterEvent, LogEvent } from './event.js';
import { parseRspamd, SAMPLES, MAX_RSPAMD_SYMBOLS, MAX_RSPAMD_OPTIONS } from './rspamd.js';

function L(message: string, program = 'rspamd'): LogLine {
  return { time: 0, host: 'mx1', program, pid: 1001, message, raw: message, src: { file: 't', line: 1 } };
}
function filter(ev: LogEvent): FilterEvent {
  assert.equal(ev.kind, 'filter');
  return ev as FilterEvent;
}

const TASK =
  '<4a1f0c>; task; rspamd_task_write_log: id: <m1@example.com>, qid: <4F9D195432>, ip: 192.0.2.10, user: , from: <alice@example.com>, ' +
  '(default: F (no action): [-0.50/15.00] [R_SPF_ALLOW(-0.20){+ip4:192.0.2.0/24;},R_DKIM_ALLOW(-0.20){example.com:s=mail2026;esp.example.net:s=k1;},' +
  'DMARC_POLICY_ALLOW(-0.50){example.com;reject;},ARC_NA(0.00){},FROM_NEQ_ENVFROM(0.00){ceo@example.com;alice@example.com;},MIME_GOOD(-0.10){text/plain;}]), ' +
  'len: 2048, time: 80.123ms, dns req: 12, digest: <0f3a9c>, rcpts: <bob@example.org,carol@example.org>, mime_rcpts: <bob@example.org>';

test('task log: the fields of the default log_format', () => {
  const ev = filter(parseRspamd(L(TASK)));
  assert.equal(ev.action, 'no-action');
  assert.equal(ev.category, 'ham');
  assert.equal(ev.score, -0.5);
  assert.equal(ev.threshold, 15);
  assert.equal(ev.queueId, '4F9D195432');
  assert.equal(ev.messageId, 'm1@example.com');
  assert.equal(ev.clientIp, '192.0.2.10');
  assert.equal(ev.envelopeFrom, 'alice@example.com');
  assert.deepEqual(ev.recipients, ['bob@example.org', 'carol@example.org']);
  assert.equal(ev.headerFrom, 'ceo@example.com');
  const s = ev.symbols ?? {};
  assert.equal(s['R_SPF_ALLOW']?.score, -0.2);
  assert.deepEqual(s['R_SPF_ALLOW']?.options, ['+ip4:192.0.2.0/24']);
  assert.deepEqual(s['DMARC_POLICY_ALLOW']?.options, ['example.com', 'reject']);
  assert.equal(s['ARC_NA']?.score, 0);
  assert.equal(s['ARC_NA']?.options, undefined);
  assert.deepEqual(Object.keys(s).length, 6);
});

test('task log: the auth facts its symbols state', () => {
  const ev = filter(parseRspamd(L(TASK)));
  assert.deepEqual(ev.auth, {
    spf: 'pass',
    dkim: [
      { result: 'pass', domain: 'example.com' },
      { result: 'pass', domain: 'esp.example.net' },
    ],
    dmarc: { result: 'pass', domain: 'example.com', policy: 'reject' },
    arc: 'none',
  });
});

test('failing auth symbols', () => {
  const ev = filter(
    parseRspamd(
      L(
        '<77ab01>; task; rspamd_task_write_log: id: <x@example.net>, qid: <5A6B7C8D9E>, ip: 203.0.113.9, from: <ceo@example.com>, (default: T (reject): [17.40/15.00] [R_SPF_FAIL(1.00){-all;},R_DKIM_REJECT(1.00){example.com:s=sel;},DMARC_POLICY_REJECT(2.00){example.com;reject;},ARC_REJECT(1.00){}]), len: 900, time: 120.000ms, dns req: 8, digest: <aa11>, rcpts: <cfo@example.com>',
      ),
    ),
  );
  assert.equal(ev.action, 'reject');
  assert.equal(ev.category, 'spam');
  assert.deepEqual(ev.auth, {
    spf: 'fail',
    dkim: [{ result: 'fail', domain: 'example.com' }],
    dmarc: { result: 'fail', domain: 'example.com', policy: 'reject' },
    arc: 'fail',
  });
  const q = filter(
    parseRspamd(
      L(
        '<1>; task; rspamd_task_write_log: id: <y@example.net>, qid: <Q1>, ip: 203.0.113.9, (default: F (add header): [7.00/15.00] [DMARC_POLICY_QUARANTINE(1.50){example.org;quarantine;},R_SPF_SOFTFAIL(0.5){~all;},R_SPF_NA_NOT_REAL(0.0)]), len: 1',
      ),
    ),
  );
  assert.equal(q.action, 'add-header');
  assert.deepEqual(q.auth?.dmarc, { result: 'fail', domain: 'example.org', policy: 'quarantine' });
  assert.equal(q.auth?.spf, 'softfail');
});

test('every action word maps to the filter vocabulary', () => {
  const words: [string, string][] = [
    ['no action', 'no-action'],
    ['add header', 'add-header'],
    ['rewrite subject', 'rewrite-subject'],
    ['greylist', 'greylist'],
    ['reject', 'reject'],
    ['soft reject', 'soft-reject'],
  ];
  for (const [w, a] of words) {
    const ev = filter(
      parseRspamd(
        L(
          `<1>; task; rspamd_task_write_log: id: <a@b>, qid: <Q>, ip: 192.0.2.1, (default: F (${w}): [1.00/15.00] [X(1.00)]), len: 1`,
        ),
      ),
    );
    assert.equal(ev.action, a);
  }
});

test('native file line, syslog line and the line without the metric name read the same', () => {
  const native = filter(
    parseRspamd(
      L(
        '2026-11-20 10:00:01.100 #1001(normal) <a1b2c3>; task; rspamd_task_write_log: id: <m@example.com>, qid: <Q001>, ip: 192.0.2.1, (no action): [1.5/15.0] [R_SPF_ALLOW(-1.0),BAYES_HAM(-3.0)], len: 1234, time: 5.20ms',
      ),
    ),
  );
  assert.equal(native.queueId, 'Q001');
  assert.equal(native.action, 'no-action');
  assert.equal(native.score, 1.5);
  assert.equal(native.auth?.spf, 'pass');
  const old = filter(
    parseRspamd(
      L(
        '(normal) <b120f6>; task; rspamd_task_write_log: id: <m@example.com>, qid: <D4CFE300135>, ip: 2001:db8::19:2, from: <owner@example.org>, (default: F (no action): [-2.11/15.00] [MIME_GOOD,R_SPF_ALLOW,MAILLIST]), len: 6849, time: 538.803ms real, 26.851ms virtual, dns req: 22',
      ),
    ),
  );
  assert.equal(old.clientIp, '2001:db8::19:2');
  assert.equal(old.auth?.spf, 'pass');
  assert.deepEqual(Object.keys(old.symbols ?? {}), ['MIME_GOOD', 'R_SPF_ALLOW', 'MAILLIST']);
});

test('options holding separators an attacker wrote', () => {
  const ev = filter(
    parseRspamd(
      L(
        '<1>; task; rspamd_task_write_log: id: <m@x>, qid: <Q>, ip: 192.0.2.1, (default: F (no action): [0.00/15.00] [SUBJ_X(0.00){a,b]c};d;},R_SPF_ALLOW(-0.20){+ip4:192.0.2.1;}]), len: 1',
      ),
    ),
  );
  assert.deepEqual(ev.symbols?.['SUBJ_X']?.options, ['a,b]c}', 'd']);
  assert.equal(ev.auth?.spf, 'pass');
});

test('an option imitating a second SPF symbol makes SPF unknown, not pass', () => {
  const ev = filter(
    parseRspamd(
      L(
        '<1>; task; rspamd_task_write_log: id: <m@x>, qid: <Q>, ip: 203.0.113.9, (default: F (no action): [0.00/15.00] [R_SPF_FAIL(1.00){-all;},FROM_X(0.00){x;},R_SPF_ALLOW(0.00){y;}]), len: 1',
      ),
    ),
  );
  assert.equal(ev.auth?.spf, 'unknown');
  const dup = filter(
    parseRspamd(
      L(
        '<1>; task; rspamd_task_write_log: id: <m@x>, qid: <Q>, ip: 203.0.113.9, (default: F (no action): [0.00/15.00] [DMARC_POLICY_REJECT(1.00){example.com;reject;},DMARC_POLICY_REJECT(0.00){example.com;reject;}]), len: 1',
      ),
    ),
  );
  assert.equal(dup.auth?.dmarc?.result, 'unknown');
  assert.match(dup.detail ?? '', /named twice/);
});

test('bounds: symbols and options kept are capped; huge lines do not throw', () => {
  const many = Array.from({ length: MAX_RSPAMD_SYMBOLS + 50 }, (_, i) => `S${i}(0.0)`).join(',');
  const ev = filter(
    parseRspamd(
      L(
        `<1>; task; rspamd_task_write_log: id: <m@x>, qid: <Q>, (default: F (no action): [0.0/15.0] [${many}]), len: 1`,
      ),
    ),
  );
  assert.equal(Object.keys(ev.symbols ?? {}).length, MAX_RSPAMD_SYMBOLS);
  const opts = Array.from({ length: 100 }, (_, i) => `o${i};`).join('');
  const ev2 = filter(
    parseRspamd(
      L(
        `<1>; task; rspamd_task_write_log: id: <m@x>, qid: <Q>, (default: F (no action): [0.0/15.0] [A(0.0){${opts}}]), len: 1`,
      ),
    ),
  );
  assert.equal(ev2.symbols?.['A']?.options?.length, MAX_RSPAMD_OPTIONS);
  for (const m of [
    '<1>; task; rspamd_task_write_log: ',
    '<1>; task; rspamd_task_write_log: id: <',
    '<1>; task; rspamd_task_write_log: id: <m>, (default: F (no action): [',
    '<1>; task; rspamd_task_write_log: id: <m>, (default: F (no action): [1/2] [A(1){' + ';}'.repeat(20000),
    '#'.repeat(70000),
  ]) {
    assert.doesNotThrow(() => parseRspamd(L(m)));
  }
});

test('loaded message binds Message-ID and queue id; structured lines are noise', () => {
  const ev = parseRspamd(
    L('<b120f6>; task; rspamd_message_parse: loaded message; id: <m@example.com>; queue-id: <D4CFE300135>'),
  );
  assert.equal(ev.kind, 'message.id');
  assert.equal(ev.queueId, 'D4CFE300135');
  const undef = parseRspamd(
    L('<b120f6>; task; rspamd_message_parse: loaded message; id: <m@example.com>; queue-id: <undef>'),
  );
  assert.equal(undef.queueId, undefined);
  assert.equal(
    parseRspamd(L('<ed2abb>; task; accept_socket: accepted connection from ::1 port 52895')).kind,
    'noise',
  );
  assert.equal(parseRspamd(L('<>; map; rspamd_map_watch: map is loaded', 'rspamd_proxy')).kind, 'noise');
  assert.equal(parseRspamd(L('free text without structure')).kind, 'unrecognised');
});

test('every sample parses to its kind', () => {
  for (const s of SAMPLES) assert.equal(parseRspamd(L(s.message, s.program)).kind, s.kind, s.message);
});

test('older file-log shapes: empty tag, unbracketed id, and the pre-1.0 `#pid(type): stamp rspamd` prefix', () => {
  const ev = filter(
    parseRspamd(
      L(
        '2018-10-01 18:43:56 #6382(normal) ; task; rspamd_task_write_log: id: CAKK1m5d@mail.example.com, qid: 75CCB14264E, ip: 192.0.2.67, from: <a@example.com>, (default: F (no action): [-0.10/15.00] [R_SPF_ALLOW(-0.20){+ip4:192.0.2.0/24;}]), len: 2635, time: 10.0ms',
      ),
    ),
  );
  assert.equal(ev.messageId, 'CAKK1m5d@mail.example.com');
  assert.equal(ev.queueId, '75CCB14264E');
  assert.equal(ev.clientIp, '192.0.2.67');
  const old = parseRspamd(
    L('#81123(fuzzy): May 11 19:41:54 rspamd process_write_command: fuzzy hash was successfully added'),
  );
  assert.equal(old.kind, 'noise');
});

test('custom log_format fields: mime_from is the header From', () => {
  const ev = filter(
    parseRspamd(
      L(
        '<1>; task; rspamd_task_write_log: id: <m@x>, qid: <Q7>, ip: 203.0.113.9, smtp_from: <b@example.net>, mime_from: <ceo@example.com>, (default: F (no action): [0.0/15.0] [FROM_NEQ_ENVFROM(0.0){other@example.org;b@example.net;}]), len: 1',
      ),
    ),
  );
  assert.equal(ev.envelopeFrom, 'b@example.net');
  assert.equal(ev.headerFrom, 'ceo@example.com');
});

test('options holding ", " and parentheses (IP_SCORE, ASN) do not cut the list', () => {
  const ev = filter(
    parseRspamd(
      L(
        '2026-11-20 02:22:46 #489(normal) <747296>; task; rspamd_task_write_log: id: <a4@example.com>, qid: <02331840CC>, ip: 198.51.100.7, from: <a@example.com>, (default: F (no action): [-0.30/15.00] [R_SPF_ALLOW(-0.20){+mx;},ASN(0.00){asn:64500, ipnet:198.51.100.0/24, country:DE;},IP_SCORE(0.00){ip: (-9.33), ipnet: 198.51.100.0/24(-7.23), asn: 64500(-4.52), country: DE(-0.01);},DMARC_NA(0.00){example.com;},FROM_EQ_ENVFROM(0.00){}]), len: 916, time: 502.992ms real, 34.269ms virtual, dns req: 38, digest: <d2b1>, rcpts: <b@example.org>',
      ),
    ),
  );
  assert.deepEqual(Object.keys(ev.symbols ?? {}), [
    'R_SPF_ALLOW',
    'ASN',
    'IP_SCORE',
    'DMARC_NA',
    'FROM_EQ_ENVFROM',
  ]);
  assert.deepEqual(ev.symbols?.['ASN']?.options, ['asn:64500, ipnet:198.51.100.0/24, country:DE']);
  assert.deepEqual(ev.auth, { spf: 'pass', dmarc: { result: 'none', domain: 'example.com' } });
  assert.deepEqual(ev.recipients, ['b@example.org']);
  const lua = parseRspamd(
    L('<6c46d8>; lua; spf.lua:186: skip SPF checks for local networks and authorized users'),
  );
  assert.equal(lua.kind, 'noise');
  const loaded = parseRspamd(
    L(
      '<6c46d8>; task; rspamd_message_parse: loaded message; id: <M1@example.org>; queue-id: <D3EFB1F66D>; size: 2635; checksum: <d2b1>',
    ),
  );
  assert.equal(loaded.queueId, 'D3EFB1F66D');
});
