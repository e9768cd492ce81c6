/**
 * JSON written as UTF-8 bytes into one reusable buffer, for the documents scan writes once
 * per message. Appending to a JS string builds a tree of pieces that V8 copies again when
 * the sink joins it, and every value string needed a separate escape test; here each
 * character is tested and copied in one pass, and the document becomes one flat string in
 * one copy at the end. The escapes are JSON.stringify's (\" \\ \b \t \n \f \r, \u00XX for
 * other controls, \udXXX for a lone surrogate) plus jsonLine's (JSON_ESCAPED: DEL, C1, line
 * separators, format, bidi and invisible characters), so a document is the same text
 * JSON.stringify + jsonLine would give for the same values, on exactly one line.
 */
import { JSON_ESCAPED } from './json-line.js';

/** Buffer size to start with; a document that needed more than KEEP_MAX does not keep it. */
const START_BYTES = 64 * 1024;
const KEEP_MAX_BYTES = 1024 * 1024;

const HEX = '0123456789abcdef';

/*
 * The characters jsonLine escapes beyond JSON.stringify (JSON_ESCAPED in json-line.ts: DEL,
 * C1, line separators, format, bidi and invisible characters), tested per UTF-16 unit from
 * a table of the BMP made from that same pattern the first time a document holds a
 * character past ASCII (a few ms, once); an astral character is tested by the pattern.
 */
const ESCAPED_ONE = new RegExp(JSON_ESCAPED.source, 'u');
let escapedBmp: Uint8Array | null = null;

function bmpTable(): Uint8Array {
  const t = new Uint8Array(0x10000);
  for (let c = 0x7f; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (ESCAPED_ONE.test(String.fromCharCode(c))) t[c] = 1;
  }
  return t;
}

export class JsonWriter {
  private buf: Buffer = Buffer.allocUnsafe(START_BYTES);
  private pos = 0;
  /** Only bytes below 0x80 so far (the document reads back as latin1, the cheaper decode). */
  private ascii = true;
  /** The object or array being written already holds a value: the next one needs a comma. */
  private comma = false;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** ASCII text written as is: constant keys and punctuation, numbers. */
  raw(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A key (`"name":`, quoted by the caller: a constant), with the comma before it when needed. */
  key(quotedName: string): void {
    if (this.comma) this.raw(',');
    this.raw(quotedName);
    this.comma = true;
  }

  /** Before an array item. */
  item(): void {
    if (this.comma) this.raw(',');
    this.comma = true;
  }

  open(brace: '{' | '['): void {
    this.raw(brace);
    this.comma = false;
  }

  close(brace: '}' | ']'): void {
    this.raw(brace);
    this.comma = true;
  }

  number(n: number): void {
    // Non-negative integers (line numbers, epoch ms, ports) are written digit by digit, in
    // two int32 halves: String(n) made a string per number. (Also -0, written "0" as JSON does.)
    if (n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n) {
      this.room(16);
      if (n < 1e8) this.digits(n, 1);
      else {
        const high = Math.floor(n / 1e8);
        this.digits(high, 1);
        this.digits(n - high * 1e8, 8);
      }
    } else this.raw(Number.isFinite(n) ? String(n) : 'null');
  }

  /**
   * A time as a string value: `date` ("2026-11-27T") then the time of day `msOfDay`
   * (0 <= msOfDay < 86400000) as "HH:MM:SS.mmmZ", the text of Date.toISOString.
   */
  isoTime(date: string, msOfDay: number): void {
    this.room(date.length + 16);
    this.buf[this.pos++] = 0x22;
    this.raw(date);
    const sec = Math.floor(msOfDay / 1000);
    const min = Math.floor(sec / 60);
    this.digits(Math.floor(min / 60), 2);
    this.buf[this.pos++] = 0x3a;
    this.digits(min % 60, 2);
    this.buf[this.pos++] = 0x3a;
    this.digits(sec % 60, 2);
    this.buf[this.pos++] = 0x2e;
    this.digits(msOfDay % 1000, 3);
    this.buf[this.pos++] = 0x5a;
    this.buf[this.pos++] = 0x22;
  }

  /** An integer 0 <= x < 1e8, zero-padded to at least `width` digits. */
  private digits(x: number, width: number): void {
    let len = 1;
    for (let t = 10; t <= x; t *= 10) len++;
    if (len < width) len = width;
    const buf = this.buf;
    let p = this.pos + len;
    this.pos = p;
    for (; len > 0; len--) {
      buf[--p] = 0x30 + (x % 10);
      x = (x / 10) | 0;
    }
  }

  /** A string value or key, quoted and escaped. */
  string(s: string): void {
    // Worst case: every character a 6-byte escape, plus the quotes.
    this.room(s.length * 6 + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 0x22;
    // Hand-written loop: most log values are printable ASCII without quote or backslash,
    // copied here byte for byte; the first other character hands over to stringRest.
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.pos = p;
        this.stringRest(s, i);
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /**
   * s.slice(from).toLowerCase() as a string value. Printable ASCII is lowercased as it is
   * copied; anything else is left to toLowerCase (its rules for other scripts are not simple).
   */
  lowerString(s: string, from: number): void {
    this.room(s.length - from + 2);
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    buf[p++] = 0x22;
    for (let i = from; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.pos = start;
        this.string(s.slice(from).toLowerCase());
        return;
      }
      buf[p++] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  private stringRest(s: string, from: number): void {
    const buf = this.buf;
    let p = this.pos;
    const escape = (code: number): void => {
      buf[p++] = 0x5c;
      buf[p++] = 0x75;
      buf[p++] = HEX.charCodeAt((code >> 12) & 15);
      buf[p++] = HEX.charCodeAt((code >> 8) & 15);
      buf[p++] = HEX.charCodeAt((code >> 4) & 15);
      buf[p++] = HEX.charCodeAt(code & 15);
    };
    for (let i = from; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22 || c === 0x5c) {
        buf[p++] = 0x5c;
        buf[p++] = c;
      } else if (c < 0x20) {
        const short =
          c === 8 ? 0x62 : c === 9 ? 0x74 : c === 10 ? 0x6e : c === 12 ? 0x66 : c === 13 ? 0x72 : 0;
        if (short !== 0) {
          buf[p++] = 0x5c;
          buf[p++] = short;
        } else escape(c);
      } else if (c < 0x7f) {
        buf[p++] = c;
      } else if (c < 0xd800 || c > 0xdfff ? (escapedBmp ??= bmpTable())[c] === 1 : false) {
        escape(c);
      } else if (c < 0x800) {
        this.ascii = false;
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          if (ESCAPED_ONE.test(String.fromCodePoint(cp))) {
            // Tag characters and the like: the pair as two \uXXXX escapes.
            escape(c);
            escape(next);
            i++;
            continue;
          }
          this.ascii = false;
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
          i++;
        } else escape(c); // a lone surrogate is not text: escaped, as JSON.stringify does
      } else {
        this.ascii = false;
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /**
   * JSON text made elsewhere (JSON.stringify + the line-separator escapes), written as
   * UTF-8: its lone surrogates are already escaped, so every surrogate here is a pair.
   */
  json(text: string): void {
    this.room(text.length * 3);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) buf[p++] = c;
      else {
        this.pos = p;
        const n = this.buf.write(text.slice(i), p, 'utf8');
        this.pos = p + n;
        this.ascii = false;
        return;
      }
    }
    this.pos = p;
  }

  /** The document written since the last call, as one string; the writer starts over. */
  take(): string {
    const doc = this.buf.toString(this.ascii ? 'latin1' : 'utf8', 0, this.pos);
    this.reset();
    return doc;
  }

  /**
   * The document written since the last call, as UTF-8 bytes: a view of the writer's buffer,
   * valid until the next document is written (a sink copies it). The writer starts over.
   */
  takeBytes(): Uint8Array {
    const doc = this.buf.subarray(0, this.pos);
    this.reset();
    return doc;
  }

  /** Start over, dropping what was written (also what a document that threw left behind). */
  reset(): void {
    this.pos = 0;
    this.ascii = true;
    this.comma = false;
    if (this.buf.length > KEEP_MAX_BYTES) this.buf = Buffer.allocUnsafe(START_BYTES);
  }
}
