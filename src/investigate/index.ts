/**
 * `spoofwatch investigate ID`: one message's whole story. Finds the message by queue id
 * (any of its queue ids, any host) or Message-ID, gives the verdict `scan` gives (the same
 * detector, fed every record in the same order, since it learns as it goes), lists every
 * line of the message in time order across daemons, hosts and hops — the correlator's
 * evidence plus lines a second look finds by queue id / Message-ID — the identities the
 * message claimed side by side, and each evidence line with its SHA-256.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { runPipeline } from '../pipeline.js';
import { createDetector, type Detector } from '../detect/index.js';
import type { Config } from '../detect/config.js';
import type { MessageRecord } from '../correlate/record.js';
import type { Verdict } from '../detect/verdict.js';
import type { LogEvent } from '../parse/event.js';
import type { CorrelatorOptions } from '../correlate/index.js';
import type { ReadOptions } from '../ingest/index.js';
import type { LineSelection } from '../ingest/select.js';
import { SpoofwatchError } from '../errors.js';
import { terminalSafe } from '../output/safe-text.js';
import { bareMessageId } from '../output/record-fields.js';
import { isoTime } from '../output/json-line.js';
import {
  MAX_INVESTIGATE_CHARS,
  MAX_INVESTIGATE_LINES,
  MAX_INVESTIGATE_RECORDS,
  eventMatches,
  parseQuery,
  recordMatches,
  type Query,
} from './match.js';
import { evidenceFromLine, refKey, type EvidenceLine } from './evidence.js';
import { identitiesOf, type Identities } from './identities.js';
import { LOOKBACK_WINDOW_MS, SessionLookback } from './session-lookback.js';
import { HopLinker } from './hops.js';

/** How a record came to be part of the story: the query itself, or a hop of a match on another host. */
export type MatchedBy = 'queue-id' | 'message-id' | 'hop';

export interface InvestigateOptions {
  config: Config;
  onError?: (err: SpoofwatchError) => void;
  correlator?: CorrelatorOptions;
  read?: Omit<ReadOptions, 'onError'>;
  /** Use this detector instead of createDetector(config) (tests). */
  detector?: Detector;
}

export interface MessageStory {
  id: string;
  host: string;
  mta: string;
  matchedBy: MatchedBy;
  queueIds: string[];
  messageId?: string;
  disposition: string;
  firstSeen: string | null;
  lastSeen: string | null;
  agedOut: boolean;
  capped: boolean;
  identities: Identities;
  verdict: Pick<Verdict, 'verdict' | 'score' | 'findings' | 'missing' | 'orgDomainMethod'>;
  recipients: MessageRecord['recipients'];
  actions: MessageRecord['actions'];
}

export interface InvestigateReport {
  query: string;
  files: string[];
  messages: MessageStory[];
  /** Every line of the message(s), in time order across daemons, hosts and hops. */
  timeline: EvidenceLine[];
  notes: string[];
}

function iso(ms: number | null): string | null {
  return isoTime(ms) ?? null;
}

export function storyOf(v: Verdict, matchedBy: MatchedBy): MessageStory {
  const r = v.record;
  return {
    id: r.id,
    host: r.host,
    mta: r.mta,
    matchedBy,
    queueIds: r.queueIds,
    ...(r.messageId !== undefined ? { messageId: r.messageId } : {}),
    disposition: r.disposition,
    firstSeen: iso(r.firstSeen),
    lastSeen: iso(r.lastSeen),
    agedOut: r.agedOut === true,
    capped: r.capped === true,
    identities: identitiesOf(r),
    verdict: {
      verdict: v.verdict,
      score: v.score,
      findings: v.findings,
      missing: v.missing,
      ...(v.orgDomainMethod !== undefined ? { orgDomainMethod: v.orgDomainMethod } : {}),
    },
    recipients: r.recipients,
    actions: r.actions,
  };
}

/**
 * The verdict as investigate keeps it (a match, or a record in the hop ring), holding no
 * more than the ring counts (recordChars). V8 keeps a substring as a view into the line it
 * was cut from, so what a kept record really holds is the lines its strings were cut from.
 * - A record that kept all its lines (not `capped`): its strings are cut from those lines,
 *   which it keeps and the ring counts, or from its session's lines (a session's first
 *   lines set its client, HELO and TLS fields, and a record may carry a session other
 *   lines of which it does not cite): the session, a few short strings, is copied.
 *   Everything else is shared, not copied: a deep copy of every record cost more than the
 *   whole scan (17 % of investigate's CPU, and its garbage a third).
 * - A capped record left lines out (hundreds of long hostile lines, or more than 500): its
 *   values may be cut from lines it does not hold. It is deep-copied without its raw lines
 *   (read again in the second pass), so it holds only what the ring counts.
 */
export function keptVerdict(v: Verdict): Verdict {
  const r = v.record;
  if (r.capped !== true) return { ...v, record: { ...r, session: structuredClone(r.session) } };
  // Evidence refs are not cut from lines; copied, each would get its own copy of the file name.
  const { evidence, ...rest } = r;
  const copy = structuredClone({ ...v, record: { ...rest, lines: [] } });
  return { ...copy, record: { ...copy.record, evidence } };
}

/**
 * How far before the first and after the last line of the matched records the second pass
 * reads. A record's own lines (its session's connect included) lie between its first and
 * last; the second look adds session lines within LOOKBACK_WINDOW_MS of the lines that bind
 * them, and a late disconnect or proxy line.
 */
export const SECOND_LOOK_MARGIN_MS = 2 * LOOKBACK_WINDOW_MS;

/**
 * The lines the second pass needs: the matched records' time span and the margin, within
 * `sel` (the run's own selection). Lines outside it are read and skipped before parsing:
 * on a month of logs the second pass costs a read, not a parse of every line. Undefined
 * (read everything) when a record has no time. Lines without a readable stamp are always
 * kept (select.ts).
 */
export function secondLookSelection(
  verdicts: readonly Verdict[],
  sel: LineSelection | undefined,
): LineSelection | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of verdicts) {
    const { firstSeen, lastSeen } = v.record;
    if (firstSeen === null || lastSeen === null) return sel;
    if (firstSeen < lo) lo = firstSeen;
    if (lastSeen > hi) hi = lastSeen;
  }
  if (lo > hi) return sel;
  const since = Math.max(lo - SECOND_LOOK_MARGIN_MS, sel?.since ?? -Infinity);
  const until = Math.min(hi + SECOND_LOOK_MARGIN_MS + 1, sel?.until ?? Infinity);
  return { ...sel, since, until };
}

/** Logging processes whose last line is remembered (for a milter's connect line). */
const MAX_PROCESSES_REMEMBERED = 4096;

function processKey(e: LogEvent): string {
  return `${e.line.host}\u0000${e.line.program}\u0000${e.line.pid ?? ''}`;
}

/** Queue ids / Message-IDs searched as text in lines no parser tied to the message. */
const MAX_NEEDLES = 32;

function isIdChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** True when `text` names one of the ids as a whole word (not inside a longer id). */
export function mentionsAny(text: string, ids: readonly string[]): boolean {
  for (const id of ids) {
    let from = 0;
    for (;;) {
      const i = text.indexOf(id, from);
      if (i < 0) break;
      const before = i === 0 ? 0 : text.charCodeAt(i - 1);
      const after = i + id.length >= text.length ? 0 : text.charCodeAt(i + id.length);
      if (!isIdChar(before) && !isIdChar(after)) return true;
      from = i + 1;
    }
  }
  return false;
}

/**
 * Pure core: given the matched verdicts, gather the message's lines from the events of a
 * second pass over the same input.
 */
export class TimelineBuilder {
  private readonly lines = new Map<string, EvidenceLine>();
  private readonly order: { key: string; t: number; seq: number }[] = [];
  private readonly evidence = new Map<string, string[]>();
  private readonly queueIds = new Set<string>();
  private readonly messageIds = new Set<string>();
  private readonly lastTimeByFile = new Map<string, number>();
  private readonly sessions = new SessionLookback();
  private readonly fileOrder = new Map<string, number>();
  private readonly needles: string[];
  /** The last line no id tied, per logging process (host, program, pid), bounded. */
  private readonly lastByProcess = new Map<string, LogEvent>();
  /** Characters of raw text in `lines`. */
  private chars = 0;
  capped = false;

  constructor(verdicts: readonly Verdict[], q: Query) {
    for (const v of verdicts) {
      const r = v.record;
      for (const qid of r.queueIds) this.queueIds.add(qid);
      if (r.queueId !== undefined) this.queueIds.add(r.queueId);
      for (const ref of r.evidence) {
        const k = refKey(ref.file, ref.line);
        const ids = this.evidence.get(k);
        if (ids === undefined) this.evidence.set(k, [r.id]);
        else if (!ids.includes(r.id)) ids.push(r.id);
      }
      const bare = bareMessageId(r.messageId);
      if (bare !== undefined && bare !== '') this.messageIds.add(bare);
    }
    if (q.messageIdOnly || verdicts.some((v) => recordMatches(v.record, q) === 'message-id'))
      this.messageIds.add(q.messageId);
    // Lines no parser understood (other programs, header loggers) that name the message.
    this.needles = [...this.queueIds, ...[...this.messageIds].filter((m) => m.length >= 8)].slice(
      0,
      MAX_NEEDLES,
    );
  }

  /** Second pass: every event, in input order. */
  onEvent = (e: LogEvent): void => {
    const src = e.line.src;
    const t = e.line.time;
    if (t !== null) this.lastTimeByFile.set(src.file, t);
    const k = refKey(src.file, src.line);
    const attachedTo = this.evidence.get(k);
    if (
      attachedTo === undefined &&
      !eventMatches(e, this.queueIds, this.messageIds) &&
      !(e.queueId === undefined && mentionsAny(e.line.message, this.needles))
    ) {
      this.sessions.observe(e, (found) => this.add(found, undefined));
      this.rememberProcess(e);
      return;
    }
    this.add(e, attachedTo);
    this.sessions.close(e);
    this.takeMilterConnect(e);
    // The message is bound to an SMTP session: bring in that session's lines (connect,
    // HELO, TLS, the SPF check, the proxy in front) that carry no queue id.
    if (e.kind === 'message.client' || (e.kind === 'envelope' && e.clientIp !== undefined))
      this.sessions.bind(e, (found) => this.add(found, undefined));
  };

  private rememberProcess(e: LogEvent): void {
    // Only SPF checkers' lines are asked for later: no key built for every other line.
    if (e.producer !== 'policyd-spf') return;
    const key = processKey(e);
    if (this.lastByProcess.has(key) || this.lastByProcess.size < MAX_PROCESSES_REMEMBERED)
      this.lastByProcess.set(key, e);
  }

  /**
   * An SPF milter or policy service logs the client it is asked about on a line of its own
   * just before its result (pyspf-milter: "connect from NAME at ('192.0.2.1', 51234)"): when
   * the result is the message's, that process's previous line naming the same client is too.
   */
  private takeMilterConnect(e: LogEvent): void {
    if (e.kind !== 'auth.spf' || e.clientIp === undefined) return;
    const prev = this.lastByProcess.get(processKey(e));
    if (prev === undefined) return;
    const t = e.line.time;
    const pt = prev.line.time;
    if (t !== null && pt !== null && t - pt > LOOKBACK_WINDOW_MS) return;
    if (mentionsAny(prev.line.message, [e.clientIp])) this.add(prev, undefined);
  }

  private add(e: LogEvent, attachedTo: string[] | undefined): void {
    const src = e.line.src;
    const k = refKey(src.file, src.line);
    if (this.lines.has(k)) return;
    if (this.lines.size >= MAX_INVESTIGATE_LINES || this.chars + e.line.raw.length > MAX_INVESTIGATE_CHARS) {
      this.capped = true;
      return;
    }
    this.chars += e.line.raw.length;
    const attached = attachedTo ?? this.evidence.get(k);
    this.lines.set(k, evidenceFromLine(e.line, attached !== undefined, attached ?? [], e.kind));
    const t = e.line.time ?? this.lastTimeByFile.get(src.file) ?? Number.NEGATIVE_INFINITY;
    // Ties (same second) keep input order: files in the order they were read, then line number.
    let fileNo = this.fileOrder.get(src.file);
    if (fileNo === undefined) {
      fileNo = this.fileOrder.size;
      this.fileOrder.set(src.file, fileNo);
    }
    this.order.push({ key: k, t, seq: fileNo * 2 ** 32 + src.line });
  }

  timeline(): EvidenceLine[] {
    return [...this.order]
      .sort((a, b) => a.t - b.t || a.seq - b.seq)
      .map((o) => this.lines.get(o.key)!)
      .filter((l) => l !== undefined);
  }
}

/**
 * Standard input, a named pipe (mkfifo, a shell's <(zcat ...)), a socket or a character
 * device can be read only once, and investigate reads its input twice: such an input is
 * first copied to a private temporary file (bytes as they come, .gz included), and that
 * file is read. A path that cannot be stat()ed is left to the reader, which names the error.
 */
async function readOnce(path: string): Promise<boolean> {
  if (path === '-') return true;
  try {
    const st = await stat(path);
    return st.isFIFO() || st.isSocket() || st.isCharacterDevice();
  } catch {
    return false;
  }
}

export async function runInvestigate(
  id: string,
  paths: string[],
  opts: InvestigateOptions,
): Promise<InvestigateReport> {
  const q = parseQuery(id);
  if (q.queueId === '') throw new SpoofwatchError('USAGE', 'investigate: give a queue id or Message-ID');
  let dir: string | null = null;
  try {
    // The spooled copy of each read-once input, and back from the copy to the name given.
    const spooled = new Map<string, string>();
    const shownAs = new Map<string, string>();
    for (const path of paths) {
      if (spooled.has(path) || !(await readOnce(path))) continue;
      dir ??= await mkdtemp(join(tmpdir(), 'spoofwatch-investigate-'));
      const copy = join(dir, `input-${spooled.size}`);
      const from = path === '-' ? (opts.read?.stdin ?? process.stdin) : createReadStream(path);
      await pipeline(from, createWriteStream(copy, { mode: 0o600 }));
      spooled.set(path, copy);
      shownAs.set(copy, path);
    }
    const inputs = paths.map((p) => spooled.get(p) ?? p);
    const report = await investigateInputs(id, q, inputs, paths, opts);
    for (const l of report.timeline) l.file = shownAs.get(l.file) ?? l.file;
    return report;
  } finally {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  }
}

async function investigateInputs(
  id: string,
  q: Query,
  inputs: string[],
  shownPaths: string[],
  opts: InvestigateOptions,
): Promise<InvestigateReport> {
  const detector = opts.detector ?? createDetector(opts.config);
  const matched: { v: Verdict; by: MatchedBy }[] = [];
  let tooMany = 0;
  const { stdin: _stdin, ...read } = opts.read ?? {};
  const pipelineBase = {
    ...(opts.onError !== undefined ? { onError: opts.onError } : {}),
    read,
  };
  const hops = new HopLinker();
  const take = (v: Verdict, by: MatchedBy): void => {
    if (matched.length >= MAX_INVESTIGATE_RECORDS) tooMany++;
    else matched.push({ v, by });
    hops.absorb(v.record);
  };
  // Pass 1: every record through the detector in scan order (it learns as it goes), keep the
  // matches and their hops on other hosts (handed on by "queued as", or the same Message-ID).
  await runPipeline(inputs, {
    ...pipelineBase,
    ...(opts.correlator !== undefined ? { correlator: opts.correlator } : {}),
    onEvent: (e) => {
      if (e.kind !== 'unrecognised') hops.seeHost(e.line.host);
    },
    onRecord: (record) => {
      // Every record goes through the detector (it learns as it goes); only those kept are copied.
      const verdict = detector.detect(record);
      const direct = recordMatches(record, q);
      const by: MatchedBy | null = direct ?? (matched.length > 0 && hops.links(record) ? 'hop' : null);
      if (by === null) {
        if (hops.mayLinkLater()) hops.remember(keptVerdict(verdict));
        return;
      }
      const v = keptVerdict(verdict);
      take(v, by);
      for (const earlier of hops.drain()) take(earlier, 'hop');
    },
  });
  if (matched.length === 0) {
    throw new SpoofwatchError(
      'NOT_FOUND',
      `no message with queue id or Message-ID "${terminalSafe(id)}" in ${shownPaths.length === 1 ? terminalSafe(shownPaths[0]!) : `${shownPaths.length} inputs`}`,
    );
  }
  const verdicts = matched.map((m) => m.v);
  const builder = new TimelineBuilder(verdicts, q);
  const notes: string[] = [];
  // Pass 2: the raw lines (with their read details) and lines the correlator did not attach.
  const select = secondLookSelection(verdicts, read.select);
  await runPipeline(inputs, {
    ...pipelineBase,
    read: select === undefined ? read : { ...read, select },
    correlate: false,
    onEvent: builder.onEvent,
  });
  const timeline = builder.timeline();
  if (builder.capped) notes.push(`Only the first ${timeline.length} lines are shown.`);
  if (tooMany > 0)
    notes.push(
      `${tooMany} further message(s) matched and are not shown (at most ${MAX_INVESTIGATE_RECORDS}).`,
    );
  if (verdicts.some((v) => v.record.capped === true))
    notes.push(
      'A record was capped by a limit (evidence or recipients): the second look may add lines it dropped.',
    );
  const hopHosts = [...new Set(matched.filter((m) => m.by === 'hop').map((m) => m.v.record.host))];
  if (hopHosts.length > 0)
    notes.push(
      `Followed to ${hopHosts.length === 1 ? 'another host' : 'other hosts'} (${hopHosts.map((h) => terminalSafe(h)).join(', ')}) by "queued as" or the same Message-ID.`,
    );
  if (timeline.some((l) => !l.exact))
    notes.push(
      'Lines marked inexact held bytes that are not UTF-8 (shown as \\xNN) or were cut at the line limit: their SHA-256 is over the line as decoded, not over the bytes in the file.',
    );
  return {
    query: id,
    files: shownPaths,
    messages: matched.map((m) => storyOf(m.v, m.by)),
    timeline,
    notes,
  };
}

export { renderInvestigate, type InvestigateFormat } from './render.js';
export type { EvidenceLine } from './evidence.js';
export type { Identities } from './identities.js';
