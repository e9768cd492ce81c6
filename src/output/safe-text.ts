/**
 * Safe text for every sink a log string can reach. Each string from a log was written by
 * whoever sent the mail (HELO, addresses, headers), so before it is shown it is made inert:
 *
 * - terminalSafe: C0/C1 controls (ESC, BEL, CR, LF, BS, DEL ...), Unicode bidi
 *   overrides/isolates/marks, zero-width characters, every other format or default-ignorable
 *   character (tag characters U+E0000-E007F, Hangul fillers, variation selectors) and
 *   line/paragraph separators become visible escapes (`\x1b`, `\u{202e}`), so a line cannot
 *   move the cursor, rewrite what is already on screen, set the window title, reorder text,
 *   or hide characters.
 * - csvSafe: one quoted CSV field, controls escaped as for a terminal, spreadsheet formula
 *   injection neutralised (OWASP "CSV Injection": a leading = + - @ gets a `'` prefix; TAB
 *   and CR are already escaped).
 * - markdownSafe: inline Markdown/HTML made literal (tables, emphasis, links, code, tags), and
 *   no bare URL, `www.` name or address that GitHub would autolink.
 * - markdownCodeBlock: a fenced block whose fence is longer than any backtick run inside,
 *   so a line containing ``` cannot close it early.
 *
 * A backslash in the input is kept as is: `\x1b` written literally by a sender therefore
 * looks like an escaped ESC. Where that ambiguity matters (evidence), the raw line is
 * hashed before escaping (see investigate).
 */

/**
 * Characters a terminal (or a reader) must not receive raw: controls (Cc), format characters
 * (Cf: bidi, zero-width, tags), line and paragraph separators, and whatever Unicode says to
 * draw as nothing (Default_Ignorable_Code_Point: Hangul fillers, variation selectors), which
 * would hide text as well as a zero-width space does. One class: linear, no backtracking.
 * Also a combining mark stacked on three others ("Zalgo" text): dozens of them draw over the
 * rows above and below, hiding what a table or report shows there. Written text stacks at
 * most three (Vietnamese two, Hebrew points with a cantillation mark three), so it is kept.
 */
const UNSAFE_TERMINAL =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|(?<=\p{M}\p{M}\p{M})\p{M}/gu;
const HAS_UNSAFE_TERMINAL =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|\p{M}\p{M}\p{M}\p{M}/u;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** Text for a terminal: every control, bidi and invisible character as a visible escape. */
export function terminalSafe(s: string): string {
  if (!HAS_UNSAFE_TERMINAL.test(s)) return s;
  return s.replace(UNSAFE_TERMINAL, escapeChar);
}

/**
 * First characters a spreadsheet reads as the start of a formula (ASCII and full-width forms).
 * OWASP also lists a leading TAB and CR: csvSafe has already escaped them as `\x09`, `\x0d`.
 */
const FORMULA_START = new Set(['=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20']);

/**
 * One CSV field (RFC 4180): always quoted, inner quotes doubled, and a value that a
 * spreadsheet would evaluate (`=HYPERLINK(...)`, `+cmd|...`, `@SUM`) gets a leading `'` so it
 * stays text. Leading spaces are looked through, since some spreadsheets trim them before
 * deciding. Controls, bidi and invisible characters are escaped first as in terminalSafe: a
 * CSV file is also read with cat, less and grep, a NUL makes some readers refuse the line
 * (Python's csv module before 3.11), and no log value holds a newline of its own.
 */
export function csvSafe(s: string): string {
  const t = terminalSafe(s);
  let i = 0;
  while (i < t.length && t.charCodeAt(i) === 0x20) i++;
  const first = t.charAt(i);
  const neutral = first !== '' && FORMULA_START.has(first) ? `'${t}` : t;
  return `"${neutral.replaceAll('"', '""')}"`;
}

const MD_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '`': '\\`',
  '*': '\\*',
  _: '\\_',
  '[': '\\[',
  ']': '\\]',
  '(': '\\(',
  ')': '\\)',
  '#': '\\#',
  '!': '\\!',
  '~': '\\~',
  '|': '\\|',
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
};
/**
 * A double quote means something only in a link title or an HTML attribute, and no link or
 * tag can open here, so it stays a quote: display names read "CEO", not &quot;CEO&quot;.
 */
const MD_SPECIAL = /[\\`*_[\]()#!~|<>&]/g;
/** The two places GFM's autolink extension starts a web link: a scheme's `://` and `www.`. */
const MD_URL_START = /:\/\/|(?<=www)\./gi;

/** Inline text with no `@`: punctuation escaped, HTML as entities, web autolinks broken. */
function markdownText(t: string): string {
  return t
    .replace(MD_SPECIAL, (c) => MD_ESCAPES[c] ?? c)
    .replace(MD_URL_START, (m) => (m === '.' ? '\\.' : '\\://'));
}

/**
 * A code span around t (which holds no space): the fence is one backtick longer than any run
 * inside, and a value that starts or ends with a backtick is padded with one space on each
 * side, which CommonMark strips again. `|` cannot be inside: in a GFM table it would end the
 * cell even in a code span, and escaping it as `\|` works only in tables (elsewhere a code
 * span shows the backslash). So each `|` is written between two code spans as `\|`, which
 * means `|` in a table cell and in plain text alike.
 */
function markdownCode(t: string): string {
  return t
    .split('|')
    .map((piece) => {
      if (piece === '') return '';
      const fence = '`'.repeat(longestRun(piece, 0x60) + 1);
      const pad = piece.startsWith('`') || piece.endsWith('`') ? ' ' : '';
      return `${fence}${pad}${piece}${pad}${fence}`;
    })
    .join('\\|');
}

/**
 * Inline Markdown text (also safe inside a table cell): controls and newlines escaped as in
 * terminalSafe, Markdown punctuation backslash-escaped, HTML made into entities so no tag,
 * link, image, emphasis or table cell boundary comes from the log.
 *
 * GitHub-flavoured Markdown also turns bare `http://x`, `www.x` and `a@b.c` into links (the
 * autolink extension), so an attacker's URL in a Subject or HELO would be clickable in a
 * ticket. The first two are found while inline text is parsed, at the `:` of `://` and at
 * `www.`: a backslash escape there (`http\://`, `www\.`) turns that character into literal
 * text before the extension sees it, and renders as the original characters. Email links are
 * found later, on the text with escapes already resolved, so no escape or entity stops them
 * (cmark-gfm 0.29 links `a\@b\.c` and `a&#64;b.c`); the only thing that does is not being
 * text: each space-separated word holding an `@` is written as a code span, where no
 * autolink, GitHub @mention or escape applies. Addresses stay readable, shown as code.
 */
export function markdownSafe(s: string): string {
  const t = terminalSafe(s)
    .split(/( +)/)
    .map((word) => {
      if (!word.includes('@')) return markdownText(word);
      // Punctuation after an address in a sentence ("from a@b.example, ...") stays text.
      let end = word.length;
      while (end > 0 && ',;:.!?'.includes(word.charAt(end - 1))) end--;
      const head = word.slice(0, end);
      return head.includes('@') ? markdownCode(head) + markdownText(word.slice(end)) : markdownCode(word);
    })
    .join('');
  // At the start of a line "-", "+" or "1. " would start a list ("1) " is already "1\) "); an
  // IP address such as 198.51.100.20 would not (a list marker is followed by a space).
  const c0 = t.charCodeAt(0);
  if (c0 === 0x2d || c0 === 0x2b) return `\\${t}`;
  return t.replace(/^(\d{1,9})\.(?= |$)/, '$1\\.');
}

/** Longest run of one character in s (linear scan). */
function longestRun(s: string, ch: number): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === ch) {
      run++;
      if (run > best) best = run;
    } else run = 0;
  }
  return best;
}

/**
 * A fenced Markdown code block. Lines are made terminal-safe (so a line cannot contain a
 * newline of its own), and the fence is one backtick longer than the longest backtick run
 * in the content (CommonMark: a fence closes only with at least as many backticks).
 */
export function markdownCodeBlock(lines: readonly string[], info = 'text'): string {
  const safe = lines.map(terminalSafe);
  let longest = 0;
  for (const l of safe) {
    const r = longestRun(l, 0x60);
    if (r > longest) longest = r;
  }
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${safe.join('\n')}${safe.length > 0 ? '\n' : ''}${fence}\n`;
}
