import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvSafe, markdownCodeBlock, markdownSafe, terminalSafe } from './safe-text.js';

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
  assert.equal(csvSafe('\t=1'), '"\'\t=1"');
  assert.equal(csvSafe('\r=1'), '"\'\r=1"');
  assert.equal(csvSafe('  =1+1'), '"\'  =1+1"');
  assert.equal(csvSafe('\uff1d1+1'), '"\'\uff1d1+1"');
  assert.equal(csvSafe('a=1'), '"a=1"');
});

test('markdownSafe makes HTML and Markdown payloads literal', () => {
  const out = markdownSafe(
    '<img src=x onerror=alert(1)> [click](http://203.0.113.9) **bold** `code` a|b _i_',
  );
  assert.doesNotMatch(out, /<|>/);
  assert.ok(out.includes('&lt;img'));
  assert.ok(out.includes('\\[click\\]\\(http://203.0.113.9\\)'));
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
