/**
 * One JSON document per line. JSON.stringify already escapes C0 controls and lone
 * surrogates; this also escapes the characters that some line splitters treat as line
 * ends (NEL U+0085, LINE/PARAGRAPH SEPARATOR U+2028/U+2029), so each document stays on
 * exactly one line for any log content.
 */
const LINE_BREAKERS = /[\u0085\u2028\u2029]/g;

export function jsonLine(value: unknown): string {
  const s = JSON.stringify(value);
  const safe = LINE_BREAKERS.test(s)
    ? s.replace(LINE_BREAKERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : s;
  LINE_BREAKERS.lastIndex = 0;
  return `${safe}\n`;
}

/** Epoch ms as ISO 8601 UTC, or undefined (dropped by JSON) when unknown. */
export function isoTime(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One indented JSON document (a report), with the same line-separator escapes. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(LINE_BREAKERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
