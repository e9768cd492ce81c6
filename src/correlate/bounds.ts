/**
 * The correlator's own windows and caps. The project-wide limits (open records, sessions,
 * evidence lines, recipients, header values) live in src/limits.ts; these bound the smaller
 * per-record and per-session lists an attacker could otherwise grow (one connection issuing
 * 100k RCPTs, a re-injection loop, a flood of policy lines).
 */

/** How long (log time) a closed record waits after its session ended for a late HAProxy line. */
export const PROXY_GRACE_MS = 5_000;
/** A HAProxy end-of-session line joins an MTA session that ended (or is open) within this window. */
export const PROXY_JOIN_WINDOW_MS = 5_000;
/** A postscreen verdict joins the smtpd connect of the same client ip within this window. */
export const POSTSCREEN_JOIN_WINDOW_MS = 60_000;
/**
 * Idle time after which a message whose last delivery was deferred is emitted as aged out:
 * Postfix's maximal_queue_lifetime default (Sendmail Timeout.queuereturn and Exim's retry
 * rules are of the same order).
 */
export const RETRY_WINDOW_MS = 5 * 24 * 60 * 60 * 1000;
/** Ageing and grace release run when a host's log clock has advanced this much. */
export const SWEEP_STEP_MS = 1_000;

/** Closed records a session holds until it ends; beyond this they go to the grace queue at once. */
export const MAX_HELD_PER_SESSION = 200;
/** NOQUEUE records one session may keep open (one per distinct sender); the oldest closes early. */
export const MAX_NOQUEUE_PER_SESSION = 50;
/** Open sessions remembered per client ip for the policyd-spf and proxy joins. */
export const MAX_SESSIONS_PER_IP = 16;
/** SPF results waiting in one session for the transaction they belong to. */
export const MAX_PENDING_SPF = 16;
/** Session-level lines (connect, HELO, TLS, AUTH) kept as evidence for the session's messages. */
export const MAX_SESSION_LINES = 4;
/** Postscreen client states remembered (one per recent client ip per host). */
export const MAX_POSTSCREEN_STATES = 50_000;
/** Actions a proxy verdict keeps. */
export const MAX_PROXY_ACTIONS = 16;

/** Queue ids one message may collect through content-filter hops. */
export const MAX_QUEUE_IDS = 16;
/** Actions (rejects, deliveries, notes) kept per record. */
export const MAX_ACTIONS = 1_000;
/** SPF or DKIM results kept per record. */
export const MAX_AUTH_RESULTS = 32;
/** Filter verdicts kept per record. */
export const MAX_FILTERS = 32;
/** Semicolon-separated parts read from one Authentication-Results header. */
export const MAX_AR_PARTS = 32;
