import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastIndexOf } from './base.js';

test('lastIndexOf finds what String#lastIndexOf finds, limited to matches at or after from', () => {
  const texts = [
    '',
    'x',
    ' from a from b; from=<c> to=<d>',
    ' from  from  from  from  from  from ',
    'aaaaaaaaaaaa',
    '; from=<a>; from=<b>; from=<c>; from=<d>; from=<e>; from=<f>',
  ];
  const needles = [' from ', 'aa', '; from=<', 'x', 'zz'];
  for (const s of texts) {
    for (const needle of needles) {
      for (let upTo = -2; upTo <= s.length + 2; upTo++) {
        for (const from of [-1, 0, 1, 5, 12]) {
          const k = s.lastIndexOf(needle, upTo);
          const want = k >= Math.max(0, from) ? k : -1;
          assert.equal(
            lastIndexOf(s, needle, from, upTo),
            want,
            `${JSON.stringify(s)} ${needle} ${from} ${upTo}`,
          );
        }
      }
      assert.equal(lastIndexOf(s, needle), s.lastIndexOf(needle));
    }
  }
});
