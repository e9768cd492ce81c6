/**
 * Hand-built records and verdicts for the output, coverage and investigate tests (plain
 * values, no pipeline). Addresses use documentation ranges and example domains.
 */
import fc from 'fast-check';
import type { MessageRecord } from '../correlate/record.js';
import type { Finding, Verdict, VerdictLevel } from '../detect/verdict.js';

export const T0 = Date.UTC(2026, 10, 27, 10, 0, 1);

/**
 * Strings a log can hold, biased toward the pieces that matter to the code under test: any
 * UTF-16 (lone surrogates too) up to `maxChars`, or up to `maxPieces` of `pieces` joined.
 */
export function textBiasedTo(
  pieces: readonly string[],
  maxChars: number,
  maxPieces: number,
): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: maxChars }),
    fc.array(fc.constantFrom(...pieces), { maxLength: maxPieces }).map((a) => a.join('')),
  );
}

export function sampleRecord(over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: 'mx1.example.com/4F2A1C0B7D',
    host: 'mx1.example.com',
    mta: 'postfix',
    queueId: '4F2A1C0B7D',
    queueIds: ['4F2A1C0B7D'],
    messageId: '<20261127100001.abc@mail.example.net>',
    firstSeen: T0,
    lastSeen: T0 + 2000,
    session: {
      clientIp: '192.0.2.10',
      clientHost: 'mail.example.net',
      clientPort: 52100,
      helo: 'mail.example.net',
    },
    envelope: { from: 'bounce@example.net', recipients: ['bob@example.com'], size: 2048, nrcpt: 1 },
    headers: {
      from: [{ value: '"CEO" <ceo@example.com>', truncated: false }],
      'reply-to': [{ value: 'ceo.office@example.org', truncated: false }],
      subject: [{ value: 'Urgent wire transfer', truncated: false }],
    },
    auth: {
      spf: [{ result: 'pass', scope: 'mfrom', domain: 'example.net', source: 'policyd-spf' }],
      dkim: [{ result: 'none', source: 'opendkim' }],
      dmarc: {
        result: 'fail',
        domain: 'example.com',
        policy: 'reject',
        disposition: 'none',
        source: 'opendmarc',
      },
    },
    filters: [],
    actions: [
      { action: 'queued', time: T0 },
      { action: 'delivered', time: T0 + 2000 },
    ],
    recipients: [{ to: 'bob@example.com', status: 'sent', relay: 'local' }],
    disposition: 'delivered',
    producers: ['postfix', 'opendkim', 'opendmarc', 'policyd-spf'],
    evidence: [
      { file: '/var/log/mail.log', line: 10 },
      { file: '/var/log/mail.log', line: 11 },
    ],
    lines: [
      'Nov 27 10:00:01 mx1 postfix/smtpd[123]: 4F2A1C0B7D: client=mail.example.net[192.0.2.10]',
      'Nov 27 10:00:03 mx1 opendmarc[456]: 4F2A1C0B7D: example.com fail',
    ],
    ...over,
  };
}

export function sampleFinding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'dmarc-fail',
    severity: 'high',
    weight: 60,
    baseWeight: 60,
    summary: 'DMARC fail for example.com (p=reject) but delivered',
    fields: { header_from_domain: 'example.com', dmarc: 'fail', policy: 'reject' },
    attack: ['T1672', 'T1684.002'],
    ...over,
  };
}

export function sampleVerdict(
  level: VerdictLevel = 'spoof',
  over: Partial<Verdict> = {},
  record: MessageRecord = sampleRecord(),
): Verdict {
  return {
    record,
    verdict: level,
    score: level === 'spoof' ? 80 : level === 'suspicious' ? 40 : 0,
    findings: level === 'clean' || level === 'unknown' ? [] : [sampleFinding()],
    missing: level === 'unknown' ? ['header.from', 'auth.dmarc'] : [],
    ...over,
  };
}

/** A record with every optional field set (and a second evidence file whose name holds ':'). */
export function fullRecord(s: (i: number) => string = (i) => `v${i}`): MessageRecord {
  return sampleRecord({
    id: s(1),
    host: s(2),
    queueId: s(3),
    queueIds: [s(3), s(4)],
    messageId: s(5),
    session: {
      clientIp: s(6),
      clientHost: s(7),
      clientPort: 25,
      helo: s(8),
      tlsProtocol: s(9),
      tlsCipher: s(10),
      saslMethod: s(11),
      saslUsername: s(12),
      proxy: { kind: 'haproxy', peerIp: s(13), peerPort: 4242, actions: [s(14)], clientMismatch: true },
    },
    local: true,
    envelope: { from: s(15), recipients: [s(16), s(17)], size: 1234, nrcpt: 2 },
    headers: {
      [s(18)]: [
        { value: s(19), truncated: true, milter: true },
        { value: s(20), truncated: false },
      ],
      from: [{ value: `"${s(21)}" <ceo@example.com>`, truncated: false }],
    },
    auth: {
      spf: [
        {
          result: 'fail',
          scope: 'mfrom',
          domain: s(22),
          envelopeFrom: s(23),
          helo: s(24),
          reason: s(25),
          source: s(26),
        },
      ],
      dkim: [{ result: 'fail', domain: s(27), selector: s(28), failure: 'body', source: s(29) }],
      dmarc: {
        result: 'fail',
        domain: s(30),
        policy: s(31),
        disposition: s(32),
        arcOverride: false,
        source: s(33),
      },
      arc: { result: 'pass', source: s(34) },
    },
    filters: [
      {
        source: s(35),
        action: s(36),
        score: 7.5,
        symbols: { [s(37)]: { score: -1.25, options: [s(38)] }, X: {} },
      },
      { source: 'amavis', action: 'pass' },
    ],
    actions: [
      { action: s(39), stage: s(40), by: s(41), code: 550, dsn: s(42), reason: s(43), time: T0 },
      { action: 'queued', time: null },
    ],
    recipients: [{ to: s(44), origTo: s(45), status: s(46), relay: s(47), dsn: s(48), detail: s(49) }],
    disposition: s(50),
    producers: [s(51)],
    evidence: [
      { file: '/var/log/mail.log', line: 10 },
      { file: '/var/log/mail.log', line: 11 },
      { file: 'C:\\logs\\mail:1.log', line: 1 },
      { file: '/var/log/mail.log', line: 12 },
    ],
    lines: [s(52), s(53), s(54), s(55)],
    agedOut: true,
    capped: true,
  });
}

export function fullVerdict(s: (i: number) => string = (i) => `v${i}`): Verdict {
  return sampleVerdict(
    'suspicious',
    {
      findings: [
        sampleFinding({
          rule: s(60),
          summary: s(61),
          fields: { [s(62)]: s(63), n: 1.5, b: false, z: null, inf: Infinity },
          attack: [s(64)],
          guard: { name: s(65), reason: s(66) },
          missing: [s(67)],
        }),
        sampleFinding({ weight: 0 }),
      ],
      missing: [s(68)],
      orgDomainMethod: s(69),
    },
    fullRecord(s),
  );
}

/** Collects everything written to a sink. */
export class StringSink {
  chunks: string[] = [];
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** What a line of Markdown says, as far as the inline grammar that markdownSafe writes goes. */
export interface MarkdownInline {
  /** The text a renderer shows: escapes and entities resolved, code spans unwrapped. */
  shown: string;
  /**
   * The source outside code spans with every escape and entity replaced by U+FFFC: what a
   * Markdown or GFM extension can still act on (a `www.`, a `://`, an `@`, a bare `|`).
   */
  bare: string;
  /** The contents of the code spans. */
  code: string[];
  /** Backtick runs that open no code span (shown as literal backticks). */
  strayBackticks: number;
}

const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };

/**
 * Reads inline Markdown the way CommonMark does for the pieces markdownSafe emits: a
 * backslash before ASCII punctuation is an escape, the four named entities, and code spans
 * (a run of n backticks closed by the next run of exactly n; one space stripped from each
 * side when both are there). Inside a code span nothing is an escape. A test-side reader, so
 * that the tests check what a renderer would show rather than the escaper's own spelling.
 */
export function readMarkdownInline(s: string): MarkdownInline {
  let shown = '';
  let bare = '';
  const code: string[] = [];
  let strayBackticks = 0;
  let i = 0;
  const runAt = (at: number): number => {
    let n = 0;
    while (s[at + n] === '`') n++;
    return n;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length && ASCII_PUNCTUATION.includes(s[i + 1]!)) {
      shown += s[i + 1]!;
      bare += '\ufffc';
      i += 2;
      continue;
    }
    if (c === '&') {
      const ent = Object.keys(ENTITIES).find((e) => s.startsWith(e, i));
      if (ent !== undefined) {
        shown += ENTITIES[ent]!;
        bare += '\ufffc';
        i += ent.length;
        continue;
      }
    }
    if (c === '`') {
      const n = runAt(i);
      let j = i + n;
      let close = -1;
      while (j < s.length) {
        if (s[j] === '`') {
          const m = runAt(j);
          if (m === n) {
            close = j;
            break;
          }
          j += m;
        } else j++;
      }
      if (close < 0) {
        strayBackticks++;
        shown += s.slice(i, i + n);
        bare += s.slice(i, i + n);
        i += n;
        continue;
      }
      let inner = s.slice(i + n, close);
      if (inner.length >= 2 && inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '')
        inner = inner.slice(1, -1);
      code.push(inner);
      shown += inner;
      bare += '\ufffc';
      i = close + n;
      continue;
    }
    shown += c;
    bare += c;
    i++;
  }
  return { shown, bare, code, strayBackticks };
}

/** The cells of a GFM table row: split at each `|` that no backslash escapes (code spans too). */
export function markdownTableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && i + 1 < row.length) {
      cell += c + row[i + 1]!;
      i++;
    } else if (c === '|') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  // A row starts and ends with a pipe: drop the empty pieces outside them.
  return cells.slice(1, -1).map((x) => x.trim());
}
