/**
 * Shared by the lab suites: runs the real pipeline (ingest -> parse -> correlate -> detect)
 * over a lab log and joins every record to the lab's ground truth (lab/fixtures/truth.json)
 * by Message-ID, or, for NOQUEUE rejects that never got one, by client IP (unique per
 * scenario within one mode's log).
 */
import { readFileSync } from 'node:fs';
import { runPipeline } from '../../src/pipeline.js';
import { createDetector } from '../../src/detect/index.js';
import { loadConfig } from '../../src/detect/config.js';
import type { MessageRecord } from '../../src/correlate/record.js';
import type { Verdict, VerdictLevel } from '../../src/detect/verdict.js';

export interface TruthMessage {
  mode: string;
  scenario: string;
  label: 'legit' | 'spoof';
  verdict: VerdictLevel;
  expected: { disposition: string; blocked: boolean; stage?: string; by?: string };
  messageId: string;
  clientIp: string;
  helo: string;
  mailFrom: string;
  rcpt: string[];
  smtp: { accepted: boolean; queueId?: string; errors: string[]; stage?: string };
}

export interface Truth {
  protectedDomain: string;
  authservId: string;
  modes: string[];
  logs: Record<string, string>;
  scenarios: { id: string; title: string; label: string; verdict: VerdictLevel }[];
  messages: TruthMessage[];
}

export function loadTruth(path: string): Truth {
  return JSON.parse(readFileSync(path, 'utf8')) as Truth;
}

/** Every verdict of one log, in emission order. */
export async function scanLog(logPath: string, configPath: string): Promise<Verdict[]> {
  const detector = createDetector(loadConfig(configPath));
  const verdicts: Verdict[] = [];
  await runPipeline([logPath], { onRecord: (r) => verdicts.push(detector.detect(r)) });
  return verdicts;
}

function stripBrackets(id: string): string {
  return id.startsWith('<') && id.endsWith('>') ? id.slice(1, -1) : id;
}

/**
 * The verdict that speaks for one sent message: the record carrying its Message-ID whose
 * client is the scenario's own (the first hop; a content-filter re-injection is a second
 * record of the same message), else the NOQUEUE record from its client address.
 */
export function findVerdict(verdicts: Verdict[], m: TruthMessage): Verdict | undefined {
  const mid = stripBrackets(m.messageId);
  const byId = verdicts.filter(
    (v) => v.record.messageId !== undefined && stripBrackets(v.record.messageId) === mid,
  );
  const first = byId.find((v) => v.record.session.clientIp === m.clientIp) ?? byId[0];
  if (first !== undefined) return first;
  return verdicts.find((v) => v.record.messageId === undefined && v.record.session.clientIp === m.clientIp);
}

/** The re-injected (second) record of a content-filtered message, if any. */
export function findReinjected(
  verdicts: Verdict[],
  m: TruthMessage,
  first: MessageRecord,
): Verdict | undefined {
  const mid = stripBrackets(m.messageId);
  return verdicts.find(
    (v) =>
      v.record !== first && v.record.messageId !== undefined && stripBrackets(v.record.messageId) === mid,
  );
}
