/**
 * The CLI over every log of the public corpus (../shared/corpus/public) in one run, as an
 * analyst would point it at a pile of logs from many sources: no crash, nothing on stderr,
 * every line counted, every verdict well-formed. Skips when the corpus is absent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CORPUS_DIR, corpusPresent, runCli } from '../support/cli.js';

const skip = corpusPresent ? false : `public corpus not found at ${CORPUS_DIR}`;

function logFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...logFiles(p));
    else if (e.name.endsWith('.log') || e.name.endsWith('.gz')) out.push(p);
  }
  return out.sort();
}

describe('the whole public corpus through the CLI', { skip, concurrency: true }, () => {
  const files = corpusPresent ? logFiles(CORPUS_DIR) : [];

  test('parse --summary counts every line', async () => {
    let expected = 0;
    for (const f of files) {
      const raw = readFileSync(f);
      const text = (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('latin1');
      for (const l of text.split('\n')) if (l.length > 0) expected++;
    }
    const r = await runCli(['parse', '--summary', ...files]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const s = JSON.parse(r.stdout) as { lines: number; recognised: number; unrecognised: number };
    assert.equal(s.lines, expected);
    assert.equal(s.recognised + s.unrecognised, s.lines);
  });

  test('scan: every verdict well-formed, unknown ones say what is missing', async () => {
    const r = await runCli(['scan', ...files]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    assert.ok(lines.length > 1000, `${lines.length} messages`);
    for (const line of lines) {
      const v = JSON.parse(line) as {
        verdict: string;
        score: number;
        findings: { rule: string; attack: string[] }[];
        missing: string[];
        evidence: { file: string; lines: number[] }[];
      };
      assert.ok(['spoof', 'suspicious', 'unknown', 'clean'].includes(v.verdict), v.verdict);
      assert.equal(typeof v.score, 'number');
      if (v.verdict === 'unknown') assert.ok(v.missing.length > 0, line.slice(0, 300));
      if (v.verdict === 'spoof' || v.verdict === 'suspicious') assert.ok(v.findings.length > 0);
      assert.ok(v.evidence.length > 0 && v.evidence[0]!.lines.length > 0, 'every verdict cites its lines');
    }
  });
});
