/**
 * Ingest over the public corpus (../shared/corpus/public):
 * - every full-line `*.log` file (not `.msg`, `.nohdr`, `.fragments`) is read through
 *   readLogLines; at least 99 % of all lines must get a program tag (per-file figures are
 *   reported as diagnostics);
 * - where upstream pairs a line with its envelope fields (CrowdSec's syslog-logs and
 *   non-syslog stages, Datadog's pipeline tests, fail2ban's failJSON times), ours agree.
 * Skips when the corpus folder is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readLogLines } from '../../src/ingest/index.js';
import type { LogLine } from '../../src/ingest/line.js';
import type { SpoofwatchError } from '../../src/errors.js';
import { CORPUS, SKIP } from './support.js';

const skip = SKIP;
const TARGET = 0.99;

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.log') && !/\.(?:msg|nohdr|fragments)\.log$/.test(name)) out.push(p);
  }
  return out;
}

async function readAll(file: string): Promise<{ lines: LogLine[]; errors: SpoofwatchError[] }> {
  const lines: LogLine[] = [];
  const errors: SpoofwatchError[] = [];
  for await (const batch of readLogLines([file], { tz: 'UTC', onError: (e) => errors.push(e) })) {
    for (const l of batch) lines.push(l);
  }
  return { lines, errors };
}

interface Expected {
  line: string;
  fields: Record<string, unknown>;
}

function expectations(logFile: string): Map<string, Record<string, unknown>> {
  const path = logFile.replace(/\.log$/, '.expected.jsonl');
  const map = new Map<string, Record<string, unknown>>();
  if (!existsSync(path)) return map;
  for (const row of readFileSync(path, 'utf8').split('\n')) {
    if (row.length === 0) continue;
    const e = JSON.parse(row) as Expected;
    map.set(e.line, e.fields);
  }
  return map;
}

test('every full-line corpus log: >= 99 % of lines get a program tag', { skip }, async (t) => {
  const files = walk(CORPUS, []);
  assert.ok(files.length > 50, `found only ${files.length} log files`);
  let total = 0;
  let tagged = 0;
  for (const file of files) {
    const { lines, errors } = await readAll(file);
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
      relative(CORPUS, file),
    );
    const n = lines.length;
    const k = lines.filter((l) => l.program !== '').length;
    total += n;
    tagged += k;
    t.diagnostic(
      `${relative(CORPUS, file)}: ${k}/${n} tagged (${n === 0 ? '-' : ((100 * k) / n).toFixed(1)} %)`,
    );
  }
  const share = tagged / total;
  t.diagnostic(`all: ${tagged}/${total} lines tagged (${(100 * share).toFixed(2)} %)`);
  assert.ok(share >= TARGET, `only ${(100 * share).toFixed(2)} % of ${total} lines got a program tag`);
});

test('envelope fields agree with upstream expectations (CrowdSec, Datadog)', { skip }, async (t) => {
  let compared = 0;
  const mismatches: string[] = [];
  for (const file of walk(CORPUS, [])) {
    const exp = expectations(file);
    if (exp.size === 0) continue;
    const { lines } = await readAll(file);
    for (const l of lines) {
      const f = exp.get(l.raw);
      if (f === undefined) continue;
      const checks: [string, unknown, unknown][] = [];
      const cs = 's00-raw/crowdsecurity/syslog-logs/';
      if (typeof f[`${cs}Parsed.program`] === 'string') {
        checks.push(['program', l.program, f[`${cs}Parsed.program`]]);
        checks.push(['message', l.message, f[`${cs}Parsed.message`]]);
        if (typeof f[`${cs}Meta.machine`] === 'string') checks.push(['host', l.host, f[`${cs}Meta.machine`]]);
        if (typeof f[`${cs}Parsed.pid`] === 'string')
          checks.push(['pid', String(l.pid), f[`${cs}Parsed.pid`]]);
      }
      const ns = f['s00-raw/crowdsecurity/non-syslog/Parsed.program'];
      if (typeof ns === 'string') checks.push(['program', l.program, ns]);
      const custom = f['custom'] as
        { pid?: number; system?: { process?: string; user?: string } } | undefined;
      if (custom?.system?.process !== undefined) {
        checks.push(['program', l.program, custom.system.process]);
        if (custom.pid !== undefined) checks.push(['pid', l.pid, custom.pid]);
        if (custom.system.user !== undefined) checks.push(['host', l.host, custom.system.user]);
      }
      for (const [what, ours, theirs] of checks) {
        compared++;
        if (ours !== theirs) {
          mismatches.push(
            `${relative(CORPUS, file)}:${l.src.line} ${what}: ${JSON.stringify(ours)} != ${JSON.stringify(theirs)}`,
          );
        }
      }
    }
  }
  t.diagnostic(`${compared} fields compared, ${mismatches.length} differ`);
  for (const m of mismatches.slice(0, 20)) t.diagnostic(m);
  assert.ok(compared > 100, `only ${compared} fields compared`);
  assert.deepEqual(mismatches, []);
});

test('stamps agree with fail2ban failJSON times (month, day and time of day)', { skip }, async (t) => {
  let compared = 0;
  const mismatches: string[] = [];
  const dir = join(CORPUS, 'fail2ban');
  for (const file of walk(dir, [])) {
    const exp = expectations(file);
    const { lines } = await readAll(file);
    for (const l of lines) {
      const when = exp.get(l.raw)?.['time'];
      // TAI64N labels (`@4000...`): we follow daemontools (label - 2^62 - 10 s, as
      // tai64nlocal prints them); fail2ban's fixtures drop the 10 s, so they are not compared.
      if (typeof when !== 'string' || l.time === null || l.raw.startsWith('@')) continue;
      // fail2ban gives yearless stamps a fixed test year; compare what the line says.
      const m = /^\d{4}-(\d\d)-(\d{1,2})T(\d\d:\d\d:\d\d)/.exec(when);
      if (m === null) continue;
      const theirs = `${m[1]}-${m[2]!.padStart(2, '0')}T${m[3]}`;
      const ours = new Date(l.time).toISOString().slice(5, 19);
      compared++;
      if (ours !== theirs) mismatches.push(`${relative(CORPUS, file)}:${l.src.line} ${ours} != ${theirs}`);
    }
  }
  t.diagnostic(`${compared} stamps compared, ${mismatches.length} differ`);
  for (const m of mismatches.slice(0, 20)) t.diagnostic(m);
  assert.ok(compared > 100, `only ${compared} stamps compared`);
  assert.deepEqual(mismatches, []);
});
