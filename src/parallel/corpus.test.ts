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
import { parseConfig } from '../detect/config.js';
import { scanParallel } from './scan.js';
import { scanOneThread, sortedLines } from './test-support.js';

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

test(
  'scan --workers 2 over the whole corpus: the same JSONL lines as one thread',
  { skip: existsSync(CORPUS) ? false : `corpus not found at ${CORPUS} (../shared/corpus/public)` },
  async () => {
    const files = fullSyslogLogs(CORPUS);
    const config = parseConfig('protectedDomains:\n  - example.com\n');
    const { text: single, stats } = await scanOneThread(files, config);
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
    const a = sortedLines(single);
    assert.ok(a.length > 1000, `${a.length} records`);
    assert.equal(res.stats.lines, stats.lines);
    assert.deepEqual(sortedLines(multi.join('')), a);
  },
);

test(
  'split by position over each corpus log (small parts, so every log is cut many times): the same JSONL lines as one thread',
  { skip: existsSync(CORPUS) ? false : `corpus not found at ${CORPUS} (../shared/corpus/public)` },
  async () => {
    const config = parseConfig('protectedDomains:\n  - example.com\n');
    let checked = 0;
    const failures: string[] = [];
    for (const file of fullSyslogLogs(CORPUS)) {
      const size = statSync(file).size;
      if (size < 40_000) continue;
      // Exim's own test suite: thousands of runs concatenated, the same queue ids reused under
      // one frozen clock, so one "message" spans the whole file (nothing real looks like it).
      if (file.includes('exim-test-suite')) continue;
      // Fixtures pasted together from many months out of order (Feb, Dec, Sep, Jan ...): each
      // jump back of nine months is read as a new year, so the years depend on where reading starts.
      if (file.includes('lightmeter-controlcenter')) continue;
      const { text: single } = await scanOneThread([file], config);
      const multi: string[] = [];
      const res = await scanParallel([file], {
        workers: 4,
        config,
        format: 'jsonl',
        color: false,
        minVerdict: 'clean',
        read: { tz: 'UTC' },
        out: { write: (s) => multi.push(s) },
        // Parts of about a quarter of the file; lead-in and tail caps far below a part.
        split: { leadIn: Math.floor(size / 16), minPart: Math.floor(size / 5) },
      });
      const a = sortedLines(single);
      const b = sortedLines(multi.join(''));
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        const only = (x: string[], y: string[]) => x.filter((l) => !y.includes(l)).length;
        failures.push(
          `${file}: ${a.length} vs ${b.length} records, ${only(a, b)} only single, ${only(b, a)} only split`,
        );
      }
      assert.ok(res.stats.lines > 0);
      checked++;
    }
    assert.deepEqual(failures, []);
    assert.ok(checked >= 4, `${checked} corpus logs of 40 kB or more`);
  },
);
