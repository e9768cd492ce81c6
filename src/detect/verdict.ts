/**
 * Findings and verdicts: what detect says about a MessageRecord.
 */
import type { MessageRecord } from '../correlate/record.js';

export type VerdictLevel = 'spoof' | 'suspicious' | 'unknown' | 'clean';

/** Order used by --min-verdict / --fail-on: clean < unknown < suspicious < spoof. */
export const VERDICT_ORDER: Record<VerdictLevel, number> = { clean: 0, unknown: 1, suspicious: 2, spoof: 3 };

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** An ATT&CK technique id with the ATT&CK version it belongs to. */
export interface AttackRef {
  id: string; // T1672, T1684.002, T1656, T1684.001, T1566
  name: string;
  version: string; // "v18" / "v19"
}

export interface Finding {
  /** Stable rule id, e.g. "dmarc-fail", "header-from-envelope-mismatch". */
  rule: string;
  severity: Severity;
  /** Points toward the verdict after guards (0 when a guard neutralised it). */
  weight: number;
  /** Weight before any guard lowered it. */
  baseWeight: number;
  /** Plain words, e.g. "Header From example.com does not align with envelope sender bulk.example.net". */
  summary: string;
  /** The fields compared and their values. */
  fields: Record<string, string | number | boolean | null>;
  /** ATT&CK ids; always T1672 + T1684.002 for spoofing, plus T1656/T1684.001, T1566 where they fit. */
  attack: string[];
  /** Present when a guard lowered this finding. */
  guard?: { name: string; reason: string };
  /** Fields this finding had to do without (e.g. "auth.dmarc.policy" for a derived DMARC fail). */
  missing?: string[];
}

export interface Verdict {
  record: MessageRecord;
  verdict: VerdictLevel;
  score: number;
  findings: Finding[];
  /** Fields the decision needed but the logs lacked (e.g. "header.from", "auth.dmarc"). */
  missing: string[];
  /** Organisational-domain method used: "psl" (tldts) or "fallback-last-two-labels". */
  orgDomainMethod?: string;
  /** Plain-words reason for the level (why spoof, why unknown ...). */
  explanation?: string;
  /** Where the message came from as detect judged it: sasl, trusted-network, local, outside, unknown. */
  origin?: string;
}
