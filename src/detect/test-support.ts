/**
 * Hand-built message records for the detect tests (the correlator is tested on its own).
 * Realistic but invented: example.com is the protected domain, *.test / example.net /
 * example.org are others, addresses from the documentation ranges.
 */
import type { HeaderValue, MessageRecord } from '../correlate/record.js';
import { ConfigSchema, type Config, type ConfigInput } from './config.js';
import { compileConfig } from './compiled.js';
import { buildContext, type RuleContext } from './context.js';
import { DetectorState } from './state.js';

export type RecordInput = Partial<Omit<MessageRecord, 'session' | 'envelope' | 'auth'>> & {
  session?: MessageRecord['session'];
  envelope?: Partial<MessageRecord['envelope']>;
  auth?: Partial<MessageRecord['auth']>;
};

export function hv(...values: string[]): HeaderValue[] {
  return values.map((value) => ({ value, truncated: false }));
}

/** A record from an outside client; everything can be overridden. */
export function rec(over: RecordInput = {}): MessageRecord {
  return {
    id: 'mx1.example.com/4Bq7x2Zt9kz1',
    host: 'mx1.example.com',
    mta: 'postfix',
    queueId: '4Bq7x2Zt9kz1',
    queueIds: ['4Bq7x2Zt9kz1'],
    firstSeen: Date.UTC(2026, 0, 5, 10, 0, 0),
    lastSeen: Date.UTC(2026, 0, 5, 10, 0, 2),
    filters: [],
    actions: [],
    recipients: [],
    disposition: 'delivered',
    producers: ['postfix'],
    evidence: [],
    lines: [],
    headers: { from: hv('Alice Sender <alice@sender.test>') },
    ...over,
    session: over.session ?? {
      clientIp: '203.0.113.10',
      clientHost: 'mail.sender.test',
      helo: 'mail.sender.test',
    },
    envelope: { from: 'alice@sender.test', recipients: ['bob@example.com'], ...over.envelope },
    auth: { spf: [], dkim: [], ...over.auth },
  };
}

export function config(input: ConfigInput = {}): Config {
  return ConfigSchema.parse(input);
}

/** Context with example.com protected unless the config says otherwise. */
export function ctxOf(
  record: MessageRecord,
  input: ConfigInput = { protectedDomains: ['example.com'] },
): RuleContext {
  const cfg = compileConfig(config(input));
  return buildContext(record, cfg, new DetectorState(), cfg.protectedOrgs, false);
}

export const spfPass = (domain = 'sender.test') => ({
  result: 'pass' as const,
  scope: 'mfrom' as const,
  domain,
  source: 'policyd-spf',
});
export const dkimPass = (domain = 'sender.test') => ({ result: 'pass' as const, domain, source: 'opendkim' });
export const dmarc = (
  result: 'pass' | 'fail' | 'none',
  domain = 'sender.test',
  policy?: string,
  disposition?: string,
) => ({
  result,
  domain,
  source: 'opendmarc',
  ...(policy !== undefined ? { policy } : {}),
  ...(disposition !== undefined ? { disposition } : {}),
});
