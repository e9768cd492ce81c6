/**
 * Human names and one-line descriptions of every rule, for outputs (OCSF finding titles,
 * ECS rule.name, the HTML report) and for `rules` listings. Keyed by rule id.
 */
import type { RuleId } from './rule-ids.js';

export interface RuleInfo {
  title: string;
  description: string;
  /** Comparable rules elsewhere (Rspamd symbol, SpamAssassin rule, RFC). */
  anchors: string[];
}

export const RULE_INFO: Readonly<Record<RuleId, RuleInfo>> = {
  'dmarc-fail': {
    title: 'DMARC failure',
    description:
      'The header-From domain failed DMARC, weighted by its published policy; enforced rejects are blocked spoofs.',
    anchors: ['RFC 7489 6.6', 'Rspamd DMARC_POLICY_REJECT', 'SpamAssassin DMARC_REJECT'],
  },
  'dmarc-fail-derived': {
    title: 'DMARC failure derived from SPF/DKIM results',
    description:
      'No DMARC verifier logged, but the logged SPF and DKIM results show neither passed aligned with the header-From domain (relaxed alignment); the published policy is unknown from logs.',
    anchors: ['RFC 7489 3.1', 'RFC 7489 4.2'],
  },
  'spf-fail': {
    title: 'SPF fail',
    description: 'The client is not authorised by the SPF record of the envelope sender (or HELO) domain.',
    anchors: ['RFC 7208 8.4', 'Rspamd R_SPF_FAIL', 'SpamAssassin SPF_FAIL'],
  },
  'spf-softfail': {
    title: 'SPF softfail',
    description: 'The SPF record says the client is probably not authorised (~all).',
    anchors: ['RFC 7208 8.5', 'Rspamd R_SPF_SOFTFAIL', 'SpamAssassin SPF_SOFTFAIL'],
  },
  'dkim-fail': {
    title: 'DKIM signature failed',
    description: 'A DKIM signature did not verify: body changed, signed headers changed, or a key problem.',
    anchors: ['RFC 6376 6.3', 'Rspamd R_DKIM_REJECT', 'SpamAssassin DKIM_INVALID'],
  },
  'dkim-unaligned': {
    title: 'DKIM not aligned with From',
    description: 'DKIM passed only for domains of another organisation than the header From.',
    anchors: ['RFC 7489 3.1.1'],
  },
  'header-from-envelope-mismatch': {
    title: 'Header From / envelope sender mismatch',
    description: 'Header From and envelope sender belong to different organisational domains (MITRE AN1203).',
    anchors: ['MITRE AN1203', 'Rspamd FROM_NEQ_ENVFROM', 'SpamAssassin HEADER_FROM_DIFFERENT_DOMAINS'],
  },
  'own-domain-from-outside': {
    title: 'Own domain from outside',
    description:
      'A protected domain arrived from outside the trusted networks without SMTP AUTH or authentication.',
    anchors: ['Postfix reject_sender_login_mismatch', 'Rspamd FORGED_SENDER'],
  },
  'display-name-address': {
    title: 'Address in display name',
    description:
      'The From display name shows an address or protected domain of another organisation than the real address.',
    anchors: ['Rspamd SPOOF_DISPLAY_NAME', 'SpamAssassin __FROM_NAME_ADDR'],
  },
  'display-name-vip': {
    title: 'Protected person impersonated',
    description:
      'The From display name is a protected person while the address is outside or unauthenticated.',
    anchors: ['ATT&CK T1656 / T1684.001'],
  },
  'lookalike-domain': {
    title: 'Look-alike domain',
    description:
      'A sender domain imitates a protected domain: confusables, punycode, TLD swap, edit distance, subdomain use.',
    anchors: ['Rspamd OMOGRAPH_URL', 'dnstwist permutations'],
  },
  'reply-to-divergence': {
    title: 'Reply-To diverts answers',
    description:
      'Reply-To points to another organisation than the header From, worse with free-mail or a protected From.',
    anchors: ['Rspamd FREEMAIL_REPLYTO', 'SpamAssassin FREEMAIL_FORGED_REPLYTO'],
  },
  'return-path-sender-divergence': {
    title: 'Return-Path / Sender divergence',
    description:
      'An arriving Return-Path differs from the envelope, or Sender is of another organisation than From.',
    anchors: ['RFC 5321 4.4', 'RFC 5322 3.6.2'],
  },
  'message-id-domain': {
    title: 'Foreign Message-ID domain',
    description:
      'The Message-ID was made under an unrelated domain while the From claims a protected domain.',
    anchors: ['Rspamd MID_* symbols'],
  },
  'helo-anomaly': {
    title: 'HELO anomaly',
    description:
      'HELO claims a protected domain from outside, or is a bare IP, a wrong literal, or not a host name.',
    anchors: ['Postfix reject_invalid_helo_hostname', 'Rspamd HFILTER_HELO_*'],
  },
  'forged-auth-results': {
    title: 'Forged Authentication-Results',
    description: 'An Authentication-Results header with our own authserv-id arrived from outside.',
    anchors: ['RFC 8601 5'],
  },
  'from-malformed': {
    title: 'Malformed From',
    description: 'Several From headers, a From naming several organisations, an empty or unparsable From.',
    anchors: ['RFC 7489 6.6.1', 'Rspamd MULTIPLE_FROM', 'OpenDMARC RejectMultiValueFrom'],
  },
  'proxy-pregreet': {
    title: 'SMTP protocol violation',
    description: 'The proxy saw the client talk before the greeting or break the protocol (a bulk tool).',
    anchors: ['Postfix postscreen PREGREET'],
  },
  'proxy-client-mismatch': {
    title: 'Proxy / MTA client mismatch',
    description: 'The client the proxy saw differs from the client the MTA logged.',
    anchors: ['HAProxy PROXY protocol'],
  },
  'campaign-burst': {
    title: 'Spoofing campaign burst',
    description:
      'One outside client sent unauthenticated mail under many different From domains in a short window.',
    anchors: ['Rspamd ratelimit'],
  },
};
