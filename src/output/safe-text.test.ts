import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvSafe, markdownCodeBlock, markdownSafe, terminalSafe } from './safe-text.js';
import { markdownTableCells, readMarkdownInline } from './test-support.js';

// eslint-disable-next-line no-control-regex -- the test looks for raw controls
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

test('terminalSafe leaves ordinary text alone (same string)', () => {
  const s = 'Nov 27 10:00:01 mx1 postfix/smtpd[123]: 4F2A1C0B7D: client=mail.example.net[192.0.2.10]';
  assert.equal(terminalSafe(s), s);
  assert.equal(terminalSafe('Jörg Müller <jörg@example.org> 日本'), 'Jörg Müller <jörg@example.org> 日本');
});

test('terminalSafe escapes ESC sequences (colour, title set, screen clear)', () => {
  const s = 'helo=\x1b[2J\x1b]0;pwned\x07\x1b[31mred';
  const out = terminalSafe(s);
  assert.equal(out, 'helo=\\x1b[2J\\x1b]0;pwned\\x07\\x1b[31mred');
  assert.doesNotMatch(out, RAW_CONTROL);
});

test('terminalSafe escapes BEL, backspace, DEL and C1 CSI', () => {
  assert.equal(terminalSafe('a\x07b\x08c\x7fd\u009be'), 'a\\x07b\\x08c\\x7fd\\x9be');
});

test('terminalSafe defeats the CR-overwrite trick and newline injection', () => {
  const s = 'from=<evil@example.net>\rfrom=<ceo@example.com>      \nNov 27 fake line';
  const out = terminalSafe(s);
  assert.ok(out.includes('\\x0d') && out.includes('\\x0a'));
  assert.doesNotMatch(out, RAW_CONTROL);
  assert.ok(out.startsWith('from=<evil@example.net>'), 'the real value stays visible first');
});

test('terminalSafe escapes RTL override, isolates, marks and zero-width characters', () => {
  const s = 'invoice\u202egpj.exe \u2066x\u2069 \u200f \u061c a\u200bb \u2028 \ufeff';
  const out = terminalSafe(s);
  assert.doesNotMatch(out, BIDI);
  assert.ok(out.includes('\\u{202e}'));
  assert.ok(out.includes('\\u{2066}') && out.includes('\\u{2069}'));
  assert.ok(out.includes('\\u{200b}') && out.includes('\\u{2028}') && out.includes('\\u{feff}'));
});

test('terminalSafe escapes every character drawn as nothing: tags, fillers, other format characters', () => {
  // Tag characters spell text no terminal shows ("ASCII smuggling"); Hangul fillers are blank;
  // U+206A-206F and U+1D173 are format controls like the bidi ones.
  const hidden =
    'paypal.com\u{e0001}\u{e0069}\u{e0067}\u{e006e} \u3164\u115f\uffa0 \u206a\u206f \u{1d173} \u034f \ufe0f';
  const out = terminalSafe(hidden);
  assert.equal(
    out,
    'paypal.com\\u{e0001}\\u{e0069}\\u{e0067}\\u{e006e} \\u{3164}\\u{115f}\\u{ffa0} \\u{206a}\\u{206f} \\u{1d173} \\u{34f} \\u{fe0f}',
  );
  assert.doesNotMatch(out, /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u);
});

test('terminalSafe escapes combining marks stacked past three ("Zalgo"), keeps written text', () => {
  // Thirty acute accents on one letter draw over the table rows above and below it.
  const zalgo = `Z${'\u0301'.repeat(30)}!`;
  assert.equal(terminalSafe(zalgo), `Z\u0301\u0301\u0301${'\\u{301}'.repeat(27)}!`);
  // Vietnamese (two marks), Hebrew with a point, dagesh and cantillation mark (three), NFD accents.
  for (const ok of ['Nguy\u1ec5n Th\u1ecb', 'a\u0323\u0302', '\u05e9\u05bc\u05b8\u0591', 'e\u0301te\u0301']) {
    assert.equal(terminalSafe(ok), ok);
  }
  assert.equal(markdownSafe(zalgo).includes('\u0301'.repeat(4)), false, 'Markdown too');
});

test('csvSafe quotes and doubles quotes', () => {
  assert.equal(csvSafe('plain'), '"plain"');
  assert.equal(csvSafe('say "hi", ok'), '"say ""hi"", ok"');
  assert.equal(csvSafe(''), '""');
});

test('csvSafe neutralises formula payloads', () => {
  assert.equal(
    csvSafe('=HYPERLINK("http://203.0.113.5/x","click")'),
    '"\'=HYPERLINK(""http://203.0.113.5/x"",""click"")"',
  );
  assert.equal(csvSafe("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
  assert.equal(csvSafe('-2+3'), '"\'-2+3"');
  assert.equal(csvSafe('@SUM(1+1)'), '"\'@SUM(1+1)"');
  // A leading TAB or CR is escaped (below), which leaves nothing for a spreadsheet to read.
  assert.equal(csvSafe('\t=1'), '"\\x09=1"');
  assert.equal(csvSafe('\r=1'), '"\\x0d=1"');
  assert.equal(csvSafe('  =1+1'), '"\'  =1+1"');
  assert.equal(csvSafe('\uff1d1+1'), '"\'\uff1d1+1"');
  assert.equal(csvSafe('a=1'), '"a=1"');
});

test('csvSafe escapes NUL, ESC, bidi and newlines inside the field', () => {
  assert.equal(csvSafe('a\x00b'), '"a\\x00b"');
  assert.equal(csvSafe('x\x1b[2J\x1b]0;t\x07'), '"x\\x1b[2J\\x1b]0;t\\x07"');
  assert.equal(csvSafe('invoice\u202egpj.exe'), '"invoice\\u{202e}gpj.exe"');
  assert.equal(csvSafe('a\r\nb,"c"'), '"a\\x0d\\x0ab,""c"""');
  // An escaped control before a formula leaves the formula inert; one after leading spaces too.
  assert.equal(csvSafe('\x00=1+1'), '"\\x00=1+1"');
  assert.equal(csvSafe(' \u0085@SUM(A1)'), '" \\x85@SUM(A1)"');
});

/** The shown text and what GFM could still act on, for markdownSafe(s). */
function md(s: string): { out: string; shown: string; bare: string; code: string[] } {
  const out = markdownSafe(s);
  const r = readMarkdownInline(out);
  assert.equal(r.strayBackticks, 0, `no unmatched backtick in ${out}`);
  return { out, shown: r.shown, bare: r.bare, code: r.code };
}

test('markdownSafe: no bare URL, www. name or address is left for GFM to autolink', () => {
  // Each of these became a link (cmark-gfm 0.29 with the autolink extension, as GitHub renders).
  const v =
    'Invoice http://203.0.113.9/pay HTTPS://evil.example/x ftp://evil.example www.evil.example ' +
    'WWW.evil.example ceo@evil.example mailto:ceo@evil.example xmpp:a@evil.example/r';
  const { out, shown, bare, code } = md(v);
  assert.equal(shown, v, 'shown as written');
  assert.doesNotMatch(bare, /:\/\/|www\.|@/i);
  assert.deepEqual(code, ['ceo@evil.example', 'mailto:ceo@evil.example', 'xmpp:a@evil.example/r']);
  assert.equal(
    out,
    'Invoice http\\://203.0.113.9/pay HTTPS\\://evil.example/x ftp\\://evil.example www\\.evil.example ' +
      'WWW\\.evil.example `ceo@evil.example` `mailto:ceo@evil.example` `xmpp:a@evil.example/r`',
  );
});

test('markdownSafe: an address stays readable, as code; a GitHub @mention is code too', () => {
  assert.equal(markdownSafe('bob@example.com'), '`bob@example.com`');
  assert.equal(markdownSafe('"CEO" <ceo@example.com>'), '"CEO" `<ceo@example.com>`');
  assert.equal(markdownSafe('cc @security-team'), 'cc `@security-team`');
  assert.equal(markdownSafe('from a@b.example, c@d.example.'), 'from `a@b.example`, `c@d.example`.');
  assert.equal(markdownSafe('mail.example.net'), 'mail.example.net');
  assert.equal(markdownSafe('198.51.100.20'), '198.51.100.20');
});

test('markdownSafe: backticks and pipes in an address cannot end its code span or a table cell', () => {
  for (const v of [
    'a`b@evil.example',
    '`@`',
    '```x@evil.example```',
    'x@y``z',
    'a|b@evil.example|c',
    '|@|',
    'x\\|y@evil.example',
    '<img src=x onerror=alert(1)>@evil.example',
  ]) {
    const { out, shown, code } = md(v);
    assert.equal(shown, v, out);
    for (const c of code) assert.ok(!c.includes('|'), `no pipe inside a code span: ${out}`);
    // In a table row the value is one cell, and reads back (GFM unescapes \| in a cell first).
    const cells = markdownTableCells(`| ${out} | next |`);
    assert.equal(cells.length, 2, out);
    assert.equal(readMarkdownInline(cells[0]!.replaceAll('\\|', '|')).shown, v);
  }
});

test('markdownSafe: a value cannot start a list, quote, heading or thematic break at a line start', () => {
  assert.equal(markdownSafe('1. item'), '1\\. item');
  assert.equal(markdownSafe('12) item'), '12\\) item');
  assert.equal(markdownSafe('3.'), '3\\.');
  assert.equal(markdownSafe('+ x'), '\\+ x');
  assert.equal(markdownSafe('---'), '\\---');
  assert.equal(markdownSafe('> quoted'), '&gt; quoted');
  assert.equal(markdownSafe('# heading'), '\\# heading');
  assert.equal(markdownSafe('* x'), '\\* x');
  assert.equal(markdownSafe('1.x@evil.example'), '`1.x@evil.example`');
});

test('markdownSafe: images, links, raw HTML and entities are shown, not rendered', () => {
  const v =
    '![](http://tracker.example/p.gif) [x](javascript:alert(1)) <script>alert(1)</script> ' +
    '&lt;b&gt; &#64; <!-- c --> ~~s~~ _e_ [^1] [ ] x';
  const { shown, bare } = md(v);
  assert.equal(shown, v);
  assert.doesNotMatch(bare, /[<>[\]()!*_~`|&]|:\/\//);
});

test('markdownSafe: bidi and zero-width characters are visible escapes, also inside code spans', () => {
  const { shown, out } = md('pay\u202egpj.exe a\u200bb@evil.example');
  assert.equal(shown, 'pay\\u{202e}gpj.exe a\\u{200b}b@evil.example');
  assert.doesNotMatch(out, /[\u202e\u200b]/);
});

test('markdownSafe makes HTML and Markdown payloads literal', () => {
  const out = markdownSafe(
    '<img src=x onerror=alert(1)> [click](http://203.0.113.9) **bold** `code` a|b _i_',
  );
  assert.doesNotMatch(out, /<|>/);
  assert.ok(out.includes('&lt;img'));
  assert.ok(out.includes('\\[click\\]\\(http\\://203.0.113.9\\)'));
  assert.ok(out.includes('\\*\\*bold\\*\\*'));
  assert.ok(out.includes('\\`code\\`'));
  assert.ok(out.includes('a\\|b'));
  assert.ok(out.includes('\\_i\\_'));
});

test('markdownSafe keeps a value on one line and escapes controls', () => {
  const out = markdownSafe('From: a@example.com\n| injected | row |\r\x1b[31m');
  assert.doesNotMatch(out, /[\r\n]/);
  assert.doesNotMatch(out, RAW_CONTROL);
  assert.ok(out.includes('\\|'));
});

test('markdownSafe escapes a leading list marker and entities', () => {
  assert.equal(markdownSafe('- item'), '\\- item');
  assert.equal(markdownSafe('&lt;'), '&amp;lt;');
});

test('markdownCodeBlock fence cannot be closed by a line of backticks', () => {
  const block = markdownCodeBlock(['normal line', '```', 'x ```` y', 'after']);
  const lines = block.split('\n');
  const fence = lines[0]!.replace('text', '');
  assert.equal(fence, '`````');
  assert.equal(lines.at(-2), fence);
  // no content line equals or starts with the fence
  for (const l of lines.slice(1, -2)) assert.ok(!l.startsWith(fence));
});

test('markdownCodeBlock escapes controls inside the block', () => {
  const block = markdownCodeBlock(['a\x1b[2Jb', 'c\nd']);
  assert.doesNotMatch(block.split('\n').slice(1, -2).join(''), RAW_CONTROL);
  assert.equal(block.split('\n').length, 5);
});
