#!/usr/bin/env node
/**
 * npm run bench — throughput and peak memory of spoofwatch's stages on a large log, and of
 * pflogsumm (the summary tool admins already run) on the same file in the same run, so the
 * figures compare as ratios on a shared, noisy machine. Prints figures; asserts nothing.
 *
 *   npm run bench [-- --lines N] [--real] [--workers N]
 *   --lines N   size of the generated log (default 1,000,000)
 *   --real      also a real Postfix log (../shared corpus) repeated with shifted queue ids
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    real: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '15' },
  },
});
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

function countLines(file) {
  const buf = readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Runs a command with stdout to /dev/null; returns wall seconds and peak RSS (MiB). */
function measure(cmd, args) {
  const full = TIME ? [TIME, ['-f', '@@%e %M', cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const err = r.stderr.toString();
  const m = /@@([\d.]+) (\d+)/.exec(err);
  if (r.status !== 0 && r.status !== 1) {
    return { ok: false, wall, rss: null, err: err.split('\n').slice(-5).join('\n') };
  }
  return { ok: true, wall: m ? Number(m[1]) : wall, rss: m ? Number(m[2]) / 1024 : null };
}

function fmt(n, digits = 0) {
  return n === null || n === undefined
    ? 'n/a'
    : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function benchFile(label, file) {
  const lines = countLines(file);
  const mib = statSync(file).size / 1048576;
  console.log(`\n## ${label}: ${fmt(lines)} lines, ${fmt(mib, 1)} MiB (${file})`);
  const bin = join(root, 'bin', 'spoofwatch.js');
  const runs = [
    ['spoofwatch parse --summary', process.execPath, [bin, 'parse', '--summary', file]],
    ['spoofwatch messages', process.execPath, [bin, 'messages', file]],
    ['spoofwatch scan --format jsonl', process.execPath, [bin, 'scan', '--format', 'jsonl', file]],
  ];
  const pflog = spawnSync('sh', ['-c', 'command -v pflogsumm'], { encoding: 'utf8' }).stdout.trim();
  if (pflog) runs.push(['pflogsumm', 'perl', [pflog, file]]);
  else console.log('(pflogsumm not installed: apt-get install pflogsumm to compare)');
  const results = [];
  for (const [name, cmd, args] of runs) {
    const r = measure(cmd, args);
    results.push({ name, ...r, rate: r.ok ? lines / r.wall : null });
  }
  const ref = results.find((r) => r.name === 'pflogsumm' && r.ok);
  console.log('| command | seconds | lines/s | peak RSS MiB | × pflogsumm |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) {
    const ratio = ref && r.rate ? `${fmt(r.rate / ref.rate, 2)}×` : '';
    console.log(
      `| ${r.name} | ${r.ok ? fmt(r.wall, 2) : 'FAILED'} | ${fmt(r.rate)} | ${fmt(r.rss, 0)} | ${ratio} |`,
    );
    if (!r.ok) console.log(`    ${r.err}`);
  }
}

console.log('# spoofwatch benchmark');
console.log(`node ${process.version}, ${new Date().toISOString()}`);
sh('npm', ['run', '-s', 'build']);
const n = Number(values.lines);
const synthetic = join(root, '.bench', `synthetic-${n}.log`);
if (!existsSync(synthetic))
  sh(process.execPath, ['bench/generate.mjs', '--lines', String(n), '--out', synthetic]);
benchFile('synthetic MX (postscreen, policyd-spf, OpenDKIM, OpenDMARC, header_checks)', synthetic);

if (values.real) {
  const base = join(root, '..', 'shared', 'corpus', 'public', 'postfix-logsums', 'postfix.log');
  if (!existsSync(base)) console.log('\n(real log skipped: ../shared/corpus is absent)');
  else {
    const real = join(root, '.bench', `real-x${values.repeat}.log`);
    if (!existsSync(real))
      sh(process.execPath, ['bench/generate.mjs', '--base', base, '--repeat', values.repeat, '--out', real]);
    benchFile(`real Postfix log repeated ×${values.repeat} with shifted queue ids`, real);
  }
}
