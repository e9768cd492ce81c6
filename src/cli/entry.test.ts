import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./entry.ts', import.meta.url));
const sample = fileURLToPath(new URL('../../samples/postfix-lab.log', import.meta.url));
const hasScript = spawnSync('script', ['--version']).status === 0;

test(
  'a reader that goes away (| head) ends the run quietly, with no escape sequence under TERM=dumb',
  { skip: hasScript ? false : 'needs script(1) for a terminal on stderr' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'entry-'));
    try {
      // Enough output for several writes, so one comes after head has gone.
      const log = join(dir, 'mail.log');
      writeFileSync(log, readFileSync(sample, 'utf8').repeat(20));
      const cmd = `'${process.execPath}' --import tsx '${entry}' scan -f jsonl '${log}' | head -c 10`;
      const env = { ...process.env, TERM: 'dumb', CI: '', NO_COLOR: '' };
      // script(1) gives the run a terminal on stderr, as a person at a shell has.
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!r.stdout.includes('\x1b'), JSON.stringify(r.stdout.slice(-80)));
      assert.ok(!r.stdout.includes('internal error'), r.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
