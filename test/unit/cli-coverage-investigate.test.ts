/**
 * `coverage` and `investigate` end to end: the telemetry audit in each format, and one
 * message's story whose evidence hashes match the raw lines of the file (so a reviewer can
 * check them with sha256sum), with the verdict scan gives; an id that is not in the logs
 * is a clear NOT_FOUND (exit 2).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { CONFIG_YAML, mixedLog, tempDir } from '../support/mail-fixtures.js';

const { dir, cleanup } = tempDir();
after(cleanup);
const log = join(dir, 'mail.log');
const TEXT = mixedLog();
writeFileSync(log, TEXT);
const LINES = TEXT.split('\n');
const config = join(dir, 'spoofwatch.yaml');
writeFileSync(config, CONFIG_YAML);

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('coverage', { concurrency: true }, () => {
  test('text, json and md', async () => {
    const [text, json, md] = await Promise.all([
      runCli(['coverage', log]),
      runCli(['coverage', '--format', 'json', log]),
      runCli(['coverage', '-f', 'md', log]),
    ]);
    for (const r of [text, json, md]) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
    }
    assert.match(text.stdout, /postfix/);
    assert.match(text.stdout, /opendkim/);
    assert.match(md.stdout, /^# /);
    const report = JSON.parse(json.stdout) as {
      inventory: { lines: number; mtas: unknown; milters: unknown };
      fields: { field: string; present: number; total: number }[];
      gaps: { field: string }[];
    };
    assert.equal(report.inventory.lines, LINES.filter((l) => l !== '').length);
    assert.ok(report.fields.length > 0);
    for (const f of report.fields) assert.ok(f.present <= f.total, f.field);
    // Only two of the four messages have a logged header From: that is a gap to report.
    assert.ok(
      report.gaps.some((g) => g.field === 'header.from'),
      JSON.stringify(report.gaps.map((g) => g.field)),
    );
  });
});

describe('investigate', { concurrency: true }, () => {
  test('an id not in the logs: exit 2, NOT_FOUND named on stderr', async () => {
    const r = await runCli(['investigate', 'ABCDEF1234', log]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^spoofwatch: no message with queue id or Message-ID "ABCDEF1234" in /);
  });

  test('a queue id: its lines with SHA-256 of the raw lines, and the verdict scan gives', async () => {
    const [inv, scan] = await Promise.all([
      runCli(['investigate', '-c', config, '--format', 'json', '7A1B2C3D4E', log]),
      runCli(['scan', '-c', config, log]),
    ]);
    assert.equal(inv.code, 0, inv.stderr);
    const report = JSON.parse(inv.stdout) as {
      messages: { queueIds: string[]; verdict: { verdict: string; score: number } }[];
      timeline: { file: string; line: number; raw: string; sha256: string }[];
    };
    assert.equal(report.messages.length, 1);
    const message = report.messages[0]!;
    assert.deepEqual(message.queueIds, ['7A1B2C3D4E']);
    const expected = LINES.map((l, i) => [l, i + 1] as const).filter(([l]) => l.includes('7A1B2C3D4E'));
    const seen = new Set(report.timeline.map((t) => t.line));
    for (const [, n] of expected) assert.ok(seen.has(n), `line ${n} naming the queue id is in the story`);
    for (const t of report.timeline) {
      assert.equal(t.file, log);
      assert.equal(t.raw, LINES[t.line - 1]);
      assert.equal(t.sha256, sha256(LINES[t.line - 1]!), `hash of line ${t.line}`);
    }
    const fromScan = scan.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { queueId?: string; verdict: string; score: number })
      .find((v) => v.queueId === '7A1B2C3D4E')!;
    assert.equal(message.verdict.verdict, 'spoof');
    assert.equal(message.verdict.verdict, fromScan.verdict);
    assert.equal(message.verdict.score, fromScan.score);
  });

  test('a Message-ID, as Markdown with the evidence hashes', async () => {
    const r = await runCli(['investigate', '<x81.2261@example.com>', log]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Investigation: /);
    assert.match(r.stdout, /Verdict: \*\*SPOOF\*\*/);
    const spoofLines = LINES.map((l, i) => [l, i + 1] as const).filter(([l]) => l.includes('7A1B2C3D4E'));
    for (const [l, n] of spoofLines)
      assert.ok(r.stdout.includes(`| ${n} | ${sha256(l)} |`), `evidence row for line ${n}`);
  });
});
