/**
 * The CLI on a real terminal (a pseudo-terminal from util-linux `script`): the table is the
 * default there, coloured unless NO_COLOR or CI say otherwise, and under NO_COLOR not one
 * escape sequence reaches the screen (progress line included). Also: -o into a place that
 * cannot be written is a usage-level error, not a crash. Skips when `script` is absent.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { CONFIG_YAML, mixedLog, tempDir } from '../support/mail-fixtures.js';

const SCRIPT = '/usr/bin/script';
const noPty = existsSync(SCRIPT) ? false : 'util-linux script(1) is not installed: no pseudo-terminal';
const { dir, cleanup } = tempDir();
after(cleanup);
const log = join(dir, 'mail.log');
writeFileSync(log, mixedLog());
const config = join(dir, 'spoofwatch.yaml');
writeFileSync(config, CONFIG_YAML);

const ESC = '\x1b';
const entry = join(REPO_ROOT, 'src', 'cli', 'entry.ts');
const tsx = import.meta.resolve('tsx');
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with stdin, stdout and stderr on one pseudo-terminal; returns what it showed. */
function onTerminal(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; screen: string }> {
  const cmd = [process.execPath, '--import', tsx, entry, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qec', cmd, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '', CI: '', FORCE_COLOR: '', TERM: 'xterm', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

describe('on a terminal', { concurrency: true, skip: noPty }, () => {
  test('table by default, coloured; none of it under NO_COLOR or CI', async () => {
    const args = ['scan', '-c', config, log];
    const [plain, noColor, ci] = await Promise.all([
      onTerminal(args),
      onTerminal(args, { NO_COLOR: '1' }),
      onTerminal(args, { CI: 'true' }),
    ]);
    for (const r of [plain, noColor, ci]) {
      assert.equal(r.code, 0, r.screen);
      assert.match(r.screen, /TIME\s+HOST\s+QUEUE ID\s+VERDICT/, 'the table, not JSON');
      assert.match(r.screen, /7A1B2C3D4E\s+(\S*spoof)/);
      assert.doesNotMatch(r.screen, /^\{"/m);
    }
    // eslint-disable-next-line no-control-regex -- an SGR colour sequence is what is looked for
    assert.match(plain.screen, /\x1b\[[0-9;]{1,12}m/, 'colour on a terminal');
    assert.ok(!noColor.screen.includes(ESC), 'NO_COLOR: no escape sequence at all');
    assert.ok(!ci.screen.includes(ESC), 'CI: no escape sequence at all');
    assert.doesNotMatch(ci.screen, /spoofwatch: [\d,]+ lines/, 'CI: no progress line');
  });

  test('results written to a file: one closing line on the terminal says how they fell', async () => {
    const out = join(dir, 'out.jsonl');
    const r = await onTerminal(['scan', '-c', config, '-o', out, log]);
    assert.equal(r.code, 0, r.screen);
    assert.ok(
      r.screen.includes(`4 messages: spoof 2, suspicious 0, unknown 1, clean 1 (written to ${out})`),
      r.screen,
    );
  });

  test('no command and no input on a terminal prints the help', async () => {
    const r = await onTerminal([]);
    assert.equal(r.code, 0);
    assert.match(r.screen, /Usage: spoofwatch <command>/);
  });
});

describe('output that cannot be written', { concurrency: true }, () => {
  test('-o naming a log being read is refused and the log left intact; -o - is stdout', async () => {
    const [refused, dash] = await Promise.all([
      runCli(['scan', log, '-o', join(dir, '.', 'mail.log')]),
      runCli(['scan', '-o', '-', log]),
    ]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /is an input .*refusing to overwrite a log being read/);
    assert.equal(readFileSync(log, 'utf8'), mixedLog(), 'the log is untouched');
    assert.equal(dash.code, 0, dash.stderr);
    assert.equal(dash.stdout.split('\n').filter((l) => l !== '').length, 4);
    assert.equal(existsSync(join(REPO_ROOT, '-')), false, 'no file named "-"');
  });

  test('-o into a missing directory or onto a directory: exit 2, no stack trace', async () => {
    const targets = [join(dir, 'no', 'such', 'out.jsonl'), dir];
    const results = await Promise.all(targets.map((t) => runCli(['scan', '-o', t, log])));
    results.forEach((r, i) => {
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.startsWith(`spoofwatch: cannot write ${targets[i]!}: `), r.stderr);
      assert.doesNotMatch(r.stderr, /^ {4}at /m);
    });
  });
});
