/**
 * Investigate over real multi-daemon Postfix streams (public corpus): for each queue id,
 * every line of the file that names it is in the timeline, hashed as read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../detect/config.js';
import { runInvestigate } from './index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STREAMS = join(ROOT, '..', 'shared', 'corpus', 'public', 'lightmeter-controlcenter', 'streams');
const present = existsSync(STREAMS);
const QID = /^[^\]]*\]: ([0-9A-F]{10,12}): /;

test(
  'investigate on corpus streams: every line naming the queue id is in the timeline with its SHA-256',
  { skip: present ? false : `corpus not found at ${STREAMS}` },
  async () => {
    let checked = 0;
    for (const name of readdirSync(STREAMS).sort()) {
      if (!name.endsWith('.log')) continue;
      const path = join(STREAMS, name);
      const lines = readFileSync(path, 'utf8').split('\n');
      const ids = new Map<string, number[]>();
      lines.forEach((l, i) => {
        const m = QID.exec(l);
        if (m !== null) ids.set(m[1]!, [...(ids.get(m[1]!) ?? []), i + 1]);
      });
      for (const [qid, nums] of [...ids].slice(0, 3)) {
        const report = await runInvestigate(qid, [path], { config: defaultConfig() });
        const got = new Map(report.timeline.map((l) => [l.line, l]));
        for (const n of nums) {
          const ev = got.get(n);
          assert.ok(ev, `${name}: line ${n} (${qid}) missing from the timeline`);
          assert.equal(
            ev.sha256,
            createHash('sha256')
              .update(lines[n - 1]!, 'utf8')
              .digest('hex'),
          );
        }
        checked++;
      }
    }
    assert.ok(checked > 20, `checked ${checked} queue ids`);
  },
);
