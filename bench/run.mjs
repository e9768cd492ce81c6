#!/usr/bin/env node
/**
 * npm run bench — throughput and peak memory of spoofwatch's stages on a large log, and of
 * pflogsumm (the summary tool admins already run) on the same file in the same run, so the
 * figures compare as ratios on a shared, noisy machine. Prints figures; asserts nothing.
 *
 *   npm run bench [-- --lines N] [--hosts N] [--workers N] [--real] [--memory]
 *   --lines N     size of the generated log (default 1,000,000)
 *   --hosts N     the generated log is a central syslog of N MX hosts (default 1)
 *   --workers N   also time `scan --workers N` (default 2; 1 skips it). A large file is
 *                 split by position between the workers (src/parallel/ranges.ts); and,
 *                 as the machine's ceiling for it, N single-threaded scans of 1/N of the
 *                 file each, run at once as separate processes
 *   --real        also a real Postfix log (../shared corpus) repeated --repeat times with
 *                 shifted queue ids and times
 *   --memory      peak RSS of `scan` on N and 10×N lines (flat memory: the ratio stays ~1),
 *                 and on logs shaped to exhaust memory (huge lines, a new host per line)
 *   --compare JS  also time `scan` with another build's CLI entry (e.g. a copy of an older
 *                 dist/src/cli/entry.js kept under .bench/), for before/after in one run
 *
 * Besides wall seconds it prints CPU seconds (user + system, all threads): on a busy
 * machine wall time swings with the load, CPU time much less. A single-threaded scan
 * already keeps a second core partly busy (V8's garbage-collector and compiler threads,
 * about a quarter of its CPU time), so on a 2-core machine --workers can gain at most
 * what the total CPU time allows; it scales further with more cores. The "CPU s" of a
 * --workers run shows what splitting costs (lead-ins, tails, a compiler per thread).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    hosts: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    real: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '15' },
    memory: { type: 'boolean', default: false },
    compare: { type: 'string' },
  },
});
/**
 * GNU time, for peak RSS and CPU seconds; null when absent, or when it is another `time`
 * (BSD's and macOS's take no -f): then only wall seconds are measured.
 */
const TIME =
  existsSync('/usr/bin/time') &&
  /^@@[\d.]+ \d+ [\d.]+ [\d.]+$/m.test(
    spawnSync('/usr/bin/time', ['-f', '@@%e %M %U %S', process.execPath, '-e', ''], { encoding: 'utf8' })
      .stderr ?? '',
  )
    ? '/usr/bin/time'
    : null;
const BIN = join(root, 'bin', 'spoofwatch.js');
/**
 * The node flags of bin/spoofwatch.js's shebang (its old-generation cap): `node BIN` would
 * skip them, and the figures are meant to be those of the command users run.
 */
const NODE_FLAGS = (/^#!.*\bnode\b(.*)$/m.exec(readFileSync(BIN, 'utf8').split('\n', 1)[0])?.[1] ?? '')
  .trim()
  .split(/\s+/)
  .filter(Boolean);
const WORKERS = Math.max(1, Math.floor(Number(values.workers)));
const HOSTS = Math.max(1, Math.floor(Number(values.hosts)));

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

/**
 * Lines in a file, read in chunks (the 10× file does not fit a single Buffer comfortably):
 * its newlines, and a last line without one.
 */
function countLines(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let n = 0;
  let last = 10;
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, null);
    if (got === 0) break;
    for (let i = buf.indexOf(10); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) n++;
    last = buf[got - 1];
  }
  closeSync(fd);
  return last === 10 ? n : n + 1;
}

/** Runs a command with stdout to /dev/null; returns wall seconds and peak RSS (MiB). */
function measure(cmd, args) {
  const full = TIME ? [TIME, ['-f', '@@%e %M %U %S', cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const err = r.stderr?.toString() ?? String(r.error);
  const m = /@@([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(err);
  if (r.status !== 0 && r.status !== 1) {
    return { ok: false, wall, rss: null, cpu: null, err: err.split('\n').slice(-5).join('\n') };
  }
  return {
    ok: true,
    wall: m ? Number(m[1]) : wall,
    rss: m ? Number(m[2]) / 1024 : null,
    cpu: m ? Number(m[3]) + Number(m[4]) : null,
  };
}

/**
 * The file cut into n pieces at line starts (kept beside it under .bench/, written once):
 * what n threads would each read, without the lead-ins and tails of src/parallel/ranges.ts.
 */
function pieces(file, n) {
  const size = statSync(file).size;
  const names = Array.from({ length: n }, (_, k) => `${file}.piece${k + 1}-of-${n}`);
  if (names.every((p) => existsSync(p))) return names;
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    // Up to the first newline at or after the k+1-th n-th of the file (the rest for the last).
    let end = size;
    if (k < n - 1) {
      end = Math.max(pos, Math.floor(((k + 1) * size) / n));
      for (;;) {
        const got = readSync(fd, buf, 0, 65536, end);
        const nl = buf.subarray(0, got).indexOf(10);
        if (got === 0) break;
        if (nl >= 0) {
          end += nl + 1;
          break;
        }
        end += got;
      }
      end = Math.min(end, size);
    }
    const tmp = `${names[k]}.partial`;
    const out = openSync(tmp, 'w');
    for (let at = pos; at < end;) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
      if (got === 0) break;
      writeSync(out, buf, 0, got);
      at += got;
    }
    closeSync(out);
    renameSync(tmp, names[k]);
    pos = end;
  }
  closeSync(fd);
  return names;
}

/** Wall seconds of several commands run at once (stdout to /dev/null), and whether all ended well. */
async function measureTogether(cmds) {
  const started = process.hrtime.bigint();
  const codes = await Promise.all(
    cmds.map(
      ([cmd, args]) =>
        new Promise((resolve) => {
          const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
          child.on('error', () => resolve(-1));
          child.on('close', (code) => resolve(code));
        }),
    ),
  );
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  return { ok: codes.every((c) => c === 0 || c === 1), wall };
}

function fmt(n, digits = 0) {
  return n === null || n === undefined
    ? 'n/a'
    : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const PFLOGSUMM = spawnSync('sh', ['-c', 'command -v pflogsumm'], { encoding: 'utf8' }).stdout.trim();

function printTable(results, lines) {
  const ref = results.find((r) => r.name === 'pflogsumm' && r.ok);
  console.log(
    '| command | seconds | lines/s | × pflogsumm | CPU s | lines/CPU s | × pflogsumm (CPU) | peak RSS MiB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const rate = r.ok ? lines / r.wall : null;
    const ratio = ref && rate ? `${fmt(rate / (lines / ref.wall), 2)}×` : '';
    const cpuRate = r.ok && r.cpu ? lines / r.cpu : null;
    const cpuRatio = ref?.cpu && cpuRate ? `${fmt(cpuRate / (lines / ref.cpu), 2)}×` : '';
    console.log(
      `| ${r.name} | ${r.ok ? fmt(r.wall, 2) : 'FAILED'} | ${fmt(rate)} | ${ratio} | ${fmt(r.cpu, 2)} | ${fmt(cpuRate)} | ${cpuRatio} | ${fmt(r.rss, 0)} |`,
    );
    if (!r.ok) console.log(`    ${r.err}`);
  }
}

function header(label, file) {
  const lines = countLines(file);
  const mib = statSync(file).size / 1048576;
  console.log(`\n## ${label}: ${fmt(lines)} lines, ${fmt(mib, 1)} MiB (${file})`);
  return lines;
}

async function benchFile(label, file, hosts) {
  const lines = header(label, file);
  const scan = [BIN, 'scan', '--format', 'jsonl', file];
  const one = ['--workers', '1'];
  const runs = [
    [
      'spoofwatch parse --summary --workers 1',
      process.execPath,
      [...NODE_FLAGS, BIN, 'parse', '--summary', file, ...one],
    ],
    ['spoofwatch messages --workers 1', process.execPath, [...NODE_FLAGS, BIN, 'messages', file, ...one]],
    ['spoofwatch scan --format jsonl --workers 1', process.execPath, [...NODE_FLAGS, ...scan, ...one]],
    // What a SOC pipes to its SIEM: the same work, without a document for every clean message.
    [
      'spoofwatch scan --format jsonl --min-verdict suspicious --workers 1',
      process.execPath,
      [...NODE_FLAGS, ...scan, '--min-verdict', 'suspicious', ...one],
    ],
  ];
  if (values.compare)
    runs.push([
      'scan --format jsonl --workers 1 (compared build)',
      process.execPath,
      [...NODE_FLAGS, values.compare, ...scan.slice(1), ...one],
    ]);
  if (WORKERS > 1)
    runs.push([
      `spoofwatch scan --format jsonl --workers ${WORKERS}`,
      process.execPath,
      [...NODE_FLAGS, ...scan, '--workers', String(WORKERS)],
    ]);
  if (PFLOGSUMM) runs.push(['pflogsumm', 'perl', [PFLOGSUMM, file]]);
  else console.log('(pflogsumm not installed: apt-get install pflogsumm to compare)');
  const results = runs.map(([name, cmd, args]) => ({ name, ...measure(cmd, args) }));
  printTable(results, lines);
  const single = results.find((r) => r.name === 'spoofwatch scan --format jsonl --workers 1');
  const many = results.find((r) => r.name === `spoofwatch scan --format jsonl --workers ${WORKERS}`);
  if (WORKERS > 1 && single?.ok && many?.ok) {
    console.log(
      `\nscan --workers ${WORKERS} vs --workers 1: ${fmt(single.wall / many.wall, 2)}× the throughput` +
        (single.cpu && many.cpu ? `, ${fmt(many.cpu / single.cpu, 2)}× the CPU time` : '') +
        (hosts === 1 ? '' : ` (${hosts} mail hosts)`),
    );
    // What this machine allows: the file cut in WORKERS pieces, one single-threaded scan
    // per piece, all at once (no lead-ins, no tails, nothing shared). A single thread already
    // keeps another core partly busy (garbage collector, compiler), so on few cores this
    // ceiling is well below WORKERS×.
    const ideal = await measureTogether(
      pieces(file, WORKERS).map((p) => [
        process.execPath,
        [...NODE_FLAGS, BIN, 'scan', '--format', 'jsonl', p, ...one],
      ]),
    );
    if (ideal.ok)
      console.log(
        `the same file as ${WORKERS} pieces scanned by ${WORKERS} separate processes at once: ` +
          `${fmt(ideal.wall, 2)} s, ${fmt(single.wall / ideal.wall, 2)}× --workers 1 (this machine's ceiling for ` +
          `--workers ${WORKERS}; --workers ${WORKERS} reaches ${fmt((100 * ideal.wall) / many.wall, 0)} % of it)`,
      );
  }
}

function synthetic(n, hosts) {
  const file = join(root, '.bench', `synthetic-${n}${hosts > 1 ? `-h${hosts}` : ''}.log`);
  if (!existsSync(file))
    sh(process.execPath, [
      'bench/generate.mjs',
      '--lines',
      String(n),
      '--hosts',
      String(hosts),
      '--out',
      file,
    ]);
  return file;
}

/** Flat memory: scan's peak RSS on N and on 10×N lines, with one thread and with --workers. */
function memoryRun(n, hosts) {
  console.log(`\n## memory: scan --format jsonl on ${fmt(n)} and ${fmt(10 * n)} lines`);
  const rows = [];
  const threads = WORKERS > 1 ? ['--workers 1', `--workers ${WORKERS}`] : ['--workers 1'];
  for (const size of [n, 10 * n]) {
    const file = synthetic(size, hosts);
    const lines = countLines(file);
    for (const how of threads) {
      const extra = how.split(' ');
      const r = measure(process.execPath, [...NODE_FLAGS, BIN, 'scan', '--format', 'jsonl', file, ...extra]);
      rows.push({ size, lines, how, ...r });
    }
  }
  console.log('| lines | threads | seconds | lines/s | CPU s | peak RSS MiB |');
  console.log('|---:|---|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${fmt(r.lines)} | ${r.how} | ${r.ok ? fmt(r.wall, 2) : 'FAILED'} | ${r.ok ? fmt(r.lines / r.wall) : 'n/a'} | ${fmt(r.cpu, 2)} | ${fmt(r.rss, 0)} |`,
    );
  for (const how of threads) {
    const [a, b] = rows.filter((r) => r.how === how);
    if (a?.rss && b?.rss)
      console.log(`\npeak RSS (${how}) at 10× the lines: ${fmt(b.rss / a.rss, 2)}× the 1× figure`);
  }
}

/**
 * A log shaped to exhaust memory, written once under .bench/ (lines from `line(i)`,
 * `count` of them). Written in slices: the large one does not fit a string.
 */
function hostileLog(name, count, line) {
  const file = join(root, '.bench', name);
  if (existsSync(file)) return file;
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  for (let i = 0; i < count;) {
    const slice = [];
    for (let bytes = 0; i < count && bytes < 8 << 20; i++) {
      const l = line(i);
      slice.push(l);
      bytes += l.length + 1;
    }
    writeSync(fd, `${slice.join('\n')}\n`);
  }
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}

/**
 * Peak RSS on logs written to break the memory bound, not on a realistic one: every line a
 * 60 KB header (near MAX_LINE_BYTES), one message logging 300,000 distinct header names,
 * and a central syslog naming a new host on every line.
 */
function hostileMemoryRun() {
  const stamp = (i) =>
    `Nov 27 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
  const subject = 'x'.repeat(60_000);
  const logs = [
    [
      '4,000 lines of 60 KB headers',
      hostileLog('hostile-long-lines.log', 4000, (i) => {
        const q = (0x4f2a000000 + (i >> 2)).toString(16).toUpperCase();
        return `${stamp(i)} mx1 postfix/cleanup[${900 + (i >> 2)}]: ${q}: warning: header Subject: ${subject} from mail.example.net[192.0.2.7]; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mail.example.net>`;
      }),
    ],
    [
      'one message, 300,000 header names',
      hostileLog(
        'hostile-header-names.log',
        300_000,
        (i) =>
          `${stamp(i)} mx1 postfix/cleanup[900]: 4F2B000001: warning: header X-H${i}: v from mail.example.net[192.0.2.7]; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mail.example.net>`,
      ),
    ],
    [
      '300,000 lines, a new host on each',
      hostileLog(
        'hostile-new-hosts.log',
        300_000,
        (i) =>
          `${stamp(i)} h${i}.example.net postfix/smtpd[${1000 + i}]: connect from unknown[192.0.2.${i % 250}]`,
      ),
    ],
  ];
  console.log('\n## memory on hostile logs: scan --format jsonl');
  console.log('| log | threads | seconds | CPU s | peak RSS MiB |');
  console.log('|---|---|---:|---:|---:|');
  const threads = WORKERS > 1 ? ['--workers 1', `--workers ${WORKERS}`] : ['--workers 1'];
  for (const [label, file] of logs) {
    for (const how of threads) {
      const r = measure(process.execPath, [
        ...NODE_FLAGS,
        BIN,
        'scan',
        '--format',
        'jsonl',
        file,
        ...how.split(' '),
      ]);
      console.log(
        `| ${label} | ${how} | ${r.ok ? fmt(r.wall, 2) : 'FAILED'} | ${fmt(r.cpu, 2)} | ${fmt(r.rss, 0)} |`,
      );
      if (!r.ok) console.log(`    ${r.err}`);
    }
  }
}

console.log('# spoofwatch benchmark');
console.log(
  `node ${process.version}, ${new Date().toISOString()}, ${(await import('node:os')).availableParallelism()} CPUs`,
);
sh('npm', ['run', '-s', 'build']);
const n = Number(values.lines);
await benchFile(
  `synthetic ${HOSTS === 1 ? 'MX' : `central syslog of ${HOSTS} MXs`} (postscreen, policyd-spf, OpenDKIM, OpenDMARC, header_checks)`,
  synthetic(n, HOSTS),
  HOSTS,
);

if (values.real) {
  const base = join(root, '..', 'shared', 'corpus', 'public', 'postfix-logsums', 'postfix.log');
  if (!existsSync(base)) console.log('\n(real log skipped: ../shared/corpus is absent)');
  else {
    const real = join(root, '.bench', `real-x${values.repeat}.log`);
    if (!existsSync(real))
      sh(process.execPath, ['bench/generate.mjs', '--base', base, '--repeat', values.repeat, '--out', real]);
    await benchFile(`real Postfix log repeated ×${values.repeat} with shifted queue ids and times`, real, 1);
  }
}

if (values.memory) {
  memoryRun(n, HOSTS);
  hostileMemoryRun();
}
