#!/usr/bin/env node
// Runs node's own test runner over every *.test.ts below the given folders, through tsx.
// (Node 20's `--test` does not expand globs itself.)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const roots = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
}
for (const r of roots) {
  if (!existsSync(r)) continue;
  if (statSync(r).isDirectory()) walk(r);
  else files.push(r);
}
files.sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const extra = process.env.TEST_REPORTER ? [`--test-reporter=${process.env.TEST_REPORTER}`] : [];
// Each test file is its own process (tsx start-up dominates): use every core.
const concurrency = [`--test-concurrency=${Math.max(2, availableParallelism())}`];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, ...extra, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
