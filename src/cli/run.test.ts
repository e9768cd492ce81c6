import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalErrorText } from './run.js';

test('an internal error quoting log content reaches stderr with its control characters escaped', () => {
  const err = new Error('cannot fold header "\x1b]0;pwned\x07\x1b[2J" from mx1');
  const text = internalErrorText(err);
  assert.ok(text.startsWith('spoofwatch: internal error: Error: cannot fold header'));
  assert.ok(!text.includes('\x1b') && !text.includes('\x07'), text);
  assert.ok(text.endsWith('\n'));
  assert.equal(internalErrorText('\x1b[31mplain'), 'spoofwatch: internal error: \\x1b[31mplain\n');
});
