/**
 * What the CLI reads, end to end: plain and gzip files, rotated sets in any order (read
 * oldest first), stdin, and the inputs it must refuse (directories, missing, binary and
 * truncated files, bad or unreadable configs): exit 2 with a message naming the input,
 * while the readable inputs are still reported.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../support/cli.js';
import { decompressorPath } from '../../src/ingest/decompress.js';
import { DECOMPRESSORS } from '../../src/ingest/magic.js';
import {
  CONFIG_YAML,
  cleanMessage,
  deliveredSpoof,
  mixedLog,
  tempDir,
  UNRECOGNISED_LINE,
} from '../support/mail-fixtures.js';

const { dir, cleanup } = tempDir();
after(cleanup);
const p = (name: string): string => join(dir, name);

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
function jsonLines(text: string): Record<string, unknown>[] {
  return lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);
}
interface Summary {
  lines: number;
  recognised: number;
  unrecognised: number;
  byProgram: Record<string, number>;
}

const MIXED = mixedLog() + UNRECOGNISED_LINE;
const MIXED_LINES = lines(MIXED).length;
writeFileSync(p('plain.log'), MIXED);
writeFileSync(p('packed.log.gz'), gzipSync(MIXED));

// A rotated set: each generation a different day; one message straddles the rotation
// (queued before logrotate ran, delivered after).
const straddling = lines(cleanMessage('Nov 26', 'D1E2F3A4B5', '23'));
writeFileSync(p('mail.log.3.gz'), gzipSync(cleanMessage('Nov 23', 'A00000000A')));
writeFileSync(p('mail.log.2.gz'), gzipSync(cleanMessage('Nov 24', 'B00000000B')));
writeFileSync(
  p('mail.log.1'),
  cleanMessage('Nov 25', 'C00000000C') + straddling.slice(0, 10).join('\n') + '\n',
);
writeFileSync(p('mail.log'), straddling.slice(10).join('\n') + '\n' + deliveredSpoof('Nov 27'));
// Yearless stamps take their year from the file's mtime: pin each generation's mtime to the
// end of its last day, as logrotate leaves it, so the test does not depend on today's date.
for (const [name, day] of [
  ['mail.log.3.gz', 23],
  ['mail.log.2.gz', 24],
  ['mail.log.1', 26],
  ['mail.log', 27],
] as const) {
  const t = new Date(2026, 10, day, 23, 59, 0);
  utimesSync(p(name), t, t);
}

mkdirSync(p('logs.d'));
const binary = Buffer.alloc(4096);
binary.write('\x7fELF', 0, 'latin1');
for (let i = 4; i < binary.length; i++) binary[i] = (i * 131) % 256;
writeFileSync(p('core.log'), binary);

// A gzip cut in the middle: the lines before the cut must still be read.
let big = '';
for (let i = 0; i < 400; i++)
  big += cleanMessage('Nov 27', `E${i.toString(16).toUpperCase().padStart(9, '0')}`);
const bigLines = lines(big).length;
const bigGz = gzipSync(big);
writeFileSync(p('cut.log.gz'), bigGz.subarray(0, Math.floor(bigGz.length / 2)));

writeFileSync(p('bad.yaml'), 'protectedDomains:\n  - example.com\nprotected_domain: example.org\n');

describe('inputs', { concurrency: true }, () => {
  test('a plain file and a .gz file read alike', async () => {
    const r = await runCli(['parse', p('plain.log'), p('packed.log.gz')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const events = jsonLines(r.stdout);
    const plain = events.filter((e) => e.file === p('plain.log'));
    const packed = events.filter((e) => e.file === p('packed.log.gz'));
    assert.equal(plain.length, MIXED_LINES);
    assert.equal(packed.length, MIXED_LINES);
    assert.deepEqual(
      packed.map((e) => [e.lineNo, e.kind, e.program]),
      plain.map((e) => [e.lineNo, e.kind, e.program]),
    );
  });

  test('a rotated set given in any order is read oldest first', async () => {
    const shuffled = ['mail.log.1', 'mail.log', 'mail.log.3.gz', 'mail.log.2.gz'].map(p);
    const [parsed, messages] = await Promise.all([
      runCli(['parse', ...shuffled]),
      runCli(['messages', ...shuffled]),
    ]);
    assert.equal(parsed.code, 0, parsed.stderr);
    const files: string[] = [];
    for (const e of jsonLines(parsed.stdout)) if (files.at(-1) !== e.file) files.push(e.file as string);
    assert.deepEqual(files, ['mail.log.3.gz', 'mail.log.2.gz', 'mail.log.1', 'mail.log'].map(p));
    const times = jsonLines(parsed.stdout).map((e) => Date.parse(e.time as string));
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, `time order at event ${i}`);

    assert.equal(messages.code, 0, messages.stderr);
    const records = jsonLines(messages.stdout);
    assert.equal(records.length, 5, 'four messages of their own, one across the rotation');
    const across = records.find((r) => (r.queueIds as string[]).includes('D1E2F3A4B5'));
    assert.ok(across, 'the message straddling the rotation is one record');
    const evidence = across.evidence as { file: string; line: number }[];
    assert.deepEqual([...new Set(evidence.map((e) => e.file))], [p('mail.log.1'), p('mail.log')]);
    assert.equal(across.disposition, 'delivered');
  });

  test('stdin: "-" and no file when piped', async () => {
    const [dash, piped, file] = await Promise.all([
      runCli(['parse', '--summary', '-'], { stdin: MIXED }),
      runCli(['parse', '--summary'], { stdin: gzipSync(MIXED) }),
      runCli(['parse', '--summary', p('plain.log')]),
    ]);
    for (const r of [dash, piped, file]) assert.equal(r.code, 0, r.stderr);
    const want = JSON.parse(file.stdout) as Summary;
    assert.equal(want.lines, MIXED_LINES);
    assert.deepEqual(JSON.parse(dash.stdout), want);
    assert.deepEqual(JSON.parse(piped.stdout), want);
  });

  test('stdin on /dev/null (cron) is not an input: the system logs are, or a clear error', async () => {
    const r = await runCli(['parse', '--summary'], { stdin: null });
    if (r.code === 2) {
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^spoofwatch: no input: name log files/);
      // The continuation line (indented, so it cannot pass for a message of its own) names
      // the journal, where a host without a syslog daemon keeps its mail log.
      assert.match(
        r.stderr,
        /\n {2}on a systemd host .*journalctl -o json SYSLOG_FACILITY=2 \| spoofwatch scan -\n/,
      );
    } else {
      assert.equal(r.code, 0, r.stderr);
      assert.ok((JSON.parse(r.stdout) as Summary).lines > 0, 'read /var/log/mail.log*');
    }
  });

  test('a directory and a missing file: exit 2, named on stderr, the other file still scanned', async () => {
    const r = await runCli(['scan', p('logs.d'), p('absent.log'), p('plain.log')]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${p('logs.d')} is a directory`), r.stderr);
    assert.ok(r.stderr.includes(`cannot read ${p('absent.log')}: no such file`), r.stderr);
    const verdicts = jsonLines(r.stdout).map((v) => v.verdict as string);
    assert.deepEqual(verdicts.sort(), ['clean', 'spoof', 'spoof', 'unknown']);
  });

  test('a binary file and a truncated .gz: exit 2, named, the lines before the cut read', async () => {
    const r = await runCli(['parse', '--summary', p('core.log'), p('cut.log.gz'), p('plain.log')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${p('core.log')}.* not a text log`));
    assert.match(r.stderr, new RegExp(`${p('cut.log.gz')}.*gzip data ends early`));
    const s = JSON.parse(r.stdout) as Summary;
    const fromCut = s.lines - MIXED_LINES;
    assert.ok(
      fromCut > bigLines / 10 && fromCut < bigLines,
      `${fromCut} of ${bigLines} lines before the cut`,
    );
    assert.ok(s.recognised >= s.lines - 2, 'only the unknown line and the cut line unrecognised');
  });
});

describe(
  'xz, zstd and bzip2 (logrotate compresscmd) through the system decompressor',
  { concurrency: true },
  () => {
    for (const d of DECOMPRESSORS) {
      const tool = decompressorPath(d);
      const skip = tool === null ? `${d.command} is not installed (Debian package ${d.pkg})` : false;
      const pack = (text: string): Buffer => {
        const r = spawnSync(tool!, ['-c', ...(d.format === 'zstd' ? ['-q'] : [])], { input: text });
        assert.equal(r.status, 0, String(r.stderr));
        return r.stdout;
      };
      test(
        `.${d.format}: read like the plain file, and a cut one reported with the lines before it`,
        { skip },
        async () => {
          const ext = { xz: 'xz', zstd: 'zst', bzip2: 'bz2' }[d.format];
          const name = p(`rotated.log.2.${ext}`);
          writeFileSync(name, pack(MIXED));
          let big = '';
          for (let i = 0; i < 300; i++)
            big += cleanMessage('Nov 27', `F${i.toString(16).toUpperCase().padStart(9, '0')}`);
          const packedBig = pack(big);
          const cut = p(`cut-${d.format}.log.${ext}`);
          writeFileSync(cut, packedBig.subarray(0, Math.floor(packedBig.length / 2)));
          const [r, plain, broken] = await Promise.all([
            runCli(['parse', name]),
            runCli(['parse', p('plain.log')]),
            runCli(['parse', '--summary', cut]),
          ]);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.stderr, '');
          const strip = (t: string): unknown[] =>
            jsonLines(t).map((e) => [e.lineNo, e.kind, e.program, e.time]);
          assert.deepEqual(strip(r.stdout), strip(plain.stdout));
          assert.equal(broken.code, 2);
          assert.match(
            broken.stderr,
            new RegExp(`cut-${d.format}.*the ${d.format} data ends early or is corrupt`),
          );
          const lines = (JSON.parse(broken.stdout) as Summary).lines;
          // bzip2 decodes whole blocks of up to 900 kB: a cut in the first one yields nothing, as with bzcat.
          const least = d.format === 'bzip2' ? 0 : 1;
          assert.ok(lines >= least && lines < big.split('\n').length - 1, `${lines} lines before the cut`);
        },
      );
    }
  },
);

describe("a named pipe (mkfifo, or a shell's <(zcat ...))", { concurrency: true }, () => {
  // A pipe opened twice waits for ever for a second writer: a regression hangs, so each
  // test has a time limit.
  const limit = { timeout: 60_000 };
  /** Runs the CLI on a fresh pipe carrying `text`, and on the plain file with the same text. */
  async function viaPipe(name: string, args: (input: string) => string[]) {
    const fifo = p(name);
    execFileSync('mkfifo', [fifo]);
    // The writer blocks in open() until the reader opens the pipe: start the CLI first.
    const reading = runCli(args(fifo));
    await writeFile(fifo, MIXED);
    const [piped, file] = await Promise.all([reading, runCli(args(p('plain.log')))]);
    return { piped, file, fifo };
  }

  for (const workers of ['1', '2', 'auto']) {
    test(`scan --workers ${workers} reads it once, to its end, like the file it carries`, limit, async () => {
      const { piped, file } = await viaPipe(`scan-${workers}.fifo`, (input) => [
        'scan',
        '--workers',
        workers,
        input,
      ]);
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(piped.stderr, '');
      const got = jsonLines(piped.stdout).map((v) => v.verdict as string);
      const want = jsonLines(file.stdout).map((v) => v.verdict as string);
      assert.ok(want.length > 0);
      assert.deepEqual(got.sort(), want.sort());
    });
  }

  test(
    'investigate, which reads its input twice, copies the pipe first and cites it by its name',
    limit,
    async () => {
      const { piped, file, fifo } = await viaPipe('investigate.fifo', (input) => [
        'investigate',
        '--format',
        'json',
        '7A1B2C3D4E',
        input,
      ]);
      assert.equal(piped.code, 0, piped.stderr);
      const got = JSON.parse(piped.stdout) as { timeline: { file: string; line: number }[] };
      const want = JSON.parse(file.stdout) as { timeline: { file: string; line: number }[] };
      assert.ok(want.timeline.length > 0);
      assert.deepEqual(
        got.timeline.map((l) => [l.file, l.line]),
        want.timeline.map((l) => [fifo, l.line]),
      );
      assert.ok(!piped.stdout.includes('spoofwatch-investigate-'), 'the temporary copy is never named');
    },
  );
});

describe('a file that is not a mail log', { concurrency: true }, () => {
  const authLog =
    'Nov 27 10:00:01 bastion sshd[811]: Accepted publickey for ops from 192.0.2.7 port 50122 ssh2\n' +
    'Nov 27 10:00:02 bastion CRON[812]: (root) CMD (run-parts /etc/cron.hourly)\n';
  writeFileSync(p('auth.log'), authLog);
  // Random bytes of no named format: refused like any binary file, not read as 4 KiB of junk lines.
  // Random bytes score about 60 % against the 45 % threshold over 4 KiB: never text by chance.
  const noise = randomBytes(8192);
  noise[0] = 0x41; // no format's magic number starts with "A": the binary refusal is the sniff's
  writeFileSync(p('mail.log.enc'), noise);

  for (const command of ['scan', 'messages'] as const) {
    for (const workers of ['1', '2']) {
      test(`${command} --workers ${workers}: no output, exit 0 and a notice naming what was read`, async () => {
        const r = await runCli([command, '--workers', workers, p('auth.log')]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /none of the 2 lines read is a mail-log line .*programs seen: sshd 1, CRON 1/);
      });
    }
  }

  test('no notice once any line is a mail-log line', async () => {
    const r = await runCli(['scan', p('auth.log'), p('plain.log')]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /mail-log line/);
  });

  test('random bytes: refused as binary, exit 2', async () => {
    const r = await runCli(['scan', p('mail.log.enc')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mail\.log\.enc is not a text log: it is binary data .*neither text nor UTF-8/);
    assert.equal(r.stdout, '');
  });
});

describe('configuration', { concurrency: true }, () => {
  test('a bad key: exit 2 naming the key and its line, nothing on stdout', async () => {
    const r = await runCli(['scan', '-c', p('bad.yaml'), p('plain.log')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.includes(`${p('bad.yaml')}:3:1: protected_domain: unknown key`), r.stderr);
    assert.doesNotMatch(r.stderr, /\\x0a/, 'line breaks print as line breaks');
  });

  test('an unreadable config: exit 2 naming it', async () => {
    const targets = [p('none.yaml'), p('logs.d')];
    if (process.getuid?.() !== 0) {
      writeFileSync(p('locked.yaml'), CONFIG_YAML);
      chmodSync(p('locked.yaml'), 0o000);
      targets.push(p('locked.yaml'));
    }
    const results = await Promise.all(targets.map((t) => runCli(['scan', '-c', t, p('plain.log')])));
    results.forEach((r, i) => {
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.includes(`cannot read config ${targets[i]!}`), r.stderr);
    });
  });

  test('./spoofwatch.yaml in the working directory is used', async () => {
    const withConfig = p('cwd-config');
    const without = p('cwd-none');
    const broken = p('cwd-broken');
    for (const d of [withConfig, without, broken]) mkdirSync(d);
    writeFileSync(join(withConfig, 'spoofwatch.yaml'), CONFIG_YAML);
    writeFileSync(join(broken, 'spoofwatch.yaml'), 'protectedDomains: [example.com]\nwhitelist: []\n');
    const [a, b, c] = await Promise.all([
      runCli(['scan', p('plain.log')], { cwd: withConfig }),
      runCli(['scan', p('plain.log')], { cwd: without }),
      runCli(['scan', p('plain.log')], { cwd: broken }),
    ]);
    const guessed = (out: string): unknown[] =>
      jsonLines(out).flatMap((v) =>
        (v.findings as { rule: string; fields: Record<string, unknown> }[])
          .filter((f) => f.rule === 'own-domain-from-outside')
          .map((f) => f.fields.protected_guessed),
      );
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(guessed(a.stdout).length > 0);
    assert.ok(
      guessed(a.stdout).every((g) => g === false),
      'protected domain from the config',
    );
    assert.ok(
      guessed(b.stdout).every((g) => g === true),
      'without a config the protected domain is guessed',
    );
    assert.equal(c.code, 2);
    assert.equal(c.stdout, '');
    assert.match(c.stderr, /spoofwatch\.yaml:2:1: whitelist: unknown key/);
  });
});
