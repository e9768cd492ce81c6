/**
 * The coverage report with host names a log line made up: a syslog host field is any token
 * without a space, so it can be a URL, an address, Markdown or a terminal escape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoverageCollector, renderCoverage, type CoverageReport } from './index.js';
import { BASE_TIME, postfixMessage } from './test-support.js';
import { markdownTableCells, readMarkdownInline } from '../output/test-support.js';

const HOSTS = [
  'http://evil.example/x',
  'www.evil.example',
  'ops@evil.example',
  'a|b`c`@evil.example',
  '<img/src=x/onerror=alert(1)>',
  '1.',
  'evil\x1b]0;pwned\x07\u202e',
];

function report(): CoverageReport {
  const col = new CoverageCollector();
  HOSTS.forEach((host, i) => {
    const m = postfixMessage({
      queueId: `AAAA00000${i}`,
      time: BASE_TIME + i * 1000,
      host,
      headerFrom: 'a@example.net',
    });
    for (const e of m.events) col.onEvent(e);
    col.onRecord(m.record);
  });
  return col.finish(null, { files: ['mail.log'] });
}

test('coverage markdown: host names get no link, tag or cell of their own and read back as written', () => {
  const md = renderCoverage(report(), 'md');
  let width = 0;
  const shownHosts: string[] = [];
  let inFence: string | null = null;
  for (const line of md.split('\n')) {
    if (inFence !== null) {
      if (line === inFence) inFence = null;
      continue;
    }
    const fence = /^`{3,}/.exec(line);
    if (fence !== null) {
      inFence = fence[0];
      continue;
    }
    const r = readMarkdownInline(line.replaceAll('\\|', '|'));
    assert.equal(r.strayBackticks, 0, line);
    // Before: http://evil.example/x, www.evil.example and ops@evil.example became links on GitHub.
    assert.doesNotMatch(r.bare, /:\/\/|www\.|[<>@]/i, line);
    if (!line.startsWith('|')) {
      width = 0;
      continue;
    }
    const cells = markdownTableCells(line);
    if (width === 0) width = cells.length;
    else assert.equal(cells.length, width, line);
    if (cells.length === 7 && cells[1] === 'postfix')
      shownHosts.push(readMarkdownInline(cells[0]!.replaceAll('\\|', '|')).shown);
  }
  assert.deepEqual(
    shownHosts.sort(),
    [...HOSTS.slice(0, -1), 'evil\\x1b]0;pwned\\x07\\u{202e}'].sort(),
    'every host in the inventory table, shown as written (controls as escapes)',
  );
});

test('coverage text: host names reach the terminal with no control, bidi or escape sequence', () => {
  const text = renderCoverage(report(), 'text');
  // eslint-disable-next-line no-control-regex -- the test looks for raw controls (newline aside)
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  assert.ok(text.includes('evil\\x1b]0;pwned\\x07\\u{202e}'));
});
