/**
 * parseEnvelopeBytes reads the usual line from its bytes and hands every other line to
 * parseEnvelope: both must give the same LogLine and leave the same context, for any bytes.
 * Lines come in runs that share stamps, hosts and tags (so the byte path is taken), with
 * hostile variants: other stamp shapes, fractions, zones, pids, Solaris ids, non-ASCII and
 * invalid UTF-8, NUL, mutated and cut bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createEnvelopeContext,
  parseEnvelope,
  parseEnvelopeBytes,
  type EnvelopeContext,
} from './envelope.js';
import { decodeLine } from './decode.js';
import type { LogLine } from './line.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const REF = Date.UTC(2026, 10, 27, 12, 0, 0);

function contextState(ctx: EnvelopeContext): unknown {
  return {
    year: ctx.year,
    lastMonth: ctx.lastMonth,
    bsdKey: ctx.bsdKey,
    bsdKeyCodes: [...ctx.bsdKeyCodes.subarray(0, ctx.bsdKey.length)],
    bsdTime: ctx.bsdTime,
    isoKey: ctx.isoKey,
    isoKeyCodes: [...ctx.isoKeyCodes.subarray(0, ctx.isoKey.length)],
    isoUtc: ctx.isoUtc,
    isoWall: ctx.isoWall,
  };
}

function fields(l: LogLine): unknown {
  return [l.time, l.host, l.program, l.pid, l.message, l.raw, l.src];
}

/** Feeds the lines (joined by `\n` in one buffer, as the splitter sees them) to both paths. */
function compare(lines: Uint8Array[], tz: 'UTC' | 'local'): number {
  const total = lines.reduce((n, l) => n + l.length + 1, 0);
  // Room after the last line: the byte path must not read past a line's end.
  const buf = Buffer.alloc(total + 64, 0x39);
  let pos = 0;
  const a = createEnvelopeContext(REF, tz);
  const b = createEnvelopeContext(REF, tz);
  let bytePath = 0;
  lines.forEach((bytes, n) => {
    buf.set(bytes, pos);
    const s = pos;
    const e = pos + bytes.length;
    buf[e] = 10;
    pos = e + 1;
    if (s === e) return;
    const text = decodeLine(buf, s, e);
    const src = { file: 'f', line: n + 1 };
    // Read from the bytes when a text that parseEnvelope cannot read (stamp gone) gets a time.
    const probe = parseEnvelopeBytes('\u0001' + text.slice(1), buf, s, e, src, structuredClone(b));
    if (probe.time !== null) bytePath++;
    const got = parseEnvelopeBytes(text, buf, s, e, src, b);
    const want = parseEnvelope(text, src, a);
    assert.deepEqual(fields(got), fields(want), JSON.stringify(text));
    assert.deepEqual(contextState(b), contextState(a));
  });
  return bytePath;
}

const enc = new TextEncoder();

/** `usual` three times in four, else one of the others. */
function mostly<T>(usual: T, ...others: T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
  );
}

const isoStamp = fc
  .tuple(
    mostly(
      '2026-11-20T10:00:',
      '2026-11-20T10:01:',
      '2026-11-20 10:00:',
      '2026-11-20T10:0a:',
      '2026-13-20T10:00:',
    ),
    fc.constantFrom('00', '01', '59', '60', '61', '9', 'x1', '07', '33'),
    fc.constantFrom('', '.', '.5', '.123', '.123456', '.123456789', '.1234567890123', '.x'),
    fc.constantFrom(
      '',
      'Z',
      '+01:00',
      '-05:30',
      '+0100',
      '-0830',
      '+14:59',
      '+15:00',
      '+01:60',
      '+1',
      '-',
      'z',
    ),
  )
  .map((p) => p.join(''));

const bsdStamp = fc
  .tuple(
    mostly(
      'Nov  7 13:52:',
      'Nov 07 13:52:',
      'Nov 7 13:52:',
      'Dec 31 23:59:',
      'Jan  1 00:00:',
      'Nov  7 2025 13:52:',
    ),
    fc.constantFrom('00', '47', '60', '61', '4'),
    fc.constantFrom('', '.5', '.123456', '.'),
    mostly('', ' 2025', ' 1970', ' 1969', ' 20x5', ' 2025x'),
  )
  .map((p) => p.join(''));

const stamp = fc.oneof(
  { weight: 4, arbitrary: isoStamp },
  { weight: 4, arbitrary: bsdStamp },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '<13>',
      '<34>1 2026-11-20T10:00:01Z ',
      '1763629201.123456',
      '@400000004c91b044077a9e94',
      '',
    ),
  },
);

const segment = fc
  .tuple(
    mostly(' ', '', '  ', 'x'),
    fc.constantFrom('', '<mail.info> '),
    fc.constantFrom('mx1 ', 'helga ', 'mx1.example.com ', 'mx1 ', '', 'h\u00e9 ', 'a]: b '),
    fc.constantFrom(
      'postfix/smtpd',
      'postfix-in/smtpd',
      'postfix/submission/smtpd',
      'opendkim',
      'a',
      '',
      'imap-login',
    ),
  )
  .map((p) => p.join(''));

const pidPart = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 99_999_999 }).map((n) => `[${n}]: `) },
  fc.constantFrom(
    '[12345678901]: ',
    '[]: ',
    '[1a]: ',
    ': ',
    '[1]:',
    '[1] ',
    '[1]: [ID 123456 mail.info] ',
    ': Info: ',
  ),
);

const message = fc.oneof(
  fc.constantFrom('connect from a.example.net[192.0.2.1]', 'x', '', '4BC3D1A2B: client=a[1]: b', '#012next'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A hostile line's bytes: any of the parts, sometimes padded, then sometimes mutated or cut. */
const hostileLine = fc
  .tuple(
    stamp,
    segment,
    pidPart,
    message,
    mostly(' padding to make the line long enough for the byte path', ''),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 0x20, 0x3a, 0x5b, 0x5d, 0x80, 0xc3, 0xe9, 0xff, 0x31)), {
      maxLength: 2,
    }),
    fc.option(fc.nat()),
  )
  .map(([st, seg, pid, msg, pad, muts, cut]) => {
    let bytes = enc.encode(st + seg + pid + msg + pad);
    for (const [at, v] of muts) if (bytes.length > 0) bytes[at % bytes.length] = v;
    bytes = bytes.filter((x) => x !== 10);
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    return bytes;
  });

/** A usual line: a few minutes, hosts and tags, any seconds, fraction, zone, pid and message. */
const usualLine = fc
  .tuple(
    fc.constantFrom('2026-11-20T10:00:', '2026-11-20T10:01:', 'Nov  7 13:52:', 'Nov 17 13:53:'),
    fc.integer({ min: 0, max: 59 }).map((n) => String(n).padStart(2, '0')),
    fc.constantFrom('', '.5', '.123', '.123456'),
    fc.constantFrom('', 'Z', '+01:00', '-0830'),
    fc.constantFrom(' mx1 ', ' helga ', ' mx1.example.com ', ' '),
    fc.constantFrom('postfix/smtpd', 'postfix-in/smtpd', 'postfix/submission/smtpd', 'opendkim'),
    fc.integer({ min: 0, max: 99_999_999 }),
    message,
  )
  .map(([minute, sec, frac, zone, host, tag, pid, msg]) => {
    const z = minute.startsWith('2') ? zone : '';
    return enc.encode(`${minute}${sec}${frac}${z}${host}${tag}[${pid}]: ${msg} and the rest of the line`);
  });

test('parseEnvelopeBytes reads every line as parseEnvelope does', () => {
  let taken = 0;
  let total = 0;
  fc.assert(
    fc.property(
      fc.array(fc.oneof(usualLine, hostileLine), { minLength: 1, maxLength: 12 }),
      fc.boolean(),
      (lines, utc) => {
        // Each line twice: the second one meets the stamp and segment its twin left.
        taken += compare(
          lines.flatMap((l) => [l, l]),
          utc ? 'UTC' : 'local',
        );
        total += lines.length * 2;
      },
    ),
    { numRuns: RUNS },
  );
  // About a third of the lines are read from the bytes.
  assert.ok(taken > total / 10, `byte path taken ${taken} times of ${total}`);
});

test('parseEnvelopeBytes: the usual lines are read from the bytes', () => {
  const lines = [
    '2023-03-14T00:00:31.185246+01:00 helga postfix/postscreen[3163107]: CONNECT from [185.48.118.128]:36942',
    '2023-03-14T00:00:31.292246+01:00 helga postfix/postscreen[3163107]: PASS OLD [185.48.118.128]:36942',
    '2023-03-14T00:00:59Z helga postfix/postscreen[17]: PASS OLD [185.48.118.128]:36942',
    '2023-03-14T00:00:59.5 helga postfix/postscreen[17]: PASS OLD [185.48.118.128]:36942',
    'Nov  7 13:52:47 mx1 postfix/smtpd[29846]: connect from mail.example.net[192.0.2.10]',
    'Nov  7 13:52:48.25 mx1 postfix/smtpd[1]: connect from mail.example.net[192.0.2.10]',
    'Nov  7 13:52:49 mx1 postfix/smtpd[1]: [ID 123 mail.info] connect from mail.example.net[192.0.2.10]',
    'Nov  7 13:52:49 2025 mx1 postfix/smtpd[1]: connect from mail.example.net[192.0.2.10]',
    'Nov  7 13:52:50 mx1 postfix/smtpd[1]: ',
    'Nov  7 13:52:50 mx1 postfix/smtpd[1]: caf\u00e9 \u00ff and something to read',
    'Nov  7 13:52:50 mx1 postfix/smtpd[1]: 12345678901234567890123456789',
  ].map((l) => enc.encode(l));
  const taken = compare(lines, 'UTC');
  // Read by parseEnvelope: the first line of each minute and segment, the Solaris id, the
  // year after the time, and a line shorter than the byte path reads.
  assert.equal(taken, 6);
});
