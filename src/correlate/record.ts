/**
 * MessageRecord: everything the logs say about one message on one mail host, assembled
 * from its scattered lines. Produced by the correlator, read by the detectors and outputs.
 *
 * Field names follow parsedmarc's vocabulary where it fits (header_from -> headerFrom ...).
 * Absent means "the logs did not say", never "empty": detectors must turn absence into
 * `unknown` + missing[], not into `clean`.
 */
import type { AuthResult, LogEvent } from '../parse/event.js';
import type { SourceRef } from '../ingest/line.js';

export interface RecordSession {
  clientIp?: string;
  clientHost?: string; // reverse DNS name; "unknown" when the MTA logged that
  clientPort?: number;
  helo?: string;
  tlsProtocol?: string;
  tlsCipher?: string;
  saslMethod?: string;
  saslUsername?: string;
  /** Proxy in front of the MTA (postscreen / HAProxy) when joined. */
  proxy?: {
    kind: 'postscreen' | 'haproxy';
    peerIp?: string; // address the proxy saw
    peerPort?: number;
    actions: string[]; // pass-new, pregreet, protocol-violation ...
    /** True when the proxy's client differs from the MTA's client (PROXY header mismatch). */
    clientMismatch?: boolean;
  };
}

export interface SpfResult {
  result: AuthResult;
  scope: 'mfrom' | 'helo' | 'unknown';
  domain?: string;
  envelopeFrom?: string;
  helo?: string;
  reason?: string;
  /** Which component said so: policyd-spf, opendmarc, exim, rspamd, header (Received-SPF). */
  source: string;
}

export interface DkimResult {
  result: AuthResult;
  domain?: string;
  selector?: string;
  failure?: 'body' | 'header' | 'key' | 'expired' | 'other';
  source: string;
}

export interface DmarcResult {
  result: AuthResult;
  domain?: string;
  policy?: string;
  disposition?: string;
  arcOverride?: boolean;
  source: string;
}

export interface HeaderValue {
  value: string;
  truncated: boolean;
  /**
   * True when the line came from milter_header_checks (a header a milter added on this
   * host), not from the message as received. Detect's forged-auth-results skips these.
   */
  milter?: boolean;
}

export interface RecipientStatus {
  to: string;
  origTo?: string;
  status: string; // sent, deferred, bounced, rejected, discarded, ...
  relay?: string;
  dsn?: string;
  detail?: string;
}

export interface RecordAction {
  /** queued, rejected, delivered, bounced, deferred, discarded, held, quarantined, expired, filtered */
  action: string;
  /** SMTP stage for rejects: connect, helo, mail, rcpt, data, end-of-data, header, body */
  stage?: string;
  by?: string;
  code?: number;
  dsn?: string;
  reason?: string;
  time: number | null;
}

export interface MessageRecord {
  /** Stable id within one run: `${host}/${queueId}`, or `${host}/NOQUEUE/${file}:${line}` (the line that opened it). */
  id: string;
  host: string;
  /** The MTA family that logged it. */
  mta: 'postfix' | 'sendmail' | 'exim' | 'unknown';
  /** Primary queue id; absent for NOQUEUE rejects. */
  queueId?: string;
  /** All queue ids of this message on this host (content-filter re-injection links them). */
  queueIds: string[];
  messageId?: string;
  firstSeen: number | null;
  lastSeen: number | null;

  session: RecordSession;
  /** true when the message was submitted locally (pickup) rather than over SMTP. */
  local?: boolean;

  envelope: {
    /** MAIL FROM; "" = null sender; undefined = not logged. */
    from?: string;
    recipients: string[];
    size?: number;
    nrcpt?: number;
  };

  /**
   * Headers seen in the logs, lower-cased name -> values in order. Includes
   * from, reply-to, sender, return-path, message-id, list-id, list-unsubscribe,
   * precedence, received-spf, authentication-results, arc-seal, arc-authentication-results,
   * dkim-signature, subject ... whatever header_checks logged.
   */
  headers: Record<string, HeaderValue[]>;

  auth: {
    spf: SpfResult[];
    dkim: DkimResult[];
    dmarc?: DmarcResult;
    arc?: { result: AuthResult; source: string };
  };

  /** Content filter / scanner verdicts (amavis, rspamd, spamd). */
  filters: {
    source: string;
    action: string;
    score?: number;
    symbols?: Record<string, { score?: number; options?: string[] }>;
  }[];

  actions: RecordAction[];
  recipients: RecipientStatus[];

  /**
   * Final disposition as far as the logs tell: delivered, rejected, bounced, deferred,
   * discarded, held, quarantined, expired, queued (still open when emitted), unknown.
   */
  disposition: string;

  /** Which producers contributed lines (postfix, opendkim, opendmarc, policyd-spf ...). */
  producers: string[];

  /** Every line that contributed, in order, for evidence. */
  evidence: SourceRef[];
  /** The raw lines themselves, parallel to `evidence` (bounded by MAX_EVIDENCE_LINES). */
  lines: string[];
  /** True when the record was emitted because it aged out, not because it closed. */
  agedOut?: boolean;
  /** True when evidence or recipients were capped by a limit. */
  capped?: boolean;
}

/** Correlator counters reported with `--summary` and in scan summaries. */
export interface CorrelatorStats {
  events: number;
  records: number;
  openRecords: number;
  agedOut: number;
  evicted: number;
  orphanEvents: number;
}

/** A sink the correlator emits closed records to. */
export type RecordSink = (record: MessageRecord) => void;

/** The correlator's small explicit interface. */
export interface Correlator {
  push(event: LogEvent): void;
  /**
   * Emit every still-open record: at the end of input, or (`cut`) where a `--workers` part
   * stops following them, which marks them aged out like an idle window would.
   */
  flush(cut?: boolean): void;
  /**
   * The smallest rank of the first line of any open message or SMTP session (Infinity when
   * none; messages waiting for a queue retry are left out): a `--workers` part reads on
   * past its end until what it began is finished.
   */
  earliestOpen(rank: (ref: SourceRef) => number): number;
  stats(): CorrelatorStats;
}
