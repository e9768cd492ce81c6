/**
 * The detector over the public corpus (real log lines from other projects' test suites),
 * through the real pipeline: whatever the logs hold, every verdict keeps the detector's
 * promises. Skips when ../shared/corpus is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../pipeline.js';
import { defaultConfig } from './config.js';
import { createDetector } from './index.js';
import { DEFAULT_THRESHOLDS } from './rule-ids.js';
import type { Verdict } from './verdict.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/corpus/public');
const skip = existsSync(ROOT) ? false : `public corpus not found at ${ROOT}`;

const MISSING = new Set([
  'header.from',
  'envelope.from',
  'session.client_ip',
  'session.helo',
  'auth.spf',
  'auth.dkim',
  'auth.dmarc',
]);

function logFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) logFiles(p, out);
    else if (name.endsWith('.log') && !/\.(?:msg|nohdr|fragments)\.log$/.test(name)) out.push(p);
  }
  return out.sort();
}

test('every corpus record gets a verdict that keeps the detector promises', { skip }, async () => {
  const detector = createDetector(defaultConfig());
  const verdicts: Verdict[] = [];
  await runPipeline(logFiles(ROOT), { onRecord: (r) => verdicts.push(detector.detect(r)) });
  assert.ok(verdicts.length > 100, `only ${verdicts.length} records`);
  const levels: Record<string, number> = {};
  for (const v of verdicts) {
    levels[v.verdict] = (levels[v.verdict] ?? 0) + 1;
    for (const m of v.missing) assert.ok(MISSING.has(m), `unexpected missing name ${m}`);
    if (v.verdict === 'clean') {
      assert.ok(!v.missing.includes('header.from'), `clean without header From: ${v.record.id}`);
      assert.ok(v.score < DEFAULT_THRESHOLDS.suspicious);
    }
    if (v.verdict === 'spoof') assert.ok(v.score >= DEFAULT_THRESHOLDS.spoof);
    for (const f of v.findings) {
      assert.ok(f.attack.includes('T1672') && f.attack.includes('T1684.002'), f.rule);
      assert.ok(f.weight >= 0 && f.weight <= f.baseWeight, `${f.rule} ${f.weight}/${f.baseWeight}`);
      assert.ok(f.summary.length > 0);
    }
  }
  const notes = detector.notes();
  assert.ok(notes.some((n) => n.startsWith('no protectedDomains configured')));
  console.log(`corpus: ${verdicts.length} records ${JSON.stringify(levels)}`);
});
