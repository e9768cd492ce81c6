/**
 * One JSON document per line. JSON.stringify already escapes C0 controls and lone
 * surrogates; this also writes as \uXXXX every other character terminalSafe escapes
 * (src/output/safe-text.ts): DEL and the C1 controls (U+009B is an 8-bit CSI that some
 * terminals obey), the characters some line splitters take for a line end (NEL U+0085,
 * LINE/PARAGRAPH SEPARATOR U+2028/U+2029), and format, bidi and invisible characters
 * (U+202E, U+200B, U+FEFF, tags ...). JSON does not require these escapes and a JSON
 * reader gets the same values; a document piped to a terminal, less or grep shows them as
 * text instead of obeying them, and stays on exactly one line, for any log content. (C0
 * controls are left out of the pattern: inside strings JSON.stringify has escaped them, and
 * outside them a report's indentation is made of newlines.)
 */
export const JSON_ESCAPED = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
const HAS_JSON_ESCAPED = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
/** Anything past printable ASCII: a plain range, scanned 7x faster than the Unicode classes above. */
const PAST_ASCII = /[\u007f-\uffff]/;

/** `\uXXXX` for each UTF-16 unit of `ch` (one code point: a pair for an astral one). */
function unitEscapes(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** JSON text (from JSON.stringify) with the characters of JSON_ESCAPED escaped. */
export function escapeJsonText(json: string): string {
  return PAST_ASCII.test(json) && HAS_JSON_ESCAPED.test(json)
    ? json.replace(JSON_ESCAPED, unitEscapes)
    : json;
}

export function jsonLine(value: unknown): string {
  return `${escapeJsonText(JSON.stringify(value))}\n`;
}

/**
 * Any value as a one-line JSON literal, or undefined where JSON.stringify would drop it
 * (undefined, functions). For the shapes the hand-written serializers do not spell out.
 */
export function jsonValue(value: unknown): string | undefined {
  const s = JSON.stringify(value) as string | undefined;
  return s === undefined ? undefined : escapeJsonText(s);
}

// Every message has one or two times to write, and new Date(ms).toISOString() costs about
// a microsecond: the date part is kept for the last day seen, the time of day is arithmetic.
export const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00Z: from there on toISOString writes a six-digit year. */
export const YEAR_10000 = 253_402_300_800_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedDay = NaN;
let cachedDate = '';

/** The date part of a time's ISO text ("2026-11-27T") for a day 0 <= day < YEAR_10000 / MS_PER_DAY. */
export function isoDay(day: number): string {
  if (day !== cachedDay) {
    cachedDate = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    cachedDay = day;
  }
  return cachedDate;
}

/** Epoch ms as ISO 8601 UTC, or undefined (dropped by JSON) when unknown. */
export function isoTime(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  if (Number.isInteger(ms) && ms >= 0 && ms < YEAR_10000) {
    const day = Math.floor(ms / MS_PER_DAY);
    const date = isoDay(day);
    let t = ms - day * MS_PER_DAY;
    const h = Math.floor(t / 3_600_000);
    t -= h * 3_600_000;
    const m = Math.floor(t / 60_000);
    t -= m * 60_000;
    const sec = Math.floor(t / 1000);
    return `${date}${PAD2[h]!}:${PAD2[m]!}:${PAD2[sec]!}.${PAD3[t - sec * 1000]!}Z`;
  }
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One indented JSON document (a report), with the same escapes. */
export function prettyJson(value: unknown): string {
  return `${escapeJsonText(JSON.stringify(value, null, 2))}\n`;
}
