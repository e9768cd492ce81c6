/** Reject / quarantine actions of a record and what their reasons say (shared by the auth rules). */
import type { RecordAction, MessageRecord } from '../../correlate/record.js';

const BLOCKING = new Set(['rejected', 'discarded', 'quarantined', 'held']);
const MAX_REASON_SCAN = 1024;

/** The first blocking action whose reason mentions `word` (case-insensitive, bounded scan). */
export function blockingActionMentioning(record: MessageRecord, word: string): RecordAction | undefined {
  for (const a of record.actions) {
    if (!BLOCKING.has(a.action) || a.reason === undefined) continue;
    const r = a.reason.length > MAX_REASON_SCAN ? a.reason.slice(0, MAX_REASON_SCAN) : a.reason;
    if (r.toLowerCase().includes(word)) return a;
  }
  return undefined;
}

/** Short printable form of an action for finding fields. */
export function actionText(a: RecordAction): string {
  const r = a.reason ?? '';
  return `${a.action}${a.stage !== undefined ? ` at ${a.stage}` : ''}${a.code !== undefined ? ` ${a.code}` : ''}: ${r.slice(0, 200)}`;
}
