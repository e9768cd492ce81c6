/**
 * `investigate` on the mail lab's real logs (lab/fixtures), checked against the raw file
 * read independently here: every line that names one of the message's queue ids (the
 * content filter's second queue id found through "queued as" / orig_queue_id), the lines
 * of each SMTP session that carried it (same smtpd pid, from connect to disconnect) and
 * the policyd-spf line for that session's client; each line's SHA-256 as
 * createHash('sha256') gives over the line read from the file; and the verdict, score
 * and finding rules that scan gives the same record with the same config.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInvestigate, type InvestigateReport } from '../../src/investigate/index.js';
import { loadConfig } from '../../src/detect/config.js';
import type { Verdict } from '../../src/detect/verdict.js';
import { loadTruth, scanLog, type TruthMessage } from '../lab/lab-verdicts.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(REPO, 'lab', 'fixtures');
const CONFIG_PATH = join(FIXTURES, 'spoofwatch.yaml');
const config = loadConfig(CONFIG_PATH);
const truth = loadTruth(join(FIXTURES, 'truth.json'));

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function bare(mid: string): string {
  return mid.startsWith('<') && mid.endsWith('>') ? mid.slice(1, -1) : mid;
}

/** True when `line` names `id` as a whole word. */
function names(line: string, id: string): boolean {
  for (let i = line.indexOf(id); i >= 0; i = line.indexOf(id, i + 1)) {
    const b = line.charAt(i - 1);
    const a = line.charAt(i + id.length);
    if (!/[0-9A-Z]/i.test(b) && !/[0-9A-Z]/i.test(a)) return true;
  }
  return false;
}

/** "Nov 27 22:02:35 mx postfix/smtpd[24252]: rest" -> program[pid] and rest. */
function split(line: string): { tag: string; rest: string } {
  const m = /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ ([^\s[]+\[\d+\]): (.*)$/.exec(line);
  return m === null ? { tag: '', rest: line } : { tag: m[1]!, rest: m[2]! };
}

interface Expected {
  queueIds: string[];
  /** 1-based line numbers. */
  lines: number[];
}

/**
 * The message's lines, from the raw file alone: its queue ids (the one given, the one
 * carrying the Message-ID, plus those it was handed to by "queued as" or came back as via
 * orig_queue_id), every line naming one, each smtpd session that carried one from its
 * connect to its disconnect, and the policyd-spf line for that session's client.
 */
function expectedFromFile(raw: string[], seed: { queueId?: string; messageId?: string }): Expected {
  const ids = new Set<string>();
  if (seed.queueId !== undefined) ids.add(seed.queueId);
  if (seed.messageId !== undefined)
    for (const l of raw) {
      const { rest } = split(l);
      const m = /^([0-9A-F]{6,20}): message-id=<([^>]*)>/.exec(rest);
      if (m !== null && m[2] === bare(seed.messageId)) ids.add(m[1]!);
    }
  for (let grew = true; grew;) {
    grew = false;
    for (const l of raw) {
      const { rest } = split(l);
      const own = /^([0-9A-F]{6,20}): /.exec(rest)?.[1];
      const next = /queued as ([0-9A-F]{6,20})\)/.exec(rest)?.[1];
      const orig = /orig_queue_id=([0-9A-F]{6,20})/.exec(rest)?.[1];
      const add = (x: string | undefined): void => {
        if (x !== undefined && !ids.has(x)) {
          ids.add(x);
          grew = true;
        }
      };
      if (own !== undefined && ids.has(own)) add(next);
      if (orig !== undefined && ids.has(orig)) add(own);
    }
  }
  const out = new Set<number>();
  raw.forEach((l, i) => {
    if ([...ids].some((id) => names(l, id))) out.add(i);
  });
  for (const i of [...out]) {
    const { tag, rest } = split(raw[i]!);
    if (!tag.startsWith('postfix/smtpd[') || !/^[0-9A-F]{6,20}: client=/.test(rest)) continue;
    let c = i;
    while (c > 0 && !raw[c]!.includes(`${tag}: connect from `)) c--;
    let d = i;
    while (d < raw.length - 1 && !raw[d]!.includes(`${tag}: disconnect from `)) d++;
    const ip = /\[([0-9a-f.:]+)\]$/i.exec(raw[c]!)?.[1];
    for (let k = c; k <= d; k++) {
      const t = split(raw[k]!);
      if (t.tag === tag) out.add(k);
      if (ip !== undefined && t.tag.startsWith('policyd-spf[') && t.rest.includes(`client-ip=${ip};`))
        out.add(k);
    }
    // A proxy in front: postscreen's lines for the client's address and port (its last
    // CONNECT before the smtpd session), and HAProxy's line for that connection.
    if (ip === undefined) continue;
    let port: string | undefined;
    for (let k = c; k >= 0 && port === undefined; k--) {
      const t = split(raw[k]!);
      if (t.tag.startsWith('postfix/postscreen[') && t.rest.startsWith(`CONNECT from [${ip}]:`))
        port = /^CONNECT from \[[^\]]+\]:(\d+) /.exec(t.rest)?.[1];
    }
    if (port === undefined) continue;
    raw.forEach((l, k) => {
      const t = split(l);
      const ps = t.tag.startsWith('postfix/postscreen[');
      if (ps && (t.rest.includes(`[${ip}]:${port} `) || t.rest.endsWith(`[${ip}]:${port}`))) out.add(k);
      if (t.tag.startsWith('haproxy[') && t.rest.startsWith(`${ip}:${port} `)) out.add(k);
    });
  }
  return { queueIds: [...ids].sort(), lines: [...out].sort((a, b) => a - b).map((i) => i + 1) };
}

const scans = new Map<string, Promise<Verdict[]>>();
function scanOf(log: string): Promise<Verdict[]> {
  let p = scans.get(log);
  if (p === undefined) {
    p = scanLog(log, CONFIG_PATH);
    scans.set(log, p);
  }
  return p;
}

async function check(log: string, query: string, exp: Expected): Promise<InvestigateReport> {
  const raw = readFileSync(log, 'utf8').split('\n');
  const report = await runInvestigate(query, [log], { config });
  assert.equal(report.messages.length, 1, `one message for ${query}`);
  const story = report.messages[0]!;
  assert.deepEqual([...story.queueIds].sort(), exp.queueIds, 'the queue ids the file shows');

  const got = report.timeline.map((l) => l.line).sort((a, b) => a - b);
  const missing = exp.lines.filter((n) => !got.includes(n));
  const extra = got.filter((n) => !exp.lines.includes(n));
  assert.deepEqual(
    { missing: missing.map((n) => raw[n - 1]), extra: extra.map((n) => raw[n - 1]) },
    { missing: [], extra: [] },
    'every line of the message and no other',
  );
  for (const l of report.timeline) {
    assert.equal(l.file, log);
    assert.equal(l.raw, raw[l.line - 1], `line ${l.line} as in the file`);
    assert.equal(l.sha256, sha256(raw[l.line - 1]!), `line ${l.line} hash`);
    assert.equal(l.exact, true);
  }
  // In log order: the lab writes one host's lines in time order.
  assert.deepEqual(
    report.timeline.map((l) => l.line),
    got,
  );

  const verdicts = await scanOf(log);
  const v = verdicts.find((x) => x.record.queueIds.some((q) => exp.queueIds.includes(q)));
  assert.ok(v, 'scan has the record');
  assert.deepEqual(
    {
      verdict: story.verdict.verdict,
      score: story.verdict.score,
      rules: story.verdict.findings.map((f) => f.rule),
    },
    { verdict: v.verdict, score: v.score, rules: v.findings.map((f) => f.rule) },
    'the verdict scan gives',
  );
  return report;
}

function sent(mode: string, scenario: string): TruthMessage {
  const m = truth.messages.find((x) => x.mode === mode && x.scenario === scenario);
  assert.ok(m, `${mode}/${scenario} in truth.json`);
  return m;
}

function logOf(mode: string): string {
  return join(FIXTURES, truth.logs[mode] ?? `postfix-${mode}.log`);
}

function queueIdOf(log: string, messageId: string): string {
  const line = readFileSync(log, 'utf8')
    .split('\n')
    .find((l) => l.includes(`: message-id=${messageId}`));
  const id = line === undefined ? undefined : /: ([0-9A-F]{6,20}): message-id=/.exec(line)?.[1];
  assert.ok(id, `queue id of ${messageId}`);
  return id;
}

describe('investigate on the lab logs', () => {
  const cases = [
    { mode: 'report-only', scenario: 'legit-direct', hops: 1 },
    { mode: 'report-only', scenario: 'spoof-lookalike-digit', hops: 1 },
    { mode: 'content-filter', scenario: 'spoof-own-domain-outside', hops: 2 },
    { mode: 'content-filter', scenario: 'legit-esp-aligned', hops: 2 },
    { mode: 'enforce', scenario: 'spoof-own-domain-outside', hops: 1, rejected: true },
    { mode: 'haproxy-report-only', scenario: 'legit-direct', hops: 1, proxied: true },
    { mode: 'haproxy-report-only', scenario: 'spoof-display-name', hops: 1, proxied: true },
  ];
  for (const c of cases) {
    test(`${c.mode} ${c.scenario}: by queue id and by Message-ID, all its lines, hashed, scan's verdict`, async () => {
      const m = sent(c.mode, c.scenario);
      const log = logOf(c.mode);
      const raw = readFileSync(log, 'utf8').split('\n');
      const qid = queueIdOf(log, m.messageId);
      if (m.smtp.queueId !== undefined) assert.equal(qid, m.smtp.queueId);
      const exp = expectedFromFile(raw, { queueId: qid });
      assert.equal(exp.queueIds.length, c.hops, `queue ids ${exp.queueIds.join(', ')}`);
      assert.deepEqual(expectedFromFile(raw, { messageId: m.messageId }), exp);

      const byQid = await check(log, qid, exp);
      assert.equal(byQid.messages[0]!.matchedBy, 'queue-id');
      const byMid = await check(log, m.messageId, exp);
      assert.equal(byMid.messages[0]!.matchedBy, 'message-id');
      // The second queue id of a content-filtered message finds the same story.
      if (c.hops > 1) {
        const second = exp.queueIds.find((x) => x !== qid)!;
        await check(log, second, exp);
      }
      const story = byQid.messages[0]!;
      assert.equal(story.verdict.verdict, m.verdict, 'the lab truth agrees');
      if (c.rejected === true) {
        assert.equal(story.disposition, 'rejected');
        assert.ok(byQid.timeline.some((l) => l.raw.includes('milter-reject: END-OF-MESSAGE')));
      }
      if (c.proxied === true) {
        assert.ok(
          byQid.timeline.some((l) => l.program === 'haproxy'),
          'the HAProxy connection',
        );
        assert.ok(
          byQid.timeline.some((l) => l.program === 'postfix/postscreen'),
          'postscreen',
        );
      }
      const header = story.identities.find((i) => i.name === 'header From');
      assert.ok(header, 'header From among the identities');
      assert.ok(
        byQid.timeline.some((l) => l.raw.includes('policyd-spf[')),
        'the SPF check of its session',
      );
    });
  }
});

/**
 * Sendmail and Exim: every line naming the queue id and, for Sendmail, the SPF milter's
 * lines for the client just before it (pyspf-milter logs "connect from NAME at ('IP',
 * PORT)" and its result without a queue id). Exim's lab log carries no session lines.
 */
function expectedOtherMta(raw: string[], messageId: string, mta: 'sendmail' | 'exim'): Expected {
  const mid = bare(messageId);
  let qid: string | undefined;
  let ip: string | undefined;
  for (const l of raw) {
    const { rest } = split(l);
    if (mta === 'sendmail' && rest.includes(`msgid=<${mid}>`)) {
      qid = rest.slice(0, rest.indexOf(':'));
      ip = /relay=\S* ?\[([\d.]+)\]/.exec(rest)?.[1];
    }
    if (mta === 'exim' && rest.includes(' <= ') && rest.includes(` id=${mid} `)) qid = rest.split(' ')[0];
  }
  assert.ok(qid, `queue id of ${messageId}`);
  const out = new Set<number>();
  raw.forEach((l, i) => {
    if (names(l, qid)) out.add(i);
  });
  const first = Math.min(...out);
  for (let k = first - 1; k >= 0 && ip !== undefined; k--) {
    const t = split(raw[k]!);
    if (!t.tag.startsWith('pyspf-milter[')) break;
    if (t.rest.includes(`('${ip}',`) || t.rest.includes(`client-ip=${ip};`)) out.add(k);
  }
  return { queueIds: [qid], lines: [...out].sort((a, b) => a - b).map((i) => i + 1) };
}

describe('investigate on the lab Sendmail and Exim logs', () => {
  for (const mode of ['sendmail-report-only', 'exim-report-only']) {
    const log = logOf(mode);
    const mta = mode.startsWith('sendmail') ? 'sendmail' : 'exim';
    for (const scenario of ['legit-direct', 'spoof-display-name']) {
      test(
        `${mode} ${scenario}: by queue id and Message-ID, all its lines, hashed, scan's verdict`,
        {
          skip:
            existsSync(log) && truth.messages.some((x) => x.mode === mode)
              ? false
              : `no lab ${mode} log (${log}) or no ${mode} messages in truth.json`,
        },
        async () => {
          const m = sent(mode, scenario);
          const raw = readFileSync(log, 'utf8').split('\n');
          const exp = expectedOtherMta(raw, m.messageId, mta);
          const byQid = await check(log, exp.queueIds[0]!, exp);
          await check(log, m.messageId, exp);
          assert.equal(byQid.messages[0]!.mta, mta);
          assert.equal(byQid.messages[0]!.verdict.verdict, m.verdict, 'the lab truth agrees');
          if (mta === 'sendmail')
            assert.ok(
              byQid.timeline.some((l) => l.program === 'pyspf-milter' && l.raw.includes(' connect from ')),
            );
        },
      );
    }
  }
});
