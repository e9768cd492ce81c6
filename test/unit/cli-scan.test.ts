/**
 * `scan` end to end, as a mail admin or a SIEM pipeline meets it: the piped default
 * (JSON lines) and its fields, every --format, -o with the format taken from the file
 * name, --min-verdict, --fail-on exit codes, no ANSI escapes under NO_COLOR/CI, no progress
 * on a stderr that is not a terminal, and a reader that goes away (`| head -1`).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { CONFIG_YAML, cleanMessage, mixedLog, tempDir } from '../support/mail-fixtures.js';

const { dir, cleanup } = tempDir();
after(cleanup);
const p = (name: string): string => join(dir, name);
const log = p('mail.log');
writeFileSync(log, mixedLog());
const cleanLog = p('clean.log');
writeFileSync(cleanLog, cleanMessage());
const config = p('spoofwatch.yaml');
writeFileSync(config, CONFIG_YAML);
// Enough messages for several read batches and more output than a pipe buffer holds.
let big = '';
for (let i = 0; i < 600; i++)
  big += cleanMessage('Nov 27', `F${i.toString(16).toUpperCase().padStart(9, '0')}`);
const bigLog = p('big.log');
writeFileSync(bigLog, big);

const ESC = '\x1b';

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface Finding {
  rule: string;
  severity: string;
  summary: string;
  fields: Record<string, unknown>;
  attack: string[];
}

describe('scan', { concurrency: true }, () => {
  test('piped: JSON lines by default, every verdict with its findings and missing telemetry', async () => {
    const r = await runCli(['scan', '-c', config, log]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'nothing on stderr: no progress when stderr is not a terminal');
    const verdicts = jsonLines(r.stdout);
    assert.deepEqual(verdicts.map((v) => v.verdict).sort(), ['clean', 'spoof', 'spoof', 'unknown']);
    for (const v of verdicts) {
      assert.ok(['spoof', 'suspicious', 'unknown', 'clean'].includes(v.verdict as string));
      assert.equal(typeof v.score, 'number');
      assert.ok(Array.isArray(v.findings));
      assert.ok(Array.isArray(v.missing));
      for (const f of v.findings as Finding[]) {
        assert.equal(typeof f.rule, 'string');
        assert.ok(['info', 'low', 'medium', 'high', 'critical'].includes(f.severity), f.severity);
        assert.ok(f.summary.length > 0);
        assert.equal(typeof f.fields, 'object');
        assert.ok(f.attack.includes('T1672') && f.attack.includes('T1684.002'), f.attack.join());
      }
      if (v.verdict === 'unknown')
        assert.ok((v.missing as string[]).length > 0, 'unknown says what is missing');
      if (v.verdict === 'spoof') assert.ok((v.findings as Finding[]).length > 0);
      const evidence = v.evidence as { file: string; lines: number[] }[];
      assert.ok(evidence.length > 0 && evidence.every((run) => run.file === log && run.lines.length > 0));
    }
    const delivered = verdicts.find((v) => v.queueId === '7A1B2C3D4E')!;
    assert.equal(delivered.verdict, 'spoof');
    assert.equal(delivered.disposition, 'delivered');
  });

  test('a DMARC failure of an unsigned message says it was not signed', async () => {
    const r = await runCli(['scan', '-c', config, '--min-verdict', 'spoof', log]);
    const v = jsonLines(r.stdout).find((x) => x.queueId === '7A1B2C3D4E')!;
    const f = (v.findings as Finding[]).find((x) => x.rule === 'dmarc-fail')!;
    assert.equal(f.fields.from_domain_signed, false);
  });

  test('--format ecs and ocsf', async () => {
    const [ecs, ocsf] = await Promise.all([
      runCli(['scan', '-c', config, '--format', 'ecs', log]),
      runCli(['scan', '-c', config, '-f', 'ocsf', log]),
    ]);
    assert.equal(ecs.code, 0, ecs.stderr);
    const docs = jsonLines(ecs.stdout);
    assert.equal(docs.length, 4);
    for (const d of docs) {
      assert.equal(typeof d['@timestamp'], 'string');
      assert.match((d.ecs as { version: string }).version, /^8\./);
    }
    const spoofs = docs.filter((d) => (d.tags as string[]).includes('spoof'));
    assert.equal(spoofs.length, 2);
    for (const d of spoofs)
      assert.ok((d.threat as { technique: { id: string[] } }).technique.id.includes('T1672'));

    assert.equal(ocsf.code, 0, ocsf.stderr);
    const events = jsonLines(ocsf.stdout);
    assert.equal(events.filter((e) => e.class_uid === 4009).length, 4, 'one Email Activity per message');
    assert.ok(
      events.some((e) => e.class_uid === 2004),
      'Detection Findings for the spoofs',
    );
    for (const e of events) assert.match((e.metadata as { version: string }).version, /^1\.\d+\.\d+$/);
  });

  test('table: no ANSI escapes under NO_COLOR or CI (and colour only when forced)', async () => {
    const args = ['scan', '-c', config, '--format', 'table', log];
    const [noColor, ci, dumb, forced] = await Promise.all([
      runCli(args, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }),
      runCli(args, { env: { CI: 'true', FORCE_COLOR: '1' } }),
      runCli(args, { env: { TERM: 'dumb', FORCE_COLOR: '1' } }),
      runCli(args, { env: { FORCE_COLOR: '1', TERM: 'xterm-256color' } }),
    ]);
    for (const r of [noColor, ci, dumb]) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes(ESC) && !r.stderr.includes(ESC), 'no escape sequences');
      assert.match(r.stdout, /7A1B2C3D4E\s+spoof/);
      assert.match(r.stdout, /NOQUEUE\s+spoof/);
    }
    assert.equal(noColor.stdout, ci.stdout);
    assert.equal(forced.code, 0);
    assert.ok(forced.stdout.includes(ESC), 'the control: FORCE_COLOR does colour');
  });

  test('--min-verdict and --fail-on', async () => {
    const [min, fail, pass] = await Promise.all([
      runCli(['scan', '-c', config, '--min-verdict', 'spoof', log]),
      runCli(['scan', '-c', config, '--fail-on', 'spoof', log]),
      runCli(['scan', '-c', config, '--fail-on', 'spoof', cleanLog]),
    ]);
    assert.equal(min.code, 0, min.stderr);
    assert.deepEqual(
      jsonLines(min.stdout).map((v) => v.verdict),
      ['spoof', 'spoof'],
    );
    assert.equal(fail.code, 1, 'a spoof was found');
    assert.equal(jsonLines(fail.stdout).length, 4, 'the results are still written');
    assert.equal(pass.code, 0, pass.stderr);
    assert.deepEqual(
      jsonLines(pass.stdout).map((v) => v.verdict),
      ['clean'],
    );
  });

  test('-o FILE writes the file, the format taken from its name', async () => {
    const targets = ['out.jsonl', 'out.ecs.json', 'out.ocsf.json'].map(p);
    const [big, ...runs] = await Promise.all([
      runCli(['scan', '-c', config, '-o', p('big.jsonl'), bigLog]),
      ...targets.map((t) => runCli(['scan', '-c', config, '-o', t, log])),
    ]);
    for (const r of [big!, ...runs]) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '', 'results go to the file, not stdout');
      assert.equal(r.stderr, '', 'no progress on a stderr that is not a terminal');
    }
    assert.equal(jsonLines(readFileSync(p('big.jsonl'), 'utf8')).length, 600);
    const [jsonl, ecs, ocsf] = targets.map((t) => jsonLines(readFileSync(t, 'utf8')));
    assert.ok(jsonl!.length === 4 && jsonl!.every((v) => typeof v.verdict === 'string' && !('ecs' in v)));
    assert.ok(ecs!.length === 4 && ecs!.every((d) => typeof d['@timestamp'] === 'string' && 'ecs' in d));
    assert.ok(ocsf!.length >= 4 && ocsf!.every((e) => typeof e.class_uid === 'number'));
  });

  test('a reader that goes away (| head -1) ends the run quietly', async () => {
    const entry = join(REPO_ROOT, 'src', 'cli', 'entry.ts');
    const tsx = import.meta.resolve('tsx');
    // The exit status of spoofwatch itself (not head's) goes to stderr after "rc=".
    const script = `{ "${process.execPath}" --import "${tsx}" "${entry}" scan "${bigLog}"; echo "rc=$?" >&2; } | head -1`;
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    assert.equal(code, 0);
    assert.equal(stdout.split('\n').length, 2, 'one line from head');
    assert.equal((JSON.parse(stdout) as { verdict: string }).verdict, 'clean');
    assert.equal(stderr, 'rc=0\n', 'exit 0, no EPIPE error or stack trace');
  });
});
