/**
 * A linear scanner for Rspamd's symbol list as the task log writes it:
 *
 *   [R_SPF_ALLOW(-0.20){+ip4:192.0.2.0/24;},DMARC_POLICY_ALLOW(-0.50){example.com;none;},MIME_GOOD]
 *
 * Names are [A-Za-z0-9_.-]; the score in `(...)` is optional; options in `{...}` are each
 * followed by `;`. Options are attacker-written (addresses, URLs, header text) and may hold
 * `;`, `,`, `]`, `}` themselves: the scanner takes `;}` followed by `,NAME` or the end of
 * the list as the end of a block, never backtracks, and bounds what it keeps. A crafted
 * option can still imitate a following symbol; callers treat a name seen twice or
 * contradicting symbols of one family as a sign of that (see auth.ts).
 */

/** Symbols kept per line (Rspamd rarely logs more than ~60). */
export const MAX_RSPAMD_SYMBOLS = 256;
/** Options kept per symbol. */
export const MAX_RSPAMD_OPTIONS = 32;
/** Characters kept per option. */
export const MAX_RSPAMD_OPTION_CHARS = 512;
/** A symbol name longer than this ends the list (real names are < 64). */
export const MAX_RSPAMD_SYMBOL_NAME = 128;

export interface ScannedSymbols {
  symbols: Record<string, { score?: number; options?: string[] }>;
  /** Index just past the list (after `]`, or where scanning stopped). */
  end: number;
  /** Names seen more than once (a real task log names each symbol once). */
  duplicates: string[];
  /** Symbols beyond MAX_RSPAMD_SYMBOLS were dropped. */
  capped: boolean;
}

function isNameChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 || // _
    c === 46 || // .
    c === 45 // -
  );
}

/** True when `text[i..]` starts a symbol entry: NAME followed by `(`, `{`, `,` or `]`. */
function startsEntry(text: string, i: number): boolean {
  let j = i;
  const lim = Math.min(text.length, i + MAX_RSPAMD_SYMBOL_NAME + 1);
  while (j < lim && isNameChar(text.charCodeAt(j))) j++;
  if (j === i || j >= text.length) return j > i && j === text.length;
  const c = text.charCodeAt(j);
  return c === 40 || c === 123 || c === 44 || c === 93;
}

/** Where an option block that opened at `open` (`{`) ends: index of its closing `}`, or -1. */
function blockEnd(text: string, open: number, listEnd: number): number {
  if (text.charCodeAt(open + 1) === 125) return open + 1; // `{}`
  let i = text.indexOf(';}', open + 1);
  while (i >= 0 && i < listEnd) {
    const after = i + 2;
    const c = text.charCodeAt(after);
    // end of list `]` / `)` (some redacted logs lose the `]`), end of text, or `,NEXT_SYMBOL`
    if (after >= text.length || c === 93 || c === 41) return i + 1;
    if (c === 44 && startsEntry(text, after + 1)) return i + 1;
    i = text.indexOf(';}', i + 2);
  }
  return -1;
}

/**
 * Scans the list whose `[` is at `open`. Stops at the closing `]`, or at `)` / `, ` where
 * a redacted line lost it, or at the end of the text.
 */
export function scanSymbols(text: string, open: number): ScannedSymbols {
  const symbols: ScannedSymbols['symbols'] = {};
  const duplicates: string[] = [];
  let count = 0;
  let capped = false;
  const listEnd = text.length;
  let i = open + 1;
  while (i < listEnd) {
    const c = text.charCodeAt(i);
    if (c === 93 /* ] */) return { symbols, end: i + 1, duplicates, capped };
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < listEnd && i - nameStart <= MAX_RSPAMD_SYMBOL_NAME && isNameChar(text.charCodeAt(i))) i++;
    if (i === nameStart || i - nameStart > MAX_RSPAMD_SYMBOL_NAME) break;
    const name = text.slice(nameStart, i);
    const entry: { score?: number; options?: string[] } = {};
    if (text.charCodeAt(i) === 40 /* ( */) {
      const close = text.indexOf(')', i + 1);
      if (close < 0 || close - i > 40) break;
      const n = Number(text.slice(i + 1, close));
      if (Number.isFinite(n)) entry.score = n;
      i = close + 1;
    }
    if (text.charCodeAt(i) === 123 /* { */) {
      const close = blockEnd(text, i, listEnd);
      if (close < 0) break;
      const body = text.slice(i + 1, close);
      const options: string[] = [];
      let s = 0;
      while (s < body.length && options.length < MAX_RSPAMD_OPTIONS) {
        let e = body.indexOf(';', s);
        if (e < 0) e = body.length;
        const opt = body.slice(s, e);
        options.push(opt.length > MAX_RSPAMD_OPTION_CHARS ? opt.slice(0, MAX_RSPAMD_OPTION_CHARS) : opt);
        s = e + 1;
      }
      if (options.length > 0) entry.options = options;
      i = close + 1;
    }
    // a plain object for the consumers' sake: the one name that would reach its prototype is
    // dropped (Rspamd has no such symbol)
    if (name === '__proto__') {
      /* dropped */
    } else if (Object.hasOwn(symbols, name)) duplicates.push(name);
    else if (count < MAX_RSPAMD_SYMBOLS) {
      symbols[name] = entry;
      count++;
    } else capped = true;
    const next = text.charCodeAt(i);
    if (next === 44) continue;
    if (next === 93) return { symbols, end: i + 1, duplicates, capped };
    break; // `)` of a redacted line, or something unexpected: stop here
  }
  return { symbols, end: i, duplicates, capped };
}
