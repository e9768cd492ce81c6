/**
 * Bytes of one line -> string, never fatal. Valid UTF-8 decodes as usual; every byte that
 * is not part of a valid UTF-8 sequence (and every NUL) is rendered as the visible text
 * `\xNN`, so an analyst sees exactly which bytes were in the log and nothing is replaced
 * silently by U+FFFD.
 */
import { isUtf8 } from 'node:buffer';

const HEX = '0123456789abcdef';

/** True when buf[start, end) holds valid UTF-8 without NUL bytes (the common case). */
export function isCleanUtf8(buf: Buffer, start: number, end: number): boolean {
  if (start >= end) return true;
  const nul = buf.indexOf(0, start);
  if (nul !== -1 && nul < end) return false;
  return isUtf8(buf.subarray(start, end));
}

/**
 * Buffer's own latin1Slice (what `toString('latin1', s, e)` calls after checking its
 * arguments): the per-line decode of an ASCII chunk, without that per-call overhead.
 */
type Slicer = (this: Buffer, start: number, end: number) => string;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Slicer }).latin1Slice;

/**
 * Decodes buf[start, end). `clean` may be passed when the caller already knows the range is
 * valid UTF-8 without NUL (e.g. the whole chunk was checked once), `ascii` when it is known
 * to be ASCII without NUL (decoded as Latin-1, which reads ASCII the same and faster).
 */
export function decodeLine(buf: Buffer, start: number, end: number, clean = false, ascii = false): string {
  if (ascii)
    return latin1Slice !== undefined ? latin1Slice.call(buf, start, end) : buf.toString('latin1', start, end);
  if (clean || isCleanUtf8(buf, start, end)) return buf.toString('utf8', start, end);
  return decodeLossless(buf, start, end);
}

/** Length of the valid UTF-8 sequence starting at i (1..4), or 0 when the byte there is not one. */
function validSeqLen(buf: Buffer, i: number, end: number): number {
  const b0 = buf[i]!;
  if (b0 < 0x80) return b0 === 0 ? 0 : 1;
  if (b0 < 0xc2) return 0; // continuation byte or overlong 2-byte lead
  if (b0 < 0xe0) {
    if (i + 1 >= end) return 0;
    const b1 = buf[i + 1]!;
    return (b1 & 0xc0) === 0x80 ? 2 : 0;
  }
  if (b0 < 0xf0) {
    if (i + 2 >= end) return 0;
    const b1 = buf[i + 1]!;
    const b2 = buf[i + 2]!;
    if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return 0;
    if (b0 === 0xe0 && b1 < 0xa0) return 0; // overlong
    if (b0 === 0xed && b1 >= 0xa0) return 0; // UTF-16 surrogate
    return 3;
  }
  if (b0 < 0xf5) {
    if (i + 3 >= end) return 0;
    const b1 = buf[i + 1]!;
    const b2 = buf[i + 2]!;
    const b3 = buf[i + 3]!;
    if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return 0;
    if (b0 === 0xf0 && b1 < 0x90) return 0; // overlong
    if (b0 === 0xf4 && b1 >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

// Slow path scratch: UTF-16 code units, decoded to a string in one call at the end.
let scratch = new Uint16Array(1024);
const utf16 = new TextDecoder('utf-16le');
const HEX_CODES = Array.from(HEX, (c) => c.charCodeAt(0));

/** Slow path: valid sequences decode normally, every other byte becomes `\xNN`. */
export function decodeLossless(buf: Buffer, start: number, end: number): string {
  const need = (end - start) * 4;
  if (scratch.length < need) scratch = new Uint16Array(Math.max(need, scratch.length * 2));
  const out = scratch;
  let n = 0;
  let i = start;
  while (i < end) {
    const b0 = buf[i]!;
    if (b0 > 0 && b0 < 0x80) {
      out[n++] = b0;
      i++;
      continue;
    }
    const len = validSeqLen(buf, i, end);
    if (len === 0) {
      out[n++] = 0x5c; // backslash
      out[n++] = 0x78; // x
      out[n++] = HEX_CODES[b0 >> 4]!;
      out[n++] = HEX_CODES[b0 & 15]!;
      i++;
      continue;
    }
    let cp: number;
    if (len === 2) cp = ((b0 & 0x1f) << 6) | (buf[i + 1]! & 0x3f);
    else if (len === 3) cp = ((b0 & 0x0f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
    else {
      cp =
        ((b0 & 0x07) << 18) |
        ((buf[i + 1]! & 0x3f) << 12) |
        ((buf[i + 2]! & 0x3f) << 6) |
        (buf[i + 3]! & 0x3f);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out[n++] = 0xd800 | (cp >> 10);
      out[n++] = 0xdc00 | (cp & 0x3ff);
    } else {
      out[n++] = cp;
    }
    i += len;
  }
  return utf16.decode(new Uint8Array(out.buffer, 0, n * 2));
}
