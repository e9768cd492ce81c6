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
 * input is binary. Random bytes score 0.50-0.54 over 4 KiB (a tenth controls, and half
 * are high bytes that rarely form UTF-8). A log in a legacy 8-bit charset (a KOI8-R or Latin-1 subject in every
 * header_checks line) stays well below: each line's syslog prefix, queue id and addresses
 * are ASCII, so even a page of such lines is under a third high bytes.
 */
const BINARY_NON_TEXT_RATIO = 0.45;

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * A compressed format read through a system tool (decompress.ts). Named here, beside the
 * other magic numbers, so that an input of such a format whose tool is missing is refused
 * naming the package to install.
 */
export interface Decompressor {
  /** The format, as users name it: "xz", "zstd", "bzip2". */
  format: string;
  command: string;
  args: string[];
  /** Its `cat` (xzcat ...), for the user who decompresses by hand. */
  cat: string;
  /** The Debian package that installs the command. */
  pkg: string;
  magic: number[];
}

export const DECOMPRESSORS: readonly Decompressor[] = [
  {
    format: 'xz',
    command: 'xz',
    args: ['-dc'],
    cat: 'xzcat',
    pkg: 'xz-utils',
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  },
  {
    format: 'zstd',
    command: 'zstd',
    args: ['-dcq'],
    cat: 'zstdcat',
    pkg: 'zstd',
    magic: [0x28, 0xb5, 0x2f, 0xfd],
  },
  { format: 'bzip2', command: 'bzip2', args: ['-dc'], cat: 'bzcat', pkg: 'bzip2', magic: [0x42, 0x5a, 0x68] },
];

/** Leading bytes that tell gzip and every DECOMPRESSORS format apart. */
export const COMPRESSION_MAGIC_BYTES = Math.max(2, ...DECOMPRESSORS.map((d) => d.magic.length));

function startsWith(head: Buffer, bytes: readonly number[]): boolean {
  if (head.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[i] !== bytes[i]) return false;
  return true;
}

/** The tool-read format of the leading bytes `head`, or null when they are none of them. */
export function decompressorFor(head: Buffer): Decompressor | null {
  for (const d of DECOMPRESSORS) if (startsWith(head, d.magic)) return d;
  return null;
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
  // Reached with such bytes only when the tool is missing: else they were decompressed.
  const d = decompressorFor(head);
  if (d !== null)
    return `${d.format}-compressed, and ${d.command} is not installed (apt-get install ${d.pkg}, or \`${d.cat} FILE | spoofwatch scan -\`)`;
  for (const m of MAGICS) if (startsWith(head, m.bytes)) return m.what;
  const n = Math.min(head.length, SNIFF_BYTES);
  if (n === 0) return null;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    // NUL and C0 controls other than tab, LF, VT, FF, CR and ESC (colour codes), plus DEL.
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) || b === 0x7f) {
      control++;
    }
  }
  if (control / n > BINARY_CONTROL_RATIO) return 'binary data (mostly NUL/control bytes)';
  // Node's UTF-8 decoder writes one U+FFFD for each ill-formed run of bytes.
  const text = head.toString('utf8', 0, n);
  let notUtf8 = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) notUtf8++;
  if ((control + notUtf8) / n > BINARY_NON_TEXT_RATIO)
    return 'binary data (mostly bytes that are neither text nor UTF-8: encrypted, compressed or random)';
  return null;
}
