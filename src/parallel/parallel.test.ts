/**
 * `--workers`: the same stages over threads give the same output lines (as a set) and the
 * same counters as one thread, on a central log of several hosts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../pipeline.js';
import { parseConfig } from '../detect/config.js';
import { eventToJson } from '../cli/commands/parse.js';
import { runParallel, splitByPosition, workerLimits } from './index.js';
import { createEnvelopeContext, parseEnvelope } from '../ingest/index.js';
import { MAX_OPEN_EVIDENCE_CHARS, MAX_OPEN_RECORDS } from '../limits.js';
import { createJob, loadKit } from './job.js';
import { scanParallel } from './scan.js';
import { decoded, messagesOneThread, scanOneThread, sortedLines } from './test-support.js';

const CONFIG = parseConfig('protectedDomains:\n  - example.com\ntrustedNetworks:\n  - 192.0.2.0/24\n');
const HOSTS = ['mx1.example.com', 'mx2.example.com', 'relay.example.org'];

/** Interleaved messages of three hosts: delivered, spoofed, rejected (NOQUEUE), and noise. */
function centralLog(messages: number): string {
  const per: string[][] = [];
  for (let m = 0; m < messages; m++) {
    const host = HOSTS[m % HOSTS.length]!;
    const qid = (0x3f2a1c0000 + m).toString(16).toUpperCase();
    const ip = `198.51.100.${(m % 250) + 1}`;
    const s = String(m % 60).padStart(2, '0');
    const t = `Nov 27 10:${String(Math.floor(m / 60) % 60).padStart(2, '0')}:${s} ${host}`;
    const kind = m % 4;
    const from = kind === 1 ? 'ceo@example.com' : `news${m}@shop.test`;
    const lines = [
      `${t} postfix/smtpd[${2000 + m}]: connect from mail.shop.test[${ip}]`,
      `${t} policyd-spf[${3000 + m}]: prepend Received-SPF: ${kind === 1 ? 'Fail' : 'Pass'} (mailfrom) identity=mailfrom; client-ip=${ip}; helo=mail.shop.test; envelope-from=${from}; receiver=<UNKNOWN>`,
    ];
    if (kind === 3) {
      lines.push(
        `${t} postfix/smtpd[${2000 + m}]: NOQUEUE: reject: RCPT from mail.shop.test[${ip}]: 550 5.7.1 <bob@example.com>: Recipient address rejected: SPF fail; from=<ceo@example.com> to=<bob@example.com> proto=ESMTP helo=<mail.shop.test>`,
      );
    } else {
      lines.push(
        `${t} postfix/smtpd[${2000 + m}]: ${qid}: client=mail.shop.test[${ip}]`,
        `${t} postfix/cleanup[${4000 + m}]: ${qid}: message-id=<${m}.offer@shop.test>`,
        `${t} postfix/cleanup[${4000 + m}]: ${qid}: warning: header From: <${from}> from mail.shop.test[${ip}]; from=<${from}> to=<bob@example.com> proto=ESMTP helo=<mail.shop.test>`,
        `${t} opendkim[900]: ${qid}: ${kind === 1 ? 'no signature data' : 'DKIM verification successful'}`,
        `${t} opendmarc[901]: ${qid}: ${kind === 1 ? 'example.com fail' : 'shop.test pass'}`,
        `${t} postfix/qmgr[1100]: ${qid}: from=<${from}>, size=${2048 + m}, nrcpt=1 (queue active)`,
        `${t} postfix/local[${5000 + m}]: ${qid}: to=<bob@example.com>, relay=local, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
        `${t} postfix/qmgr[1100]: ${qid}: removed`,
      );
    }
    lines.push(
      `${t} postfix/smtpd[${2000 + m}]: disconnect from mail.shop.test[${ip}] ehlo=1 mail=1 rcpt=1 quit=1 commands=4`,
    );
    if (m % 7 === 0) lines.push(`${t} dovecot: imap-login: Login: user=<bob@example.com>, method=PLAIN`);
    per.push(lines);
  }
  // Interleave: three messages in flight at a time, one line of each in turn.
  const out: string[] = [];
  for (let i = 0; i < per.length; i += 3) {
    const group = per.slice(i, i + 3);
    for (let k = 0; group.some((g) => k < g.length); k++)
      for (const g of group) if (k < g.length) out.push(g[k]!);
  }
  return out.join('\n') + '\n';
}

function withLog<T>(text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-parallel-'));
  const path = join(dir, 'mail.log');
  writeFileSync(path, text);
  return fn(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('scan --workers 3: the same JSONL lines and counts as one thread, over a central log of three hosts', async () => {
  await withLog(centralLog(300), async (path) => {
    const { text: single, records, stats } = await scanOneThread([path], CONFIG);
    const multi: string[] = [];
    const res = await scanParallel([path], {
      workers: 3,
      config: CONFIG,
      format: 'jsonl',
      color: false,
      minVerdict: 'clean',
      read: { tz: 'UTC' },
      out: { write: (s) => multi.push(s) },
    });
    assert.ok(records > 250);
    assert.deepEqual(sortedLines(multi.join('')), sortedLines(single));
    assert.equal(res.records, records);
    assert.equal(res.stats.lines, stats.lines);
    assert.equal(res.stats.recognised, stats.recognised);
    assert.deepEqual(res.stats.correlator, stats.correlator);
    assert.ok(res.byVerdict.spoof > 0, 'the forged CEO messages are found');
  });
});

test('scan --workers with the table: one header, rows of every worker, the summary from merged counts', async () => {
  await withLog(centralLog(30), async (path) => {
    const out: string[] = [];
    const res = await scanParallel([path], {
      workers: 2,
      config: CONFIG,
      format: 'table',
      color: false,
      minVerdict: 'suspicious',
      read: { tz: 'UTC' },
      out: { write: (s) => out.push(s) },
    });
    res.end({
      files: [path],
      lines: res.stats.lines,
      recognised: res.stats.recognised,
      unrecognised: res.stats.unrecognised,
      records: res.records,
      byVerdict: res.byVerdict,
      correlator: res.stats.correlator!,
      notes: res.notes,
    });
    const text = out.join('');
    const headerLine = text.split('\n')[0]!;
    assert.equal(text.split('\n').filter((l) => l === headerLine).length, 1);
    assert.match(text, /mx1\.example\.com/);
    assert.match(text, /mx2\.example\.com/);
    assert.match(text, /── summary/);
    assert.ok(res.shown > 0 && res.shown < res.records, `${res.shown} of ${res.records} shown:\n${text}`);
  });
});

test('messages and parse through workers: the same lines, and parse counters keyed in input order', async () => {
  await withLog(centralLog(60), async (path) => {
    const records = await messagesOneThread([path], false);
    const viaWorkers: string[] = [];
    await runParallel([path], {
      workers: 2,
      spec: { kind: 'messages', withLines: false },
      read: { tz: 'UTC' },
      onOutput: (t) => viaWorkers.push(decoded(t)),
    });
    assert.deepEqual(sortedLines(viaWorkers.join('')), records.sort());

    const events: string[] = [];
    const stats = await runPipeline([path], {
      read: { tz: 'UTC' },
      correlate: false,
      onEvent: (e) => events.push(JSON.stringify(eventToJson(e))),
    });
    const parsed: string[] = [];
    const res = await runParallel([path], {
      workers: 2,
      spec: { kind: 'parse', summaryOnly: false },
      read: { tz: 'UTC' },
      onOutput: (t) => parsed.push(decoded(t)),
    });
    assert.deepEqual(sortedLines(parsed.join('')), events.sort());
    assert.equal(JSON.stringify(res.stats.byProgram), JSON.stringify(stats.byProgram));
    assert.equal(
      JSON.stringify(res.stats.unrecognisedByProgram),
      JSON.stringify(stats.unrecognisedByProgram),
    );
    assert.ok(res.stats.unrecognised > 0, 'the dovecot lines are counted as unrecognised');
  });
});

test('an unreadable input is reported and counted, the others still run', async () => {
  await withLog(centralLog(6), async (path) => {
    const errors: string[] = [];
    const res = await runParallel([join(path, '..', 'missing.log'), path], {
      workers: 2,
      spec: { kind: 'messages', withLines: false },
      onOutput: () => undefined,
      onError: (e) => errors.push(e.code),
    });
    assert.deepEqual(errors, ['INPUT_UNREADABLE']);
    assert.equal(res.stats.errors, 1);
    assert.ok(res.records > 0);
  });
});

test('the job alone (no thread) writes what the single-threaded scan writes, batch by batch', async () => {
  const job = createJob({ kind: 'messages', withLines: false }, await loadKit('messages'));
  job.push([], []);
  assert.equal(job.output.take(), null);
  const result = job.finish();
  assert.equal(job.output.take(), null);
  assert.equal(result.records, 0);
  assert.equal(result.stats.lines, 0);
});

test('N workers hold 1/N of the open records each: the memory bound does not grow with --workers', async () => {
  assert.equal(workerLimits(1).maxOpenRecords, MAX_OPEN_RECORDS);
  assert.equal(workerLimits(4).maxOpenRecords, Math.ceil(MAX_OPEN_RECORDS / 4));
  assert.equal(workerLimits(4).maxOpenEvidenceChars, Math.ceil(MAX_OPEN_EVIDENCE_CHARS / 4));
  const job = createJob({ kind: 'messages', withLines: false }, await loadKit('messages'), {
    maxOpenRecords: 2,
  });
  const ctx = createEnvelopeContext(Date.UTC(2026, 10, 27), 'UTC');
  const lines = [0, 1, 2, 3, 4].map((i) =>
    parseEnvelope(
      `Nov 27 10:00:0${i} mx1.example.com postfix/qmgr[1100]: 3F2A1C0D5${i}: from=<a@example.net>, size=100, nrcpt=1 (queue active)`,
      { file: 'mail.log', line: i + 1 },
      ctx,
    ),
  );
  job.push(lines, [0, 1, 2, 3, 4]);
  assert.equal(
    decoded(job.output.take())
      .split('\n')
      .filter((l) => l !== '').length,
    3,
    'the three oldest open records were evicted',
  );
  assert.equal(job.finish().stats.correlator?.evicted, 3);
});

// Split by position (ranges.ts) with small sizes, so that a test log of ~100 KB makes parts.
const SPLIT = { leadIn: 6000, minPart: 2000 };

test('split by position: scan --workers 3 on one file gives the same JSONL lines and counts as one thread', async () => {
  await withLog(centralLog(400), async (path) => {
    const { text: single, records, stats } = await scanOneThread([path], CONFIG);
    const multi: string[] = [];
    let progress = 0;
    const res = await scanParallel([path], {
      workers: 3,
      config: CONFIG,
      format: 'jsonl',
      color: false,
      minVerdict: 'clean',
      read: { tz: 'UTC' },
      out: { write: (s) => multi.push(s) },
      afterBatch: (lines) => {
        progress = Math.max(progress, lines);
      },
      split: SPLIT,
    });
    assert.ok(records > 300);
    const a = sortedLines(single);
    assert.deepEqual(sortedLines(multi.join('')), a, 'every message once, assembled from all of its lines');
    assert.equal(
      new Set(a.map((l) => (JSON.parse(l) as { id: string }).id)).size,
      a.length,
      'ids are unique',
    );
    assert.equal(res.records, records);
    assert.equal(res.stats.lines, stats.lines);
    assert.equal(res.stats.recognised, stats.recognised);
    assert.equal(res.stats.correlator?.records, stats.correlator?.records);
    assert.equal(res.stats.correlator?.orphanEvents, stats.correlator?.orphanEvents);
    assert.equal(progress, stats.lines, 'progress reaches every line');
    const byVerdict = { spoof: 0, suspicious: 0, unknown: 0, clean: 0 };
    for (const l of a) byVerdict[(JSON.parse(l) as { verdict: keyof typeof byVerdict }).verdict]++;
    assert.deepEqual(res.byVerdict, byVerdict, 'verdict counts as one thread gives');
    assert.ok(byVerdict.spoof > 0, 'the forged CEO messages are found');
  });
});

test('split by position: evidence cites the same file:line as one thread (line numbers continue across parts)', async () => {
  await withLog(centralLog(200), async (path) => {
    const single = await messagesOneThread([path], true);
    const multi: string[] = [];
    await runParallel([path], {
      workers: 4,
      spec: { kind: 'messages', withLines: true },
      read: { tz: 'UTC' },
      onOutput: (t) => multi.push(decoded(t)),
      split: SPLIT,
    });
    assert.deepEqual(sortedLines(multi.join('')), single.sort());
  });
});

test('split by position: parse over parts, and rotated files split as one stream', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-parts-'));
  try {
    const log = centralLog(300);
    const cut = log.indexOf('\n', Math.floor(log.length / 3)) + 1;
    const older = join(dir, 'mail.log.1');
    const newer = join(dir, 'mail.log');
    writeFileSync(older, log.slice(0, cut));
    writeFileSync(newer, log.slice(cut));
    const events: string[] = [];
    const stats = await runPipeline([newer, older], {
      read: { tz: 'UTC' },
      correlate: false,
      onEvent: (e) => events.push(JSON.stringify(eventToJson(e))),
    });
    const parsed: string[] = [];
    const res = await runParallel([newer, older], {
      workers: 3,
      spec: { kind: 'parse', summaryOnly: false },
      read: { tz: 'UTC' },
      onOutput: (t) => parsed.push(decoded(t)),
      split: SPLIT,
    });
    assert.deepEqual(sortedLines(parsed.join('')), events.sort());
    assert.equal(JSON.stringify(res.stats.byProgram), JSON.stringify(stats.byProgram));

    const records = await messagesOneThread([newer, older], false);
    const viaParts: string[] = [];
    await runParallel([newer, older], {
      workers: 3,
      spec: { kind: 'messages', withLines: false },
      read: { tz: 'UTC' },
      onOutput: (t) => viaParts.push(decoded(t)),
      split: SPLIT,
    });
    assert.deepEqual(sortedLines(viaParts.join('')), records.sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('split by position across a log rotation with a gzip file: messages open at the rotation are reported once, whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-parts-gz-'));
  try {
    const log = centralLog(300);
    // Rotated in the middle of the traffic: between the SMTP connections and the queue ids
    // of the messages they carry (read on their own, the new file's first messages would
    // start without their connection, and be reported twice).
    const cut = log.lastIndexOf('\n', log.indexOf(': client=', Math.floor(log.length * 0.8))) + 1;
    const older = join(dir, 'mail.log.1.gz');
    const newer = join(dir, 'mail.log');
    writeFileSync(older, gzipSync(log.slice(0, cut)));
    writeFileSync(newer, log.slice(cut));
    const records = await messagesOneThread([newer, older], false);
    const viaParts: string[] = [];
    const res = await runParallel([newer, older], {
      workers: 2,
      spec: { kind: 'messages', withLines: false },
      read: { tz: 'UTC' },
      onOutput: (t) => viaParts.push(decoded(t)),
      // The gzip file weighs five times its size: the cut falls at its end, and the second
      // part's lead-in is the last 20 kB of lines of the gzip file.
      split: { leadIn: 20_000, minPart: 2000 },
    });
    const parts = await splitByPosition([newer, older], 2, 'messages', { leadIn: 20_000, minPart: 2000 });
    assert.deepEqual(
      parts?.[1]?.pieces.map((p) => [p.zone, p.path, p.keep]),
      [
        ['lead', older, 20_000],
        ['own', newer, undefined],
      ],
    );
    assert.equal(res.records, records.length);
    assert.deepEqual(sortedLines(viaParts.join('')), records.sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a job runs only with its own kind of modules; each kind loads what it writes with', async () => {
  const parse = await loadKit('parse');
  assert.equal(parse.kind, 'parse');
  assert.throws(
    () => createJob({ kind: 'messages', withLines: false }, parse),
    /messages job given the parse/,
  );
  const scan = await loadKit('scan');
  const job = createJob(
    { kind: 'scan', config: CONFIG, format: 'jsonl', color: false, minVerdict: 'clean' },
    scan,
  );
  job.push([], []);
  assert.equal(job.finish().records, 0);
});

test('split by position: a file refused as binary by its head is refused whole, not read from its middle', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-parts-bin-'));
  try {
    const path = join(dir, 'mail.log');
    // A zip archive whose members happen to hold log text.
    writeFileSync(path, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(centralLog(300))]));
    const errors: string[] = [];
    const multi: string[] = [];
    const res = await runParallel([path], {
      workers: 2,
      spec: { kind: 'messages', withLines: false },
      read: { tz: 'UTC' },
      onOutput: (t) => multi.push(decoded(t)),
      onError: (e) => errors.push(e.code),
      split: SPLIT,
    });
    const single = await messagesOneThread([path], false);
    assert.deepEqual(single, []);
    assert.deepEqual(errors, ['INPUT_BINARY']);
    assert.deepEqual(sortedLines(multi.join('')), []);
    assert.equal(res.stats.lines, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Runs runParallel in a process of its own, over a log of 20,000 lines of five hosts (routed
 * by host unless `split`), with the output or the progress callback failing as `fail` says;
 * returns what the process printed and how it ended (killed after 30 s if it hangs).
 */
function runFailing(fail: 'progress' | 'output', split: boolean): { stdout: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-fail-'));
  try {
    const log = join(dir, 'mail.log');
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++)
      lines.push(
        `Nov 27 10:00:00 mx${i % 5}.example.com postfix/qmgr[1]: 3F2A1C${i.toString(16).toUpperCase().padStart(4, '0')}: removed`,
      );
    writeFileSync(log, lines.join('\n') + '\n');
    const script = join(dir, 'run.mts');
    writeFileSync(
      script,
      `import { runParallel } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};
try {
  await runParallel([${JSON.stringify(log)}], {
    workers: 2,
    spec: { kind: 'parse', summaryOnly: false },
    read: { tz: 'UTC' },
    onOutput: () => { if (${JSON.stringify(fail)} === 'output') throw new Error('output failed'); },
    afterBatch: () => { if (${JSON.stringify(fail)} === 'progress') throw new Error('progress failed'); },
    ${split ? 'split: { leadIn: 1000, minPart: 1000 },' : ''}
  });
  console.log('resolved');
} catch (err) {
  console.log('rejected: ' + (err as Error).message);
}
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { stdout: r.stdout, status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('routed by host: a failing output or progress callback fails the run, and the process still exits', () => {
  // The first batch read fails before any worker had lines to answer: idle workers were left
  // running and kept the process alive.
  assert.deepEqual(runFailing('progress', false), { stdout: 'rejected: progress failed\n', status: 0 });
  // A throw in the handler of a worker's message was an uncaught exception (exit code 1).
  assert.deepEqual(runFailing('output', false), { stdout: 'rejected: output failed\n', status: 0 });
});

test('split by position: a failing output or progress callback fails the run, and the process still exits', () => {
  assert.deepEqual(runFailing('progress', true), { stdout: 'rejected: progress failed\n', status: 0 });
  assert.deepEqual(runFailing('output', true), { stdout: 'rejected: output failed\n', status: 0 });
});
