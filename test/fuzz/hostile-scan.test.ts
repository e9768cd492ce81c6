/**
 * The whole scan against a hostile log: 200k queue ids that never close, random bytes,
 * 1 MiB lines and ANSI escapes inside header values. It must exit 0, keep memory bounded
 * (eviction, not growth) and never let a raw ESC byte through when its output is piped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { runCli } from '../support/cli.js';

const NEVER_CLOSED = 200_000;

async function writeHostileLog(path: string): Promise<void> {
  const out = createWriteStream(path);
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const write = async (s: string | Buffer): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  for (let i = 0; i < NEVER_CLOSED; i++) {
    const qid = (0x10000000 + i).toString(16).toUpperCase();
    const ip = `203.0.113.${i % 250}`;
    const pid = 1000 + (i % 5000);
    const sec = String(i % 60).padStart(2, '0');
    await write(`Nov 20 10:00:${sec} mx1 postfix/smtpd[${pid}]: connect from unknown[${ip}]\n`);
    await write(`Nov 20 10:00:${sec} mx1 postfix/smtpd[${pid}]: ${qid}: client=unknown[${ip}]\n`);
    if (i % 4 === 0) {
      await write(
        `Nov 20 10:00:${sec} mx1 postfix/cleanup[77]: ${qid}: warning: header From: "\x1b]0;pwned\x07\x1b[2J\x1b[31mCEO\u202e" <ceo@corp.example> from unknown[${ip}]; from=<x@attacker.test> to=<a@corp.example> proto=ESMTP helo=<\x1b[1mhelo>\n`,
      );
    }
    if (i % 1000 === 0) {
      const junk = Buffer.alloc(300);
      for (let j = 0; j < junk.length; j++) junk[j] = rnd(256);
      await write(junk);
      await write('\n');
    }
    if (i % 50_000 === 0) {
      await write(
        `Nov 20 10:00:00 mx1 postfix/cleanup[77]: ${qid}: warning: header Subject: ${'\x1b[5m'.repeat(1000)}${'A'.repeat(1 << 20)}\n`,
      );
    }
  }
  out.end();
  await once(out, 'finish');
}

test(
  'scan of a hostile log exits 0, stays bounded and escapes every control byte',
  { timeout: 600_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-hostile-'));
    try {
      const log = join(dir, 'hostile.log');
      await writeHostileLog(log);
      for (const format of ['table', 'jsonl']) {
        const r = await runCli(['scan', '--format', format, log], { measureRss: true });
        assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr.slice(0, 2000)}`);
        assert.ok(!r.stdout.includes('\x1b'), `raw ESC byte in ${format} output`);
        assert.ok(!r.stdout.includes('\x07'), `raw BEL byte in ${format} output`);
        assert.ok(!r.stderr.includes('\x1b'), `raw ESC byte on stderr (${format})`);
        if (format === 'jsonl') {
          for (const l of r.stdout.split('\n')) if (l !== '') JSON.parse(l);
        }
        if (r.peakRssMiB === null) t.diagnostic('peak RSS not measured (/usr/bin/time absent)');
        else {
          t.diagnostic(`${format}: peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
          assert.ok(r.peakRssMiB < 256, `peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
