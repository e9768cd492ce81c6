/**
 * `--workers` over the public corpus (every full-syslog .log file, many hosts, several
 * MTAs and milters): the same verdict lines as one thread when protected domains are
 * configured. (Left to guess them, each worker learns on its own: see index.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../pipeline.js';
import { createDetector } from '../detect/index.js';
import { parseConfig } from '../detect/config.js';
import { createFormatter } from '../output/index.js';
import { scanParallel } from './scan.js';

const CORPUS = join(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'corpus', 'public');

function fullSyslogLogs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...fullSyslogLogs(p));
    else if (name.endsWith('.log') && !name.endsWith('.msg.log') && !name.endsWith('.nohdr.log')) out.push(p);
  }
  return out;
}

const sorted = (chunks: string[]): string[] =>
  chunks
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .sort();

test(
  'scan --workers 2 over the whole corpus: the same JSONL lines as one thread',
  { skip: existsSync(CORPUS) ? false : `corpus not found at ${CORPUS} (../shared/corpus/public)` },
  async () => {
    const files = fullSyslogLogs(CORPUS);
    const config = parseConfig('protectedDomains:\n  - example.com\n');
    const single: string[] = [];
    const detector = createDetector(config);
    const formatter = createFormatter(
      'jsonl',
      { write: (s) => single.push(s) },
      { color: false, minVerdict: 'clean' },
    );
    const stats = await runPipeline(files, {
      read: { tz: 'UTC' },
      onRecord: (r) => formatter.write(detector.detect(r)),
    });
    const multi: string[] = [];
    const res = await scanParallel(files, {
      workers: 2,
      config,
      format: 'jsonl',
      color: false,
      minVerdict: 'clean',
      read: { tz: 'UTC' },
      out: { write: (s) => multi.push(s) },
    });
    const a = sorted(single);
    assert.ok(a.length > 1000, `${a.length} records`);
    assert.equal(res.stats.lines, stats.lines);
    assert.deepEqual(sorted(multi), a);
  },
);
