/**
 * LogEvent: what one log line says, normalised across producers.
 *
 * Every parser (one module per producer: postfix/*, opendkim, opendmarc, policyd-spf,
 * amavis, rspamd, spamd, sendmail, exim, haproxy) turns one LogLine into exactly one
 * LogEvent and never throws. The event kinds are semantic, not per producer, so the
 * correlator and the detectors see the same shapes whichever MTA or milter wrote the line:
 * an Exim `<=` line and a Postfix qmgr `from=` line are both `envelope`.
 *
 * All string values come from the log and may be attacker-written. Absent fields are
 * omitted (never empty strings standing for "unknown").
 */
import type { LogLine } from '../ingest/line.js';

/** Which family of software wrote the line. */
export type Producer =
  | 'postfix'
  | 'sendmail'
  | 'exim'
  | 'opendkim'
  | 'opendmarc'
  | 'policyd-spf'
  | 'amavis'
  | 'rspamd'
  | 'spamd'
  | 'haproxy'
  | 'unknown';

export interface EventBase {
  /** The line this event was parsed from (time, host, program, pid, raw, src). */
  line: LogLine;
  producer: Producer;
  /** Daemon within the producer: "smtpd", "cleanup", "qmgr", "smtp", "postscreen", "mta", ... */
  daemon: string;
  /**
   * Instance name for multi-instance MTAs: "postfix", "postfix-in", "postfix/submission" ...
   * (the program tag without the daemon). Empty when not applicable.
   */
  instance: string;
  /** Queue / message id this line is about (Postfix short or long id, Sendmail id, Exim id). */
  queueId?: string;
}

/** SMTP client as the MTA (or proxy) saw it. */
export interface ClientInfo {
  clientHost?: string; // reverse name, "unknown" when rDNS failed
  clientIp?: string;
  clientPort?: number;
  /**
   * Reverse name the MTA could not forward-confirm (Sendmail `name [ip] (may be forged)`).
   * clientHost is then "unknown", as Postfix logs an unconfirmed name.
   */
  clientHostUnverified?: string;
}

// ---- sessions (keyed by host + program + pid; Exim/HAProxy by their own ids) ----

export interface SessionConnectEvent extends EventBase, ClientInfo {
  kind: 'session.connect';
}
export interface SessionDisconnectEvent extends EventBase, ClientInfo {
  kind: 'session.disconnect';
  /** Postfix command counters, e.g. "ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4". */
  commands?: string;
}
export interface SessionHeloEvent extends EventBase, ClientInfo {
  kind: 'session.helo';
  helo: string;
}
export interface SessionTlsEvent extends EventBase, ClientInfo {
  kind: 'session.tls';
  tlsProtocol?: string;
  tlsCipher?: string;
  /** "Anonymous", "Trusted", "Verified", "Untrusted" (Postfix wording). */
  tlsTrust?: string;
}
export interface SessionAuthEvent extends EventBase, ClientInfo {
  kind: 'session.auth';
  ok: boolean;
  saslMethod?: string;
  saslUsername?: string;
  reason?: string;
}
/** A session-level line that matters little for spoofing but is recognised (lost connection, timeout, too many errors, ...). */
export interface SessionNoteEvent extends EventBase, ClientInfo {
  kind: 'session.note';
  note: string;
}

// ---- proxies: postscreen, HAProxy ----

export interface ProxyEvent extends EventBase, ClientInfo {
  kind: 'proxy';
  /**
   * connect, pass-new, pass-old, pregreet, hangup, dnsbl, protocol-violation
   * (COMMAND PIPELINING, BARE NEWLINE, NON-SMTP COMMAND, COMMAND TIME LIMIT ...),
   * whitelisted, blacklisted, reject, session (HAProxy's end-of-session line),
   * disconnect (postscreen's DISCONNECT), other.
   */
  action: string;
  detail?: string;
  /** Address the proxy listened on / forwarded to (HAProxy frontend/backend, postscreen server). */
  serverIp?: string;
  serverPort?: number;
  /** HAProxy: frontend / backend / server names, bytes, termination state. */
  frontend?: string;
  backend?: string;
  /** HAProxy: the server within the backend (`be_smtp/postfix1` -> "postfix1"). */
  server?: string;
  termState?: string;
  bytesRead?: number;
  /** HAProxy: total session time Tt in milliseconds (tcplog). */
  durationMs?: number;
}

// ---- message lifecycle ----

/** The queue id is bound to an SMTP session (Postfix smtpd `client=`; Sendmail/Exim equivalents). */
export interface MessageClientEvent extends EventBase, ClientInfo {
  kind: 'message.client';
  helo?: string;
  saslMethod?: string;
  saslUsername?: string;
  /** Postfix content-filter re-injection: `orig_queue_id=` / `orig_client=`. */
  origQueueId?: string;
  origClient?: string;
  /** Protocol (SMTP, ESMTP, ESMTPS, ESMTPSA, LMTP, local) where logged. */
  proto?: string;
}

/** Locally submitted mail (Postfix pickup `uid= from=`, Sendmail sm-msp-queue). */
export interface MessagePickupEvent extends EventBase {
  kind: 'message.pickup';
  uid?: number;
  from?: string;
}

export interface MessageIdEvent extends EventBase {
  kind: 'message.id';
  messageId: string;
}

/** Envelope sender, size, recipient count (Postfix qmgr `from=`, Sendmail `from=`, Exim `<=`). */
export interface EnvelopeEvent extends EventBase, ClientInfo {
  kind: 'envelope';
  /** MAIL FROM without angle brackets; "" for the null sender <>. */
  from: string;
  size?: number;
  nrcpt?: number;
  messageId?: string;
  helo?: string;
  proto?: string;
  saslUsername?: string;
  /** SASL mechanism when the line names only that (Sendmail `auth=PLAIN`); absent or "NONE" = not authenticated. */
  saslMethod?: string;
  tlsCipher?: string;
  /** Exim `<=` lines carry recipients too. */
  recipients?: string[];
}

/** A header line logged by the MTA (Postfix header_checks WARN/INFO, Exim ACL logwrite, Sendmail milter add). */
export interface HeaderEvent extends EventBase, ClientInfo {
  kind: 'header';
  /** Header name as logged, e.g. "From", "Reply-To", "Authentication-Results". */
  name: string;
  /** Value as logged (after the colon, leading space removed); may be cut. */
  value: string;
  /** True when the logged text was cut (Postfix cuts header_checks text at 200 chars). */
  truncated: boolean;
  /** The header_checks action word: warning, info, reject, discard, hold, ... */
  action?: string;
  /** Postfix appends `from=<..> to=<..> proto=.. helo=<..>` to header_checks lines. */
  from?: string;
  to?: string;
  proto?: string;
  helo?: string;
  /** True when logged through milter_header_checks (headers added by milters). */
  milter?: boolean;
}

/** Policy rejection / milter action at some SMTP stage, with or without a queue id (NOQUEUE). */
export interface RejectEvent extends EventBase, ClientInfo {
  kind: 'reject';
  /** connect, helo, mail, rcpt, data, end-of-data, header, body, content, unknown */
  stage: string;
  /**
   * reject, discard, hold, defer (temporary reject), quarantine. Postfix access actions that
   * block nothing are logged the same way and keep their word: warn (WARN, reject_warning),
   * filter, redirect, info.
   */
  action: string;
  code?: number;
  dsn?: string;
  reason: string;
  from?: string;
  to?: string;
  proto?: string;
  helo?: string;
  /** The rejecting component, e.g. "milter", "header_checks", "policyd-spf", "dmarc", "ruleset=check_mail". */
  by?: string;
}

/** A delivery attempt or final status for one recipient. */
export interface DeliveryEvent extends EventBase {
  kind: 'delivery';
  to: string;
  /** Every recipient when one line reports several (Sendmail `to=<a>,<b>`); `to` is the first. */
  recipients?: string[];
  origTo?: string;
  relay?: string;
  /** sent, deferred, bounced, expired, discarded, ... */
  status: string;
  dsn?: string;
  delay?: number;
  detail?: string;
  /** Next hop accepted it as this queue id (`250 2.0.0 Ok: queued as X`), e.g. content-filter loop. */
  queuedAs?: string;
}

/** Queue id is done (Postfix `removed`, Exim `Completed`) or expired. */
export interface MessageClosedEvent extends EventBase {
  kind: 'message.closed';
  reason: 'removed' | 'completed' | 'expired' | 'discarded';
}

/** A queue-level action other than delivery: hold, bounce notification, requeue, warning. */
export interface MessageNoteEvent extends EventBase {
  kind: 'message.note';
  note: string;
  /** Bounce notifications: the new queue id of the notification. */
  relatedQueueId?: string;
}

// ---- authentication results ----

export type AuthResult =
  'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | 'unknown';

export interface SpfEvent extends EventBase, ClientInfo {
  kind: 'auth.spf';
  result: AuthResult;
  /** mfrom (MAIL FROM identity) or helo. */
  scope: 'mfrom' | 'helo' | 'unknown';
  /** Domain whose SPF record was evaluated. */
  domain?: string;
  /** Envelope sender as seen by the checker. */
  envelopeFrom?: string;
  helo?: string;
  receiver?: string;
  /** Recipient, when the check logged it (policyd-spf logs it on reject lines). */
  to?: string;
  reason?: string;
  /** policyd-spf acted: prepend (header only) or reject/defer. */
  action?: string;
}

export interface DkimEvent extends EventBase {
  kind: 'auth.dkim';
  result: AuthResult;
  /** Signing domain d= */
  domain?: string;
  selector?: string;
  /**
   * What broke, when the verifier says: "body" (body hash mismatch: OpenDKIM `SSL ` alone),
   * "header" (signature over headers failed: `SSL error:...bad signature`), "key" (key
   * retrieval / syntax), "expired", "other".
   */
  failure?: 'body' | 'header' | 'key' | 'expired' | 'other';
  detail?: string;
}

/** Verifier diagnostics that are not a result on their own (OpenDKIM "message has signatures from", "not internal", "bad signature data", "SSL"). */
export interface DkimNoteEvent extends EventBase {
  kind: 'auth.dkim-note';
  /**
   * OpenDKIM notes use a fixed vocabulary: "signed" (we added a DKIM-Signature, domains =
   * [d]), "signatures-from" ("message has signatures from d1, d2"), "ssl" (`s= d= SSL`
   * with no OpenSSL error: the RSA signature over the headers verified, so if the same
   * queue id also has "bad-signature"/"verification-failed", before or after, the body
   * hash failed: failure 'body'; alone it is a pass), "bad-signature", "verification-failed",
   * "no-signature", "not-internal", "not-authenticated", "external-sender",
   * "from-unparseable", "no-signing-table-match", "ar-unparseable", "syntax-error",
   * "adsp", "signature-results" (LogResults line: `signature=.. domain=.. result=".."` per
   * signature, domains = their d=; a single failing signature is an auth.dkim instead),
   * "other". OpenDKIM logs the `s= d= SSL` line BEFORE "bad signature data".
   */
  note: string;
  /** Domains listed by "message has signatures from d1, d2" (and d= of the "ssl"/"signed" notes). */
  domains?: string[];
  /** Selector s= where the line gives one ("ssl", "signed"). */
  selector?: string;
  failure?: 'body' | 'header' | 'key' | 'other';
  /** Free text the line carried (reason, client host/ip, addresses), bounded. */
  detail?: string;
}

export interface DmarcEvent extends EventBase {
  kind: 'auth.dmarc';
  result: AuthResult;
  /** Header-From domain the policy was evaluated for. */
  domain?: string;
  /** Published policy p= (none, quarantine, reject) where logged. */
  policy?: string;
  /** What the evaluator did: none, quarantine, reject. */
  disposition?: string;
  /** OpenDMARC ARC override lines. */
  arcOverride?: boolean;
  detail?: string;
}

export interface ArcEvent extends EventBase {
  kind: 'auth.arc';
  result: AuthResult;
  detail?: string;
}

/** Content filter / scanner verdict (Amavis, Rspamd, spamd). */
export interface FilterEvent extends EventBase, ClientInfo {
  kind: 'filter';
  /** passed, blocked, reject, add-header, rewrite-subject, greylist, no-action, soft-reject, clean, spam */
  action: string;
  category?: string;
  score?: number;
  threshold?: number;
  envelopeFrom?: string;
  recipients?: string[];
  messageId?: string;
  /** Amavis: `queued_as: X` (re-injected id). */
  queuedAs?: string;
  /** Rspamd symbols with their options: FROM_NEQ_ENVFROM -> ["a@x", "b@y"]. */
  symbols?: Record<string, { score?: number; options?: string[] }>;
  /** Header From / DKIM domains etc. when the filter logs them (Rspamd mime from, amavis From:). */
  headerFrom?: string;
  detail?: string;
  /**
   * Authentication facts the filter states, e.g. from Rspamd's symbols (R_SPF_ALLOW -> spf
   * pass, R_DKIM_REJECT{d;} -> dkim fail for d, DMARC_POLICY_REJECT{d;reject} -> dmarc fail
   * with policy reject, ARC_ALLOW -> arc pass), Amavis' `dkim_sd=` (signatures that
   * verified) or SpamAssassin rule hits in spamd/Amavis lines (SPF_FAIL, DKIM_INVALID,
   * DMARC_REJECT ...; src/parse/sa-rules.ts). A line is one event, so these ride on the filter
   * event; the correlator folds them into the record's auth with source = the producer.
   * `unknown` means the line contradicted itself (two SPF results: option text imitating a symbol).
   */
  auth?: {
    spf?: AuthResult;
    dkim?: { result: AuthResult; domain?: string }[];
    dmarc?: { result: AuthResult; domain?: string; policy?: string };
    arc?: AuthResult;
  };
}

/** A line we understood but that carries nothing the correlator uses (statistics, daemon start, warnings). */
export interface NoiseEvent extends EventBase {
  kind: 'noise';
  note: string;
}

export interface UnrecognisedEvent extends EventBase {
  kind: 'unrecognised';
}

export type LogEvent =
  | SessionConnectEvent
  | SessionDisconnectEvent
  | SessionHeloEvent
  | SessionTlsEvent
  | SessionAuthEvent
  | SessionNoteEvent
  | ProxyEvent
  | MessageClientEvent
  | MessagePickupEvent
  | MessageIdEvent
  | EnvelopeEvent
  | HeaderEvent
  | RejectEvent
  | DeliveryEvent
  | MessageClosedEvent
  | MessageNoteEvent
  | SpfEvent
  | DkimEvent
  | DkimNoteEvent
  | DmarcEvent
  | ArcEvent
  | FilterEvent
  | NoiseEvent
  | UnrecognisedEvent;

export type EventKind = LogEvent['kind'];

/** A parser for one producer: returns null when the line is not its producer's at all. */
export type ProducerParser = (line: LogLine) => LogEvent | null;
