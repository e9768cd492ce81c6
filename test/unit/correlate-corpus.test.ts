/**
 * The correlator over real logs from the public corpus (../shared/corpus/public), through
 * the real ingest and parsers. Skips when the corpus is absent.
 *
 * Invariants checked: every Postfix queue id that logged `removed` ends up in a record
 * (exactly one where the log is one real server's); nothing is left open after the end of input; few records age out on logs that
 * hold whole message stories; content-filter loops are joined.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../../src/pipeline.js';
import type { MessageRecord } from '../../src/correlate/record.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '..', 'shared', 'corpus', 'public');
const skip = existsSync(corpus) ? false : `public corpus not found at ${corpus}`;

/** Queue ids with a `removed` line, read straight from the text (no parser involved). */
function removedIds(path: string): Set<string> {
  const ids = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const i = line.indexOf(': removed');
    if (i < 0 || !line.endsWith(': removed')) continue;
    const start = line.lastIndexOf(' ', i) + 1;
    ids.add(line.slice(start, i));
  }
  return ids;
}

async function correlate(path: string) {
  const records: MessageRecord[] = [];
  const stats = await runPipeline([path], { onRecord: (r) => records.push(r) });
  return { records, stats };
}

// lightmeter's file splices test stories together (queue ids reused, `removed` logged twice):
// there a queue id may rightly be in several records.
for (const [name, once] of [
  ['postfix-logsums/postfix.log', true],
  ['lightmeter-controlcenter/postfix.log', false],
] as const) {
  test(
    `corpus ${name}: each removed queue id in a record${once ? ' (exactly one)' : ''}, none left open`,
    { skip },
    async () => {
      const path = join(corpus, name);
      const { records, stats } = await correlate(path);
      const removed = removedIds(path);
      assert.ok(removed.size > 50, `${removed.size} removed ids`);
      const seen = new Map<string, number>();
      for (const r of records) for (const q of r.queueIds) seen.set(q, (seen.get(q) ?? 0) + 1);
      const missing = [...removed].filter((q) => seen.get(q) === undefined);
      const twice = [...removed].filter((q) => (seen.get(q) ?? 0) > 1);
      assert.deepEqual(missing, []);
      if (once) assert.deepEqual(twice, []);
      assert.equal(stats.correlator?.openRecords, 0);
      const aged = records.filter((r) => r.agedOut === true).length;
      assert.ok(aged <= records.length * 0.05, `${aged} of ${records.length} aged out`);
      for (const r of records) {
        assert.ok(r.evidence.length > 0 && r.evidence.length === r.lines.length, r.id);
        assert.notEqual(r.mta, 'unknown', r.id);
      }
    },
  );
}

test(
  'corpus postfix-logsums: Amavis loops joined, postscreen NOQUEUE rejects closed at DISCONNECT',
  { skip },
  async () => {
    const { records } = await correlate(join(corpus, 'postfix-logsums/postfix.log'));
    const hops = records.filter((r) => r.queueIds.length > 1);
    assert.ok(hops.length >= 150, `${hops.length} multi-hop messages`);
    for (const r of hops) {
      assert.ok(
        r.actions.some((a) => a.action === 'filtered'),
        r.id,
      );
      assert.notEqual(r.session.clientIp, '127.0.0.1', `${r.id} keeps the first hop's client`);
    }
    const noqueue = records.filter((r) => r.queueIds.length === 0);
    assert.ok(noqueue.length > 50, `${noqueue.length} NOQUEUE records`);
    assert.ok(noqueue.every((r) => r.disposition === 'rejected' || r.disposition === 'deferred'));
    assert.ok(noqueue.every((r) => r.agedOut !== true));
  },
);
