/**
 * The real mail lab, freshly run: `lab/run.sh test` (npm run test:lab) captures the logs of
 * every mode into lab/work/capture with their truth.json, then runs this suite over them.
 */
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineLabSuite } from './lab-suite.js';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const dir = process.env.SPOOFWATCH_LAB_LOGS ?? join(repo, 'lab', 'work', 'capture');

if (!existsSync(join(dir, 'truth.json'))) {
  test(
    'mail lab capture',
    { skip: `no lab capture in ${dir}: run "npm run test:lab" (root, Debian 12)` },
    () => {},
  );
} else {
  await defineLabSuite({ dir, configPath: join(repo, 'lab', 'fixtures', 'spoofwatch.yaml') });
}
