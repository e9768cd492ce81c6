import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authFromSaRules } from './sa-rules.js';

test('SpamAssassin hits map to SPF, DKIM and DMARC results', () => {
  assert.deepEqual(authFromSaRules(['SPF_PASS', 'DKIM_VALID', 'DMARC_PASS']), {
    spf: 'pass',
    dkim: [{ result: 'pass' }],
    dmarc: { result: 'pass' },
  });
  assert.deepEqual(authFromSaRules(['SPF_SOFTFAIL', 'DMARC_NONE']), {
    spf: 'softfail',
    dmarc: { result: 'fail', policy: 'none' },
  });
  assert.deepEqual(authFromSaRules(['DMARC_MISSING', 'SPF_NONE']), {
    spf: 'none',
    dmarc: { result: 'none' },
  });
});

test('HELO-scope and unrelated rules state nothing; contradictions are unknown', () => {
  assert.equal(authFromSaRules(['SPF_HELO_PASS', 'BAYES_00', 'DKIM_SIGNED']), undefined);
  assert.deepEqual(authFromSaRules(['DMARC_PASS', 'DMARC_REJECT']), { dmarc: { result: 'unknown' } });
  assert.deepEqual(authFromSaRules(['SPF_FAIL', 'SPF_PASS']), { spf: 'unknown' });
  // several signatures: one verified, one did not
  assert.deepEqual(authFromSaRules(['DKIM_INVALID', 'DKIM_VALID']), {
    dkim: [{ result: 'pass' }, { result: 'fail' }],
  });
  // the same hit twice is no contradiction
  assert.deepEqual(authFromSaRules(['SPF_FAIL', 'SPF_FAIL']), { spf: 'fail' });
  assert.equal(authFromSaRules(['__proto__', 'constructor', 'toString']), undefined);
});
