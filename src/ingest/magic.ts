/**
 * What the first bytes of an input say about it: gzip (read transparently), another
 * binary format (refused with a plain reason), or text. A log that merely contains some
 * stray bytes later on is text: only the known magic numbers, or a start that is mostly
 * NUL/control bytes or bytes that are not UTF-8 (random, encrypted or compressed data of a
 * format not named here), make an input binary.
 */

/** How many leading bytes are inspected. */
export const SNIFF_BYTES = 4096;
/** Share of NUL/control bytes in the first SNIFF_BYTES above which an input is binary. */
const BINARY_CONTROL_RATIO = 0.3;
/**
 * Share of control bytes plus bytes outside any well-formed UTF-8 sequence above which an
 * input is binary. Random bytes score about 0.6 (a tenth controls, half high bytes that
 * rarely form UTF-8). A log in a legacy 8-bit charset (a KOI8-R or Latin-1 subject in every
 * header_checks line) stays well below: each line's syslog prefix, queue id and addresses
 * are ASCII, so even a page of such lines is under a third high bytes.
 */
const BINARY_NON_TEXT_RATIO = 0.45;

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

interface Magic {
  bytes: number[];
  what: string;
}

/** Formats named in the error so the user knows what to do (e.g. decompress first). */
const MAGICS: Magic[] = [
  { bytes: [0xff, 0xfe], what: 'UTF-16 text (convert it first, e.g. `iconv -f UTF-16 -t UTF-8 FILE`)' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text (convert it first, e.g. `iconv -f UTF-16 -t UTF-8 FILE`)' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'a zip archive' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  {
    bytes: [0x42, 0x5a, 0x68],
    what: 'bzip2-compressed, and bzip2 is not installed (apt-get install bzip2, or `bzcat FILE | spoofwatch scan -`)',
  },
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: 'xz-compressed, and xz is not installed (apt-get install xz-utils, or `xzcat FILE | spoofwatch scan -`)',
  },
  {
    bytes: [0x28, 0xb5, 0x2f, 0xfd],
    what: 'zstd-compressed, and zstd is not installed (apt-get install zstd, or `zstdcat FILE | spoofwatch scan -`)',
  },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], what: 'an SQLite database' },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], what: 'a Mach-O executable' },
  { bytes: [0xca, 0xfe, 0xba, 0xbe], what: 'a Java class or Mach-O file' },
  { bytes: [0x00, 0x61, 0x73, 0x6d], what: 'a WebAssembly module' },
  {
    bytes: [0x4c, 0x50, 0x4b, 0x53, 0x48, 0x48, 0x52, 0x48],
    what: 'a systemd journal file (use `journalctl -o json`)',
  },
];

/**
 * Why the leading bytes are not a text log (e.g. "a zip archive"), or null when they may be.
 * `head` is at most SNIFF_BYTES of the (decompressed) input.
 */
export function binaryReason(head: Buffer): string | null {
  for (const m of MAGICS) {
    if (head.length < m.bytes.length) continue;
    let ok = true;
    for (let i = 0; i < m.bytes.length; i++) {
      if (head[i] !== m.bytes[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return m.what;
  }
  const n = Math.min(head.length, SNIFF_BYTES);
  if (n === 0) return null;
  let control = 0;
  let notUtf8 = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b >= 0x80) {
      const len = utf8SequenceLength(head, i, n);
      if (len === 0) notUtf8++;
      else i += len - 1;
      continue;
    }
    // NUL and C0 controls other than tab, LF, VT, FF, CR and ESC (colour codes), plus DEL.
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) || b === 0x7f) {
      control++;
    }
  }
  if (control / n > BINARY_CONTROL_RATIO) return 'binary data (mostly NUL/control bytes)';
  if ((control + notUtf8) / n > BINARY_NON_TEXT_RATIO)
    return 'binary data (mostly bytes that are neither text nor UTF-8: encrypted, compressed or random)';
  return null;
}

/**
 * Length of the well-formed UTF-8 sequence starting at head[i] (a byte >= 0x80), or 0 when
 * it is not one. A sequence cut by the end of the sniffed bytes counts as well-formed.
 */
function utf8SequenceLength(head: Buffer, i: number, n: number): number {
  const b = head[i]!;
  const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (len === 0) return 0;
  for (let k = 1; k < len; k++) {
    if (i + k >= n) return k;
    const c = head[i + k]!;
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return len;
}
