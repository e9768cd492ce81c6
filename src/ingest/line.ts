/**
 * What ingest hands to parse: one log line with its syslog envelope taken apart.
 * Every string here came from the log and may have been written by an attacker.
 */

/** Where a line came from, so every verdict can cite it. */
export interface SourceRef {
  /** File path as the user gave it, or "-" for stdin. */
  file: string;
  /** 1-based line number within that file (after decompression). */
  line: number;
}

export interface LogLine {
  /** Epoch milliseconds (UTC), or null when the stamp could not be read. */
  time: number | null;
  /** Syslog hostname field ("" when absent, e.g. Exim's own mainlog). */
  host: string;
  /**
   * Program tag as logged, e.g. "postfix/smtpd", "postfix-in/cleanup",
   * "postfix/submission/smtpd", "opendkim", "sm-mta", "exim" ("" when absent).
   */
  program: string;
  /** Process id from `prog[pid]`, or null. */
  pid: number | null;
  /** The message part after `prog[pid]: ` (the whole line when no envelope was found). */
  message: string;
  /**
   * The whole raw line (bytes that are not valid UTF-8, and NUL, shown as `\xNN`; never
   * fatal). A line cut at MAX_LINE_BYTES ends with a marker saying so.
   */
  raw: string;
  src: SourceRef;
  /** Bytes cut off the end of a line longer than MAX_LINE_BYTES (absent for whole lines). */
  truncatedBytes?: number;
}
