/**
 * One JSON document per line. JSON.stringify already escapes C0 controls and lone
 * surrogates; this also escapes the characters that some line splitters treat as line
 * ends (NEL U+0085, LINE/PARAGRAPH SEPARATOR U+2028/U+2029), so each document stays on
 * exactly one line for any log content.
 */
const LINE_BREAKERS = /[\u0085\u2028\u2029]/g;

function escapeLineBreakers(json: string): string {
  const safe = LINE_BREAKERS.test(json)
    ? json.replace(LINE_BREAKERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
  LINE_BREAKERS.lastIndex = 0;
  return safe;
}

export function jsonLine(value: unknown): string {
  return `${escapeLineBreakers(JSON.stringify(value))}\n`;
}

/**
 * Any value as a one-line JSON literal, or undefined where JSON.stringify would drop it
 * (undefined, functions). For the shapes the hand-written serializers do not spell out.
 */
export function jsonValue(value: unknown): string | undefined {
  const s = JSON.stringify(value) as string | undefined;
  return s === undefined ? undefined : escapeLineBreakers(s);
}

// Many records share a second (syslog stamps have no fraction, and a message's lines come
// together): the last second converted is kept, and only the milliseconds are appended.
let cachedSecond = NaN;
let cachedPrefix = '';

/** Epoch ms as ISO 8601 UTC, or undefined (dropped by JSON) when unknown. */
export function isoTime(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  if (Number.isInteger(ms)) {
    const second = Math.floor(ms / 1000);
    const milli = ms - second * 1000;
    if (second === cachedSecond)
      return `${cachedPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
    const d = new Date(ms);
    if (Number.isNaN(d.getTime())) return undefined;
    const iso = d.toISOString();
    // toISOString always ends in ".mmmZ"; the prefix holds the date and the whole second.
    cachedSecond = second;
    cachedPrefix = iso.slice(0, -4);
    return iso;
  }
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One indented JSON document (a report), with the same line-separator escapes. */
export function prettyJson(value: unknown): string {
  return `${escapeLineBreakers(JSON.stringify(value, null, 2))}\n`;
}
