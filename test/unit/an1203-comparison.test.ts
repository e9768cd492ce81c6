/**
 * spoofwatch must do better than MITRE AN1203 taken literally, on the lab's real logs:
 * catch at least every spoof the literal rule catches (as spoof or suspicious) and raise
 * no alarm on legitimate forwarding, list, ESP or internal mail, which the literal rule does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareOnLab, comparisonTable, literalAn1203 } from '../lab/an1203.js';
import type { MessageRecord } from '../../src/correlate/record.js';

const LAB = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'lab', 'fixtures');

test('the literal rule flags a mailing-list style mismatch and an SPF fail', () => {
  const base = {
    auth: { spf: [], dkim: [] },
    headers: { from: [{ value: 'Alice <alice@example.com>', truncated: false }] },
    envelope: { from: 'list-bounces@lists.example.org', recipients: [] },
  } as unknown as MessageRecord;
  assert.equal(literalAn1203(base), true);
  const aligned = { ...base, envelope: { from: 'alice@example.com', recipients: [] } } as MessageRecord;
  assert.equal(literalAn1203(aligned), false);
  const spfFail = { ...aligned, auth: { spf: [{ result: 'fail', scope: 'mfrom', source: 't' }], dkim: [] } };
  assert.equal(literalAn1203(spfFail as unknown as MessageRecord), true);
});

test('spoofwatch beats literal AN1203 on the lab logs', async (t) => {
  const c = await compareOnLab(LAB);
  t.diagnostic('\n' + comparisonTable(c));
  assert.ok(c.messages >= 100, `only ${c.messages} lab messages found`);
  assert.ok(c.literal.falseAlarms > 0, 'the lab has legitimate mail the literal rule misjudges');
  assert.equal(c.spoofwatchSpoof.falseAlarms, 0, 'legitimate messages called spoof');
  assert.ok(c.spoofwatchAny.falseAlarms < c.literal.falseAlarms);
  assert.ok(c.spoofwatchAny.caught >= c.literal.caught, 'spoofwatch misses spoofs the literal rule catches');
});
