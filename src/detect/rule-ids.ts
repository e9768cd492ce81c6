/**
 * Rule ids and their default weights (points toward the verdict for the rule's main case;
 * a rule's weaker variants are fixed fractions of this). `weights:` in the config
 * overrides these per rule id.
 */
export const DEFAULT_WEIGHTS = {
  'dmarc-fail': 50,
  'dmarc-fail-derived': 50,
  'spf-fail': 25,
  'spf-softfail': 8,
  'dkim-fail': 20,
  'dkim-unaligned': 3,
  'header-from-envelope-mismatch': 4,
  'own-domain-from-outside': 50,
  'display-name-address': 15,
  'display-name-vip': 25,
  'lookalike-domain': 40,
  'reply-to-divergence': 8,
  'return-path-sender-divergence': 4,
  'message-id-domain': 4,
  'helo-anomaly': 20,
  'forged-auth-results': 50,
  'from-malformed': 20,
  'proxy-pregreet': 15,
  'proxy-client-mismatch': 10,
  'campaign-burst': 15,
} as const;

export type RuleId = keyof typeof DEFAULT_WEIGHTS;

export const RULE_IDS = Object.keys(DEFAULT_WEIGHTS) as [RuleId, ...RuleId[]];

/** Default score thresholds: a sum at or above `spoof` is a spoof, at or above `suspicious` suspicious. */
export const DEFAULT_THRESHOLDS = { suspicious: 15, spoof: 50 } as const;
