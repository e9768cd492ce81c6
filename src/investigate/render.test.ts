/**
 * The investigate Markdown with a sender who writes Markdown, HTML and links into every value
 * the logs carry: the report must show those values as written, on GitHub or in a wiki, and
 * give none of them a link, a tag, a table cell or a list of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../detect/config.js';
import { terminalSafe } from '../output/safe-text.js';
import { markdownTableCells, readMarkdownInline } from '../output/test-support.js';
import { renderInvestigate, runInvestigate } from './index.js';

const Q = '4F2A1C0B7D';
const FROM =
  '"<script>alert(1)</script> [x](javascript:alert(1)) ![](http://tracker.example/p.gif) ' +
  'http://evil.example/phish www.evil.example `code` a|b &lt;b&gt; @admin \u202eRTL" <user@evil.example>';
const REPLY_TO = '1. item <www.evil.example@x.example>';
const SUBJECT = '<img src=x onerror=alert(1)> # hi > q ``` | --- |';
const HELO = 'http://evil.example/h';
const TAIL = `from www.evil.example[198.51.100.20]; from=<1.x@evil.example> to=<bob@example.com> proto=ESMTP helo=<${HELO}>`;
const LINES = [
  'Nov 27 10:00:00 mx1 postfix/smtpd[2001]: connect from www.evil.example[198.51.100.20]',
  `Nov 27 10:00:01 mx1 postfix/smtpd[2001]: ${Q}: client=www.evil.example[198.51.100.20]`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${Q}: message-id=<1. x|y@www.evil.example>`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${Q}: warning: header From: ${FROM} ${TAIL}`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${Q}: warning: header Reply-To: ${REPLY_TO} ${TAIL}`,
  `Nov 27 10:00:01 mx1 postfix/cleanup[2002]: ${Q}: warning: header Subject: ${SUBJECT} ${TAIL}`,
  `Nov 27 10:00:02 mx1 opendmarc[2005]: ${Q}: example.com fail`,
  `Nov 27 10:00:02 mx1 postfix/qmgr[2006]: ${Q}: from=<1.x@evil.example>, size=1843, nrcpt=1 (queue active)`,
  `Nov 27 10:00:03 mx1 postfix/local[2007]: ${Q}: to=<bob@example.com>, relay=local, delay=0.4, delays=0.1/0/0/0.3, dsn=2.0.0, status=sent (delivered to mailbox)`,
  `Nov 27 10:00:03 mx1 postfix/qmgr[2006]: ${Q}: removed`,
];

async function hostileMarkdown(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-inv-md-'));
  try {
    const path = join(dir, 'mail.log');
    writeFileSync(path, LINES.join('\n') + '\n');
    return renderInvestigate(await runInvestigate(Q, [path], { config: defaultConfig() }), 'md');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines outside the fenced timeline block (whose content is code, shown verbatim). */
function outsideFences(md: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const l of md.split('\n')) {
    if (fence === null) {
      const m = /^(`{3,})/.exec(l);
      if (m !== null) fence = m[1]!;
      else out.push(l);
    } else if (l === fence) fence = null;
  }
  return out;
}

test('investigate markdown: no bare URL, www. name or address is left for GFM to autolink', async () => {
  const md = await hostileMarkdown();
  for (const line of outsideFences(md)) {
    const r = readMarkdownInline(line.replaceAll('\\|', '|'));
    assert.equal(r.strayBackticks, 0, line);
    // cmark-gfm (GitHub) linked http://evil.example/phish, www.evil.example, user@evil.example,
    // and http://tracker.example/p.gif here before.
    assert.doesNotMatch(r.bare, /:\/\/|www\.|@/i, line);
    assert.doesNotMatch(r.bare, /[<>]/, line);
  }
});

test('investigate markdown: hostile values keep their table cell and are shown as written', async () => {
  const md = await hostileMarkdown();
  const lines = md.split('\n');
  let width = 0;
  for (const line of outsideFences(md)) {
    if (!line.startsWith('|')) {
      width = 0;
      continue;
    }
    const cells = markdownTableCells(line);
    if (width === 0) width = cells.length;
    else assert.equal(cells.length, width, line);
  }
  const shown = (name: string): string => {
    const row = lines.find((l) => l.startsWith(`| ${name} |`));
    assert.ok(row, name);
    return readMarkdownInline(markdownTableCells(row)[1]!.replaceAll('\\|', '|')).shown;
  };
  assert.equal(shown('header From'), terminalSafe(FROM));
  assert.equal(shown('Reply-To'), REPLY_TO);
  assert.equal(shown('HELO'), HELO);
  assert.equal(shown('Message-ID'), '1. x|y@www.evil.example');
});

test('investigate markdown: a value after a list marker or in a heading starts no block of its own', async () => {
  const md = await hostileMarkdown();
  const mid = md.split('\n').find((l) => l.startsWith('- Message-ID: '));
  assert.equal(mid, '- Message-ID: 1\\. `x`\\|`y@www.evil.example`');
  for (const line of outsideFences(md)) {
    // Only the report's own structure: headings, list items, table rows, prose.
    assert.doesNotMatch(line, /^ {0,3}(&gt;|>|<|\d+[.)] |[*+] )/, line);
  }
});
