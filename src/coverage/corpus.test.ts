/**
 * Coverage over real logs (public corpus): the inventory finds the MTA of each file, the
 * shares add up, and the header From gap carries the remedy for that MTA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCoverage, renderCoverage } from './index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'public');
const CASES = [
  { file: 'lightmeter-controlcenter/postfix.log', mta: 'postfix', remedy: /header_checks = regexp:/ },
  { file: 'exim-test-suite/exim.log', mta: 'exim', remedy: /logwrite = :main:header From: \$h_from:/ },
  {
    file: 'fluent-plugin-sendmail/sendmail.log',
    mta: 'sendmail',
    remedy: /Sendmail cannot log the header From/,
  },
] as const;

for (const c of CASES) {
  const path = join(CORPUS, c.file);
  test(
    `coverage on corpus ${c.file}`,
    { skip: existsSync(path) ? false : `corpus not found at ${path}` },
    async () => {
      const r = await runCoverage([path], { windowDays: 7 });
      assert.ok(r.inventory.mtas.includes(c.mta), `MTA ${c.mta} in ${r.inventory.mtas.join(',')}`);
      assert.ok(r.inventory.lines > 0 && (r.inventory.recognisedShare ?? 0) > 0.5);
      assert.ok(r.inventory.messages.total > 0);
      for (const f of r.fields) {
        assert.ok(f.present <= f.total, `${f.field} present <= total`);
        const sum = Object.values(f.byHost).reduce((a, s) => a + s.total, 0);
        assert.equal(sum, f.total, `${f.field}: per-host totals add up`);
      }
      const from = r.fields.find((f) => f.field === 'header.from')!;
      const gap = r.gaps.find((g) => g.field === 'header.from');
      if ((from.share ?? 1) < 0.9) {
        assert.ok(gap, 'header From gap');
        assert.match(gap.remedy, c.remedy);
      }
      assert.ok(r.gaps.some((g) => g.field === 'mail-paths' && !g.closable));
      for (const fmt of ['text', 'md', 'json'] as const) assert.ok(renderCoverage(r, fmt).length > 100);
    },
  );
}
