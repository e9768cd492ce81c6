/**
 * Split by position, property-style: on generated logs (messages straddling every kind of
 * cut, rotated sets with gzip members and empty files, CRLF, a last line without newline,
 * long lines, blank lines) cut with small part and lead-in sizes, `--workers 2` and `3`
 * give the lines of a single-threaded run, as a multiset, with the same file:line evidence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runPipeline } from '../pipeline.js';
import { eventToJson } from '../cli/commands/parse.js';
import { runParallel, splitByPosition } from './index.js';
import { planParts } from './ranges.js';
import { decoded, messagesOneThread } from './test-support.js';

/** A small seeded generator (the same logs on every run, so a failure reproduces). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

interface Shape {
  messages: number;
  /** Messages in flight at a time (their lines interleave). */
  concurrent: number;
  /** Bytes of the longest header line (longer than a lead-in when large). */
  longLine: number;
}

/** The lines of one message, without stamps (host, tag, text). */
function messageLines(m: number, r: (n: number) => number, shape: Shape): string[] {
  const host = r(4) === 0 ? 'mx2.example.com' : 'mx1.example.com';
  const qid = (0x4a1b000000 + m).toString(16).toUpperCase();
  const pid = 2000 + m;
  const ip = `198.51.100.${(m % 250) + 1}`;
  const from = r(3) === 0 ? 'ceo@example.com' : `news${m}@shop.test`;
  const lines = [`${host} postfix/smtpd[${pid}]: connect from mail.shop.test[${ip}]`];
  if (r(6) === 0) {
    lines.push(
      `${host} postfix/smtpd[${pid}]: NOQUEUE: reject: RCPT from mail.shop.test[${ip}]: 550 5.7.1 <bob@example.com>: Recipient address rejected: no; from=<${from}> to=<bob@example.com> proto=ESMTP helo=<mail.shop.test>`,
    );
  } else {
    const subject = r(5) === 0 ? 'S'.repeat(1 + r(shape.longLine)) : `offer ${m}`;
    lines.push(
      `${host} postfix/smtpd[${pid}]: ${qid}: client=mail.shop.test[${ip}]`,
      `${host} postfix/cleanup[${4000 + m}]: ${qid}: message-id=<${m}.x@shop.test>`,
      `${host} postfix/cleanup[${4000 + m}]: ${qid}: warning: header Subject: ${subject} from mail.shop.test[${ip}]; from=<${from}> to=<bob@example.com> proto=ESMTP helo=<mail.shop.test>`,
      `${host} opendkim[900]: ${qid}: ${r(2) === 0 ? 'no signature data' : 'DKIM verification successful'}`,
      `${host} opendmarc[901]: ${qid}: ${from.endsWith('example.com') ? 'example.com fail' : 'shop.test pass'}`,
      `${host} postfix/qmgr[1100]: ${qid}: from=<${from}>, size=${2048 + m}, nrcpt=1 (queue active)`,
      `${host} postfix/local[${5000 + m}]: ${qid}: to=<bob@example.com>, relay=local, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
      `${host} postfix/qmgr[1100]: ${qid}: removed`,
    );
  }
  lines.push(`${host} postfix/smtpd[${pid}]: disconnect from mail.shop.test[${ip}] commands=4`);
  return lines;
}

/** A whole log as lines: messages interleaved at random, one line per second, noise between. */
function generate(r: (n: number) => number, shape: Shape): string[] {
  const pending = Array.from({ length: shape.messages }, (_, m) => messageLines(m, r, shape));
  const open: string[][] = [];
  const out: string[] = [];
  let t = Date.UTC(2026, 10, 27, 9, 0, 0);
  while (pending.length > 0 || open.length > 0) {
    while (open.length < shape.concurrent && pending.length > 0) open.push(pending.shift()!);
    const i = r(open.length);
    const line = open[i]!.shift()!;
    if (open[i]!.length === 0) open.splice(i, 1);
    const d = new Date(t);
    const stamp = `Nov 27 ${d.toISOString().slice(11, 19)}`;
    out.push(`${stamp} ${line}`);
    t += 1000;
    const noise = r(20);
    if (noise === 0) out.push('');
    else if (noise === 1)
      out.push(`${stamp} mx1.example.com dovecot: imap-login: Login: user=<bob@example.com>`);
  }
  return out;
}

interface Layout {
  /** Files oldest first, with their bytes. */
  files: { name: string; bytes: Buffer }[];
}

/** The log cut into a rotated set (oldest maybe gzip, maybe an empty member), CRLF or LF. */
function layout(lines: string[], r: (n: number) => number): Layout {
  const count = 1 + r(3);
  const cuts = Array.from({ length: count - 1 }, () => r(lines.length)).sort((a, b) => a - b);
  const bounds = [0, ...cuts, lines.length];
  const files: Layout['files'] = [];
  for (let k = 0; k < count; k++) {
    const age = count - 1 - k;
    const gzip = age >= 1 && r(2) === 0;
    const eol = r(3) === 0 ? '\r\n' : '\n';
    const part = lines.slice(bounds[k], bounds[k + 1]);
    // The newest file may end without a newline (a line being written).
    const last = age === 0 && r(2) === 0 ? '' : eol;
    const text = part.length === 0 ? '' : part.join(eol) + last;
    const name = age === 0 ? 'mail.log' : `mail.log.${age}${gzip ? '.gz' : ''}`;
    files.push({ name, bytes: gzip ? gzipSync(text) : Buffer.from(text) });
  }
  // An empty member: an extra rotated name, the oldest.
  if (r(4) === 0) files.unshift({ name: 'mail.log.9', bytes: Buffer.alloc(0) });
  return { files };
}

async function withFiles<T>(l: Layout, fn: (paths: string[]) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-split-prop-'));
  try {
    const paths = l.files.map((f) => {
      const p = join(dir, f.name);
      writeFileSync(p, f.bytes);
      return p;
    });
    // Named newest first, as a shell glob would not: the reader orders the set itself.
    return await fn(paths.reverse());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sorted = (lines: string[]): string[] => lines.filter((l) => l !== '').sort();

/** Output lines of `runParallel` over the paths (split with these sizes, else by the defaults). */
async function parallelLines(
  paths: string[],
  workers: number,
  spec: Parameters<typeof runParallel>[1]['spec'],
  split?: { leadIn: number; minPart: number },
): Promise<{ lines: string[]; stats: Awaited<ReturnType<typeof runParallel>>['stats'] }> {
  const out: string[] = [];
  const res = await runParallel(paths, {
    workers,
    spec,
    read: { tz: 'UTC' },
    onOutput: (b) => out.push(decoded(b)),
    ...(split === undefined ? {} : { split }),
  });
  return { lines: out.join('').split('\n'), stats: res.stats };
}

const CASES = 14;

test('split by position, generated logs: every message once, whole, with the evidence lines of one thread', async () => {
  let split = 0;
  for (let c = 0; c < CASES; c++) {
    const r = rng(0x5eed + c * 7919);
    const shape: Shape = { messages: 60 + r(120), concurrent: 1 + r(6), longLine: 200 + r(3000) };
    const l = layout(generate(r, shape), r);
    // Lead-in and tail far longer than a message's span; parts small, so each log is cut often.
    const opts = { leadIn: 12_000 + r(8000), minPart: 1500 + r(4000) };
    const workers = 2 + r(2);
    await withFiles(l, async (paths) => {
      const what = `case ${c}: ${l.files.map((f) => `${f.name}:${f.bytes.length}`).join(' ')}, ${workers} workers, ${JSON.stringify(opts)}`;
      const parts = await splitByPosition(paths, workers, 'messages', opts);
      if ((parts?.length ?? 0) > 1) split++;
      const single = await messagesOneThread(paths, true);
      const multi = await parallelLines(paths, workers, { kind: 'messages', withLines: true }, opts);
      assert.deepEqual(sorted(multi.lines), sorted(single), what);
      // The counters a summary shows: as one thread counts them.
      const stats = await runPipeline(paths, { read: { tz: 'UTC' } });
      const shown = (s: typeof stats) => ({
        lines: s.lines,
        recognised: s.recognised,
        unrecognised: s.unrecognised,
        records: s.correlator?.records,
        agedOut: s.correlator?.agedOut,
        evicted: s.correlator?.evicted,
        orphanEvents: s.correlator?.orphanEvents,
        events: s.correlator?.events,
      });
      assert.deepEqual(shown(multi.stats), shown(stats), what);
      // Too small to split (the default part size): lines routed by host give the same.
      if (c % 2 === 1) return;
      const routed = await parallelLines(paths, workers, { kind: 'messages', withLines: true });
      assert.deepEqual(sorted(routed.lines), sorted(single), `${what}, routed by host`);
      assert.deepEqual(shown(routed.stats), shown(stats), `${what}, routed by host`);
    });
  }
  assert.ok(split >= CASES / 2, `${split} of ${CASES} logs were split`);
});

test('split by position, generated logs: parse gives every event once and the counters of one thread', async () => {
  for (let c = 0; c < CASES / 2; c++) {
    const r = rng(0xba5e + c * 104_729);
    const shape: Shape = { messages: 40 + r(80), concurrent: 1 + r(4), longLine: 200 + r(3000) };
    const l = layout(generate(r, shape), r);
    const opts = { leadIn: 12_000, minPart: 1500 + r(3000) };
    await withFiles(l, async (paths) => {
      const what = `case ${c}: ${l.files.map((f) => `${f.name}:${f.bytes.length}`).join(' ')}`;
      const events: string[] = [];
      const stats = await runPipeline(paths, {
        read: { tz: 'UTC' },
        correlate: false,
        onEvent: (e) => events.push(JSON.stringify(eventToJson(e))),
      });
      const multi = await parallelLines(paths, 3, { kind: 'parse', summaryOnly: false }, opts);
      assert.deepEqual(sorted(multi.lines), sorted(events), what);
      assert.equal(multi.stats.lines, stats.lines, what);
      assert.equal(JSON.stringify(multi.stats.byProgram), JSON.stringify(stats.byProgram), what);
    });
  }
});

/** One message a minute; message `slow` is delivered `gapMin` minutes after it was queued. */
function slowDeliveryLog(slow: number, gapMin: number): string {
  const out: string[] = [];
  const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);
  const at = (ms: number): string => `Nov 27 ${new Date(ms).toISOString().slice(11, 19)} mx1.example.com`;
  const lines: [number, string][] = [];
  for (let m = 0; m < 200; m++) {
    const t = t0 + m * 10_000;
    const qid = (0x4a1b000000 + m).toString(16).toUpperCase();
    lines.push(
      [t, `postfix/pickup[10]: ${qid}: uid=0 from=<root>`],
      [t, `postfix/cleanup[11]: ${qid}: message-id=<${m}@example.com>`],
      [t, `postfix/qmgr[12]: ${qid}: from=<a${m}@example.com>, size=100, nrcpt=1 (queue active)`],
    );
    const done = m === slow ? t + gapMin * 60_000 : t;
    const relay = m === slow ? 'mx.example.net[203.0.113.5]:25' : 'local';
    lines.push(
      [
        done,
        `postfix/smtp[13]: ${qid}: to=<b@example.net>, relay=${relay}, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)`,
      ],
      [done, `postfix/qmgr[12]: ${qid}: removed`],
    );
  }
  // In time order (stable: a message's own lines keep their order).
  lines.sort((a, b) => a[0] - b[0]);
  for (const [t, l] of lines) out.push(`${at(t)} ${l}`);
  return out.join('\n') + '\n';
}

test('split by position: a message still open past the cut is followed in the tail as long as it is open, not for ten minutes of log time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-split-slow-'));
  try {
    const path = join(dir, 'mail.log');
    // Message 100 is queued just before the middle of the log and delivered 15 minutes later.
    const text = slowDeliveryLog(100, 15);
    writeFileSync(path, text);
    const split = { leadIn: text.length, minPart: Math.floor(text.length / 2.2) };
    const parts = await splitByPosition([path], 2, 'messages', split);
    assert.equal(parts?.length, 2);
    const cut = parts![1]!.pieces.find((p) => p.zone === 'own')!.start;
    assert.ok(text.indexOf('4A1B000064: uid=0') < cut && text.indexOf('4A1B000064: removed') > cut);
    const single = await messagesOneThread([path], false);
    const out: string[] = [];
    await runParallel([path], {
      workers: 2,
      spec: { kind: 'messages', withLines: false },
      // Small batches: the tail decides whether to go on after each.
      read: { tz: 'UTC', batchLines: 16 },
      onOutput: (b) => out.push(decoded(b)),
      split,
    });
    const slow = (lines: string[]): string[] => lines.filter((l) => l.includes('"4A1B000064"'));
    assert.equal(slow(single).length, 1);
    assert.deepEqual(
      slow(sorted(out.join('').split('\n'))),
      slow(single),
      'delivered, not aged out at the cut',
    );
    assert.deepEqual(sorted(out.join('').split('\n')), sorted(single));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('split by position: a cut just before a run of NUL bytes (a log after a crash) loses no part of the log', async () => {
  const r = rng(0xdead);
  // One message at a time: a line between two messages belongs to none.
  const lines = generate(r, { messages: 120, concurrent: 1, longLine: 10 });
  const nul = '\0'.repeat(2500);
  const size = lines.join('\n').length + 1 + nul.length + 1;
  const split = { leadIn: 8000, minPart: Math.floor(size / 2.5) };
  // Where the cut is aimed (before it moves to a line start).
  const aim = planParts([{ path: 'x', size, gzip: false }], 2, { ...split, snap: (_p, pos) => pos });
  const target = aim[1]!.pieces.find((p) => p.zone === 'own')!.start;
  // The NUL line goes in at the first message boundary after the aim: the line start the
  // cut moves to is at most a message before it, so the NULs are in the part's first bytes.
  let at = 0;
  let i = 0;
  for (; at < target || !lines[i]!.includes('disconnect from'); i++) at += lines[i]!.length + 1;
  const text = [...lines.slice(0, i + 1), nul, ...lines.slice(i + 1)].join('\n') + '\n';
  assert.equal(text.length, size);
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-split-nul-'));
  try {
    const path = join(dir, 'mail.log');
    writeFileSync(path, text);
    const errors: string[] = [];
    const single = await messagesOneThread([path], true);
    const out: string[] = [];
    const res = await runParallel([path], {
      workers: 2,
      spec: { kind: 'messages', withLines: true },
      read: { tz: 'UTC' },
      onOutput: (b) => out.push(decoded(b)),
      onError: (e) => errors.push(e.message),
      split,
    });
    assert.deepEqual(errors, [], 'the file is text: only its head says whether it is binary');
    assert.deepEqual(sorted(out.join('').split('\n')), sorted(single));
    assert.equal(res.records, single.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('split by position: a message deferred before a cut and delivered after it is reported whole, delivered', async () => {
  const host = 'mx1.example.com';
  const lines: string[] = [];
  let t = Date.UTC(2026, 10, 27, 9, 0, 0);
  const at = (text: string): void => {
    lines.push(`Nov 27 ${new Date(t).toISOString().slice(11, 19)} ${host} ${text}`);
    t += 1000;
  };
  const deferred = 'D1F3A0B2C4';
  at(`postfix/pickup[900]: ${deferred}: uid=1000 from=<alice>`);
  at(`postfix/cleanup[901]: ${deferred}: message-id=<retry@example.com>`);
  at(`postfix/qmgr[1100]: ${deferred}: from=<alice@example.com>, size=900, nrcpt=1 (queue active)`);
  at(
    `postfix/smtp[902]: ${deferred}: to=<bob@example.net>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.net[192.0.2.80]:25: Connection timed out)`,
  );
  // Other mail for 100 minutes, many reads long: the cut falls in here, the retry comes inside the tail.
  for (let m = 0; m < 1500; m++) {
    const q = (0xa10000 + m).toString(16).toUpperCase().padStart(10, '0');
    at(`postfix/pickup[900]: ${q}: uid=1000 from=<carol>`);
    at(`postfix/qmgr[1100]: ${q}: from=<carol@example.com>, size=700, nrcpt=1 (queue active)`);
    at(
      `postfix/local[903]: ${q}: to=<dave@example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
    );
    at(`postfix/qmgr[1100]: ${q}: removed`);
  }
  at(`postfix/qmgr[1100]: ${deferred}: from=<alice@example.com>, size=900, nrcpt=1 (queue active)`);
  at(
    `postfix/smtp[904]: ${deferred}: to=<bob@example.net>, relay=mx.example.net[192.0.2.80]:25, delay=1230, delays=1200/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)`,
  );
  at(`postfix/qmgr[1100]: ${deferred}: removed`);
  const text = lines.join('\n') + '\n';
  const l: Layout = { files: [{ name: 'mail.log', bytes: Buffer.from(text) }] };
  // Parts of about a tenth of the log: a cut soon after the deferral; the tail may read it all.
  const opts = { leadIn: text.length, minPart: Math.floor(text.length / 10) };
  await withFiles(l, async (paths) => {
    const parts = await splitByPosition(paths, 4, 'messages', opts);
    assert.ok((parts?.length ?? 0) > 1, 'the log is split');
    const single = await messagesOneThread(paths, false);
    const multi = await parallelLines(paths, 4, { kind: 'messages', withLines: false }, opts);
    assert.deepEqual(sorted(multi.lines), sorted(single));
    const record = multi.lines
      .filter((x) => x !== '')
      .map((x) => JSON.parse(x) as { queueId?: string; disposition?: string })
      .find((r) => r.queueId === deferred);
    assert.equal(record?.disposition, 'delivered');
  });
});
