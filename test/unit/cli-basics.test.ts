/**
 * The CLI's first contact: help for every command, the version, usage errors (exit 2, a
 * clear message on stderr, nothing on stdout), and `scan` as the default command.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { CONFIG_YAML, mixedLog, tempDir } from '../support/mail-fixtures.js';

const COMMANDS = ['scan', 'parse', 'messages', 'coverage', 'investigate'] as const;
const { dir, cleanup } = tempDir();
after(cleanup);
const log = join(dir, 'mail.log');
writeFileSync(log, mixedLog());
const config = join(dir, 'spoofwatch.yaml');
writeFileSync(config, CONFIG_YAML);

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('help and version', { concurrency: true }, () => {
  test('help on something that is no command: exit 2', async () => {
    const r = await runCli(['help', 'report']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^spoofwatch: no help on "report": commands are scan, parse/);
  });

  test('--help lists every command on stdout', async () => {
    for (const args of [['--help'], ['help']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^spoofwatch .*\n\nUsage: spoofwatch <command>/);
      for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'), c);
    }
  });

  for (const c of COMMANDS) {
    test(`${c} --help${c === 'scan' ? ', help scan' : ''}`, async () => {
      const runs = [runCli([c, c === 'parse' ? '-h' : '--help'])];
      if (c === 'scan') runs.push(runCli(['help', c]));
      const [a, b] = await Promise.all(runs);
      for (const r of [a, b]) {
        if (r === undefined) continue;
        assert.equal(r.code, 0);
        assert.equal(r.stderr, '');
        assert.ok(r.stdout.startsWith(`Usage: spoofwatch ${c} `), r.stdout.slice(0, 80));
        assert.match(r.stdout, /-h, --help/);
      }
      if (b !== undefined) assert.equal(b.stdout, a!.stdout);
    });
  }

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['-V']) {
      const r = await runCli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `spoofwatch ${pkg.version}\n`);
      assert.equal(r.stderr, '');
    }
  });
});

describe('usage errors: exit 2, message on stderr, nothing on stdout', { concurrency: true }, () => {
  for (const c of ['scan', 'messages'] as const) {
    test(`${c} --bogus`, async () => {
      const r = await runCli([c, '--bogus', log]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^spoofwatch: unknown option --bogus/);
      assert.ok(r.stderr.includes(`Run "spoofwatch ${c} --help" for usage.`), r.stderr);
      assert.doesNotMatch(r.stderr, /^ {4}at /m, 'no stack trace');
    });
  }

  test('an unknown option with no command, and an unknown short option', async () => {
    const [a, b, typo] = await Promise.all([
      runCli(['--bogus', log]),
      runCli(['scan', '-Z', log]),
      runCli(['sacn', log]),
    ]);
    assert.equal(typo.code, 2);
    assert.equal(typo.stdout, '', 'a mistyped command scans nothing');
    assert.match(typo.stderr, /^spoofwatch: unknown command "sacn" \(commands: scan, parse, messages/);
    for (const [r, opt] of [
      [a, '--bogus'],
      [b, '-Z'],
    ] as const) {
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.includes(`unknown option ${opt}`), r.stderr);
    }
  });

  test('bad option values name the option and the value', async () => {
    const cases: [string[], RegExp][] = [
      [['scan', '--format', 'xml', log], /--format: expected one of table, jsonl, ecs, ocsf, got "xml"/],
      [['scan', '--min-verdict', 'bad', log], /--min-verdict: expected one of .*got "bad"/],
      [['messages', '--window', '0', log], /--window: expected a positive number, got "0"/],
      [['scan', log, '--format'], /option --format needs a value/],
      [['coverage', '--format', 'pdf', log], /--format: expected one of text, json, md, got "pdf"/],
      [['investigate'], /investigate: give a queue id or Message-ID/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((r, i) => {
      const [args, re] = cases[i]!;
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
    });
  });
});

describe('scan is the default command', { concurrency: true }, () => {
  test('spoofwatch FILE and spoofwatch -c CONFIG FILE run scan', async () => {
    const [explicit, bare, bareCfg] = await Promise.all([
      runCli(['scan', log]),
      runCli([log]),
      runCli(['-c', config, log]),
    ]);
    for (const r of [explicit, bare, bareCfg]) assert.equal(r.code, 0, r.stderr);
    assert.equal(bare.stdout, explicit.stdout);
    assert.equal(jsonLines(bare.stdout).length, 4);
    assert.equal(jsonLines(bareCfg.stdout).length, 4);
  });

  test('no arguments with a log piped on stdin scans stdin', async () => {
    const r = await runCli([], { stdin: mixedLog() });
    assert.equal(r.code, 0, r.stderr);
    const verdicts = jsonLines(r.stdout).map((v) => v.verdict);
    assert.deepEqual([...verdicts].sort(), ['clean', 'spoof', 'spoof', 'unknown']);
  });
});
