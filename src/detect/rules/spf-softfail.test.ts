import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, rec } from '../test-support.js';
import { spfSoftfail } from './spf-softfail.js';

test('softfail is weak; helo softfail weaker', () => {
  const out = spfSoftfail(
    ctxOf(
      rec({
        auth: {
          spf: [
            { result: 'softfail', scope: 'mfrom', domain: 'sender.test', source: 'policyd-spf' },
            { result: 'softfail', scope: 'helo', helo: 'mail.sender.test', source: 'policyd-spf' },
          ],
        },
      }),
    ),
  );
  assert.deepEqual(
    out.map((f) => f.weight),
    [8, 3.2],
  );
  assert.equal(out[1]?.fields.helo, 'mail.sender.test');
});

test('fail is not softfail', () => {
  assert.deepEqual(
    spfSoftfail(ctxOf(rec({ auth: { spf: [{ result: 'fail', scope: 'mfrom', source: 'x' }] } }))),
    [],
  );
});
