/**
 * `parse` and `messages` end to end: the recognition summary counts right, one JSON event
 * per input line, one JSON record per message (NOQUEUE rejects included, a content-filter
 * hop kept as one message with both queue ids).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { contentFilterMessage, mixedLog, tempDir, UNRECOGNISED_LINE } from '../support/mail-fixtures.js';

const { dir, cleanup } = tempDir();
after(cleanup);
const log = join(dir, 'mail.log');
const TEXT = mixedLog() + UNRECOGNISED_LINE + contentFilterMessage();
writeFileSync(log, TEXT);
const INPUT = TEXT.split('\n').filter((l) => l !== '');

/** The program tag of a fixture line: "Nov 27 10:00:01 mx1 postfix/smtpd[1201]: ..." */
function programOf(line: string): string {
  const tag = line.split(' ')[4] ?? '';
  return tag.slice(0, tag.indexOf('['));
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('parse and messages', { concurrency: true }, () => {
  test('parse --summary: one JSON object with the right counts', async () => {
    const r = await runCli(['parse', '--summary', log]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(
      r.stdout,
      /^\{"lines":\d+,"recognised":\d+,"unrecognised":\d+,.*"byProgram":\{[^}]*\}.*\}\n$/,
    );
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    const byProgram: Record<string, number> = {};
    for (const l of INPUT) byProgram[programOf(l)] = (byProgram[programOf(l)] ?? 0) + 1;
    assert.equal(s.lines, INPUT.length);
    assert.equal(s.unrecognised, 1, 'the sshd line');
    assert.equal(s.recognised, INPUT.length - 1);
    assert.deepEqual(s.byProgram, byProgram);
  });

  test('parse: one JSON event per line, in input order', async () => {
    const r = await runCli(['parse', '--tz', 'UTC', log]);
    assert.equal(r.code, 0, r.stderr);
    const events = jsonLines(r.stdout);
    assert.equal(events.length, INPUT.length);
    events.forEach((e, i) => {
      assert.equal(e.file, log);
      assert.equal(e.lineNo, i + 1);
      assert.equal(e.host, 'mx1');
      assert.equal(e.program, programOf(INPUT[i]!));
      assert.equal(typeof e.kind, 'string');
      assert.match(e.time as string, /^\d{4}-11-27T\d\d:\d\d:\d\d\.000Z$/);
    });
    const unknown = events.filter((e) => e.kind === 'unrecognised');
    assert.deepEqual(
      unknown.map((e) => e.program),
      ['sshd'],
    );
  });

  test('--tz: stamps without a zone read as local time or as UTC', async () => {
    const env = { TZ: 'America/New_York' };
    const [local, utc] = await Promise.all([
      runCli(['parse', log], { env }),
      runCli(['parse', '--tz', 'UTC', log], { env }),
    ]);
    assert.equal(local.code, 0, local.stderr);
    assert.equal(utc.code, 0, utc.stderr);
    const first = (out: string): string =>
      (JSON.parse(out.slice(0, out.indexOf('\n'))) as { time: string }).time;
    // Nov 27 10:00:01 in New York (EST, UTC-5) is 15:00:01 UTC.
    assert.match(first(local.stdout), /^\d{4}-11-27T15:00:01\.000Z$/);
    assert.match(first(utc.stdout), /^\d{4}-11-27T10:00:01\.000Z$/);
  });

  test('messages: one record per message, NOQUEUE and content-filter hops included', async () => {
    const [plain, withLines] = await Promise.all([
      runCli(['messages', log]),
      runCli(['messages', '--with-lines', log]),
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, '');
    const records = jsonLines(plain.stdout);
    assert.equal(records.length, 5, records.map((r) => r.id).join(' '));
    const ids = records.map((r) => (r.queueIds as string[]).join('+')).sort();
    assert.deepEqual(ids, ['', '3F2A1C0D5E', '4B1C2D3E4F+5C2D3E4F5A', '7A1B2C3D4E', '9C8D7E6F5A']);
    const noqueue = records.find((r) => (r.queueIds as string[]).length === 0)!;
    assert.equal(noqueue.disposition, 'rejected');
    assert.equal((noqueue.envelope as { from?: string }).from, 'ceo@example.com');
    const hop = records.find((r) => (r.queueIds as string[]).length === 2)!;
    assert.equal(hop.disposition, 'delivered');
    assert.equal(hop.messageId, 'm1.7781@example.org');
    for (const r of records) assert.equal('lines' in r, false, 'raw lines only with --with-lines');

    assert.equal(withLines.code, 0, withLines.stderr);
    const full = jsonLines(withLines.stdout);
    assert.equal(full.length, 5);
    for (const r of full) {
      const raw = r.lines as string[];
      const evidence = r.evidence as { line: number }[];
      assert.ok(Array.isArray(raw) && raw.length > 0, `${r.id as string} carries its lines`);
      assert.deepEqual(
        raw,
        evidence.map((e) => INPUT[e.line - 1]),
        'each raw line is the line its evidence ref names',
      );
    }
  });

  test("a header holding U+2028, U+2029 or U+0085 stays on its document's line, with one thread or two", async () => {
    // Python's splitlines() and some SIEM shippers end a line at these characters.
    const hostile = join(dir, 'separators.log');
    writeFileSync(
      hostile,
      'Nov 27 10:00:01 mx1 postfix/cleanup[1301]: 4F2A1C0B7D: warning: header Subject: a\u2028b\u2029c\u0085d from mail.example.net[192.0.2.10]; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mail.example.net>\n',
    );
    for (const args of [
      ['parse', hostile],
      ['messages', '--with-lines', hostile],
      ['parse', '--workers', '2', hostile],
      ['messages', '--workers', '2', hostile],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /[\u2028\u2029\u0085]/u, args.join(' '));
      const docs = r.stdout.split(/\r\n|[\n\r\u2028\u2029\u0085]/u).filter((l) => l !== '');
      assert.equal(docs.length, 1, args.join(' '));
      assert.match(
        JSON.stringify(JSON.parse(docs[0]!)),
        /a\u2028b\u2029c\u0085d/u,
        'the text itself is kept',
      );
    }
  });

  test('no JSON output hands a terminal a C1 control, bidi override or invisible character', async () => {
    // U+009B is an 8-bit CSI: "\u009b2J" clears the screen of a terminal that obeys C1.
    const hostile = join(dir, 'c1-bidi.log');
    const subject = 'pay\u009b2J\u202eexe.pdf\u200b\u{e0041}\x7f';
    writeFileSync(
      hostile,
      [
        `Nov 27 10:00:01 mx1 postfix/cleanup[1301]: 4F2A1C0B7E: warning: header Subject: ${subject} from mail.example.net[192.0.2.10]; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mail.example.net>`,
        `Nov 27 10:00:01 mx1 post\u202efix[1302]: 4F2A1C0B7E: noise`,
        '',
      ].join('\n'),
    );
    for (const args of [
      ['parse', hostile],
      ['parse', '--summary', hostile],
      ['messages', '--with-lines', hostile],
      ['scan', '--format', 'jsonl', hostile],
      ['scan', '--format', 'ecs', hostile],
      ['scan', '--format', 'ocsf', hostile],
      ['coverage', '--format', 'json', hostile],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /[\u007f-\u009f\u202e\u200b\u{e0041}]/u, args.join(' '));
      if (args[0] !== 'parse' || args[1] === '--summary') continue;
      const doc = JSON.stringify(JSON.parse(r.stdout.split('\n')[0]!));
      assert.ok(
        doc.includes(JSON.stringify(subject).slice(1, -1)),
        `${args.join(' ')}: the text itself is kept`,
      );
    }
  });
});
