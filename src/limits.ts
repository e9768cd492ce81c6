/**
 * Named limits on hostile input. Every one bounds memory or time that an attacker who
 * writes log content (headers, HELO, addresses) could otherwise grow without end.
 */

/** Lines longer than this are cut before parsing (the raw line keeps a marker). */
export const MAX_LINE_BYTES = 64 * 1024;
/** A header value longer than this is cut and marked truncated. */
export const MAX_HEADER_VALUE_CHARS = 8 * 1024;
/** Open message records held by the correlator before the oldest are evicted. */
export const MAX_OPEN_RECORDS = 20_000;
/** Open SMTP sessions held before the oldest are evicted. */
export const MAX_OPEN_SESSIONS = 10_000;
/** Records idle longer than this (log time) are emitted as aged out. */
export const DEFAULT_RECORD_WINDOW_MS = 2 * 60 * 60 * 1000;
/** Evidence lines kept per record (further lines are counted, not kept). */
export const MAX_EVIDENCE_LINES = 500;
/** Recipients kept per record. */
export const MAX_RECIPIENTS = 1000;
/** Values kept per header name per record. */
export const MAX_HEADER_VALUES = 20;
/**
 * Distinct header names kept per record. Past it a new name is counted (`capped`), not
 * kept, unless it is one the detectors, outputs or coverage read (src/correlate/fold.ts).
 */
export const MAX_HEADER_NAMES = 64;
/**
 * Characters of evidence lines and header values one record holds. Past it a long line is
 * cited no more (a short one still is) and a header value of a name nothing reads is not
 * kept: one message of thousands of 64 KiB lines stays a few MiB, in a document too.
 */
export const MAX_RECORD_CHARS = 1024 * 1024;
/**
 * Characters of raw evidence lines held by all open records together; past it the oldest
 * records are emitted early (aged out). Bounds memory however long the logged lines are.
 */
export const MAX_OPEN_EVIDENCE_CHARS = 32 * 1024 * 1024;
