/**
 * The fields the detection rules read, how to tell from a MessageRecord whether the logs
 * carried each, and which rules go blind without it. Rule ids are those of
 * src/detect/rule-ids.ts.
 */
import type { MessageRecord } from '../correlate/record.js';

export type FieldId =
  | 'client.ip'
  | 'client.rdns'
  | 'helo'
  | 'envelope.from'
  | 'header.from'
  | 'header.reply-to'
  | 'header.sender'
  | 'header.return-path'
  | 'header.list-id'
  | 'message-id'
  | 'header.authentication-results'
  | 'auth.spf'
  | 'auth.dkim'
  | 'auth.dmarc'
  | 'auth.arc'
  | 'proxy.peer';

export interface FieldSpec {
  id: FieldId;
  label: string;
  /**
   * Which messages can carry it: `all` (every record, rejects too), `accepted` (records
   * with a queue id: headers and milter results exist only after DATA), `inbound`
   * (accepted mail from the network: what SPF/DKIM/DMARC are checked on).
   */
  scope: 'all' | 'accepted' | 'inbound';
  /**
   * `core`: every message has it, so a low share is a logging gap. `optional`: only some
   * messages carry it (Reply-To, List-Id ...), so only its total absence on a busy host
   * suggests it is not logged.
   */
  kind: 'core' | 'optional';
  /** Rules that cannot fire, or fire blind, without it. */
  rules: string[];
  /** Guards that cannot spare legitimate mail without it. */
  guards?: string[];
  present(r: MessageRecord): boolean;
}

const has = (r: MessageRecord, name: string): boolean => (r.headers[name]?.length ?? 0) > 0;

/**
 * Made on this host, not received over SMTP: local submission (pickup), or a null-sender
 * message with no SMTP client (the MTA's own bounce and delay notifications). Such mail has
 * no client, HELO or reverse name to log.
 */
export function locallyGenerated(r: MessageRecord): boolean {
  if (r.local === true) return true;
  return r.session.clientIp === undefined && r.session.clientHost === undefined && r.envelope.from === '';
}

export const FIELD_SPECS: readonly FieldSpec[] = [
  {
    id: 'client.ip',
    label: 'SMTP client IP',
    scope: 'all',
    kind: 'core',
    rules: ['own-domain-from-outside', 'campaign-burst', 'proxy-client-mismatch'],
    guards: ['trusted networks', 'third-party senders', 'internal relays'],
    present: (r) => r.session.clientIp !== undefined || locallyGenerated(r),
  },
  {
    id: 'client.rdns',
    label: 'client reverse DNS',
    scope: 'all',
    kind: 'core',
    rules: ['helo-anomaly'],
    guards: ['third-party senders (by host name)', 'trusted forwarders (by host name)'],
    present: (r) => r.session.clientHost !== undefined || locallyGenerated(r),
  },
  {
    id: 'helo',
    label: 'HELO/EHLO name',
    scope: 'all',
    kind: 'core',
    rules: ['helo-anomaly'],
    present: (r) => r.session.helo !== undefined || locallyGenerated(r),
  },
  {
    id: 'envelope.from',
    label: 'envelope sender (MAIL FROM)',
    scope: 'all',
    kind: 'core',
    rules: ['header-from-envelope-mismatch', 'return-path-sender-divergence'],
    guards: ['bounces (null sender)', 'SRS forwarders', 'mailing-list bounce envelopes (VERP)'],
    present: (r) => r.envelope.from !== undefined,
  },
  {
    id: 'header.from',
    label: 'header From',
    scope: 'accepted',
    kind: 'core',
    rules: [
      'header-from-envelope-mismatch',
      'own-domain-from-outside',
      'display-name-address',
      'display-name-vip',
      'lookalike-domain',
      'from-malformed',
      'dkim-unaligned',
      'reply-to-divergence',
      'campaign-burst',
    ],
    present: (r) => has(r, 'from'),
  },
  {
    id: 'header.reply-to',
    label: 'Reply-To',
    scope: 'accepted',
    kind: 'optional',
    rules: ['reply-to-divergence'],
    present: (r) => has(r, 'reply-to'),
  },
  {
    id: 'header.sender',
    label: 'Sender',
    scope: 'accepted',
    kind: 'optional',
    rules: ['return-path-sender-divergence'],
    guards: ['mailing lists (Sender)'],
    present: (r) => has(r, 'sender'),
  },
  {
    id: 'header.return-path',
    label: 'Return-Path',
    scope: 'accepted',
    kind: 'optional',
    rules: ['return-path-sender-divergence'],
    present: (r) => has(r, 'return-path'),
  },
  {
    id: 'header.list-id',
    label: 'List-Id',
    scope: 'accepted',
    kind: 'optional',
    rules: [],
    guards: ['mailing lists (List-Id)'],
    present: (r) => has(r, 'list-id'),
  },
  {
    id: 'message-id',
    label: 'Message-ID',
    scope: 'accepted',
    kind: 'core',
    rules: ['message-id-domain'],
    present: (r) => r.messageId !== undefined || has(r, 'message-id'),
  },
  {
    id: 'header.authentication-results',
    label: 'Authentication-Results (as received)',
    scope: 'inbound',
    kind: 'optional',
    rules: ['forged-auth-results'],
    present: (r) => has(r, 'authentication-results'),
  },
  {
    id: 'auth.spf',
    label: 'SPF result',
    scope: 'inbound',
    kind: 'core',
    rules: ['spf-fail', 'spf-softfail', 'dmarc-fail (SPF half)'],
    present: (r) => r.auth.spf.length > 0,
  },
  {
    id: 'auth.dkim',
    label: 'DKIM result (d=)',
    scope: 'inbound',
    kind: 'core',
    rules: ['dkim-fail', 'dkim-unaligned', 'dmarc-fail (DKIM half)'],
    guards: ['third-party senders learned from aligned passes'],
    present: (r) => r.auth.dkim.length > 0,
  },
  {
    id: 'auth.dmarc',
    label: 'DMARC result',
    scope: 'inbound',
    kind: 'core',
    rules: ['dmarc-fail'],
    present: (r) => r.auth.dmarc !== undefined,
  },
  {
    id: 'auth.arc',
    label: 'ARC result',
    scope: 'inbound',
    kind: 'optional',
    rules: [],
    guards: ['trusted forwarders (ARC from a trusted sealer)'],
    present: (r) => r.auth.arc !== undefined,
  },
  {
    id: 'proxy.peer',
    label: 'proxy peer (postscreen / HAProxy)',
    scope: 'inbound',
    kind: 'optional',
    rules: ['proxy-pregreet', 'proxy-client-mismatch'],
    present: (r) => r.session.proxy !== undefined,
  },
];

export function fieldSpec(id: FieldId): FieldSpec {
  const s = FIELD_SPECS.find((f) => f.id === id);
  if (s === undefined) throw new Error(`unknown coverage field ${id}`);
  return s;
}
