/**
 * The same verdicts whatever MTA wrote the log, over the committed lab captures
 * (lab/fixtures: one scenario set sent through Postfix, Sendmail and Exim): a scenario's
 * verdict on Sendmail and Exim equals Postfix's, and where an MTA's log lacks a field the
 * verdict is `unknown` naming it, never a `clean` the logs cannot support.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../pipeline.js';
import { loadConfig } from './config.js';
import { createDetector } from './index.js';
import type { Verdict } from './verdict.js';

const LAB = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../lab/fixtures');
const skip = existsSync(join(LAB, 'truth.json')) ? false : `lab fixtures not found at ${LAB}`;

interface Sent {
  mode: string;
  scenario: string;
  messageId: string;
  clientIp: string;
}

function truth(): { logs: Record<string, string>; messages: Sent[] } {
  return JSON.parse(readFileSync(join(LAB, 'truth.json'), 'utf8')) as {
    logs: Record<string, string>;
    messages: Sent[];
  };
}

async function scan(path: string): Promise<Verdict[]> {
  const detector = createDetector(loadConfig(join(LAB, 'spoofwatch.yaml')));
  const out: Verdict[] = [];
  await runPipeline([path], { onRecord: (r) => out.push(detector.detect(r)) });
  return out;
}

const bare = (id: string): string => (id.startsWith('<') && id.endsWith('>') ? id.slice(1, -1) : id);

function verdictOf(vs: Verdict[], m: Sent): Verdict | undefined {
  const byId = vs.filter(
    (v) => v.record.messageId !== undefined && bare(v.record.messageId) === bare(m.messageId),
  );
  return (
    byId.find((v) => v.record.session.clientIp === m.clientIp) ??
    byId[0] ??
    vs.find((v) => v.record.messageId === undefined && v.record.session.clientIp === m.clientIp)
  );
}

const PAIRS: [string, string][] = [
  ['report-only', 'exim-report-only'],
  ['enforce', 'exim-enforce'],
  ['report-only', 'sendmail-report-only'],
  ['enforce', 'sendmail-enforce'],
  ['report-only', 'haproxy-report-only'],
];

test(
  'Exim, Sendmail and proxied Postfix give plain Postfix verdicts on the same scenarios',
  { skip },
  async () => {
    const t = truth();
    const cache = new Map<string, Verdict[]>();
    const verdicts = async (mode: string): Promise<Verdict[]> => {
      let v = cache.get(mode);
      if (v === undefined) {
        v = await scan(join(LAB, t.logs[mode] ?? `postfix-${mode}.log`));
        cache.set(mode, v);
      }
      return v;
    };
    for (const [base, other] of PAIRS) {
      const a = await verdicts(base);
      const b = await verdicts(other);
      const differ: string[] = [];
      for (const m of t.messages.filter((x) => x.mode === other)) {
        const twin = t.messages.find((x) => x.mode === base && x.scenario === m.scenario);
        if (twin === undefined) continue;
        const va = verdictOf(a, twin)?.verdict;
        const vb = verdictOf(b, m)?.verdict;
        if (va !== vb) differ.push(`${m.scenario}: ${base} ${va ?? 'none'}, ${other} ${vb ?? 'none'}`);
      }
      assert.deepEqual(differ, [], `${other} against ${base}`);
    }
  },
);

test(
  'Sendmail without the header-From logging: unknown naming header.from, never clean from outside',
  { skip },
  async () => {
    const t = truth();
    const log = readFileSync(join(LAB, t.logs['sendmail-report-only'] ?? 'sendmail-report-only.log'), 'utf8');
    // What a Sendmail without the lab's check rules logs: no "header.From:" lines.
    const stripped = log
      .split('\n')
      .filter((l) => !l.includes(': header.From:'))
      .join('\n');
    assert.notEqual(stripped.length, log.length, 'the capture logs header.From lines');
    const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-parity-'));
    try {
      const path = join(dir, 'sendmail-no-from.log');
      writeFileSync(path, stripped);
      const vs = await scan(path);
      assert.ok(vs.length > 10);
      for (const v of vs) {
        if (v.origin === 'outside')
          assert.notEqual(v.verdict, 'clean', `${v.record.id}: ${v.explanation ?? ''}`);
        if (v.verdict === 'unknown') assert.ok(v.missing.includes('header.from'), v.record.id);
      }
      // The display-name impersonation cannot be seen without the header: unknown, not clean.
      const m = t.messages.find(
        (x) => x.mode === 'sendmail-report-only' && x.scenario === 'spoof-display-name',
      );
      assert.ok(m);
      const v = verdictOf(vs, m);
      assert.equal(v?.verdict, 'unknown');
      assert.ok(v.missing.includes('header.from'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
