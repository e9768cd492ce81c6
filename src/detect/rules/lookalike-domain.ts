/**
 * lookalike-domain: the header From, envelope sender or Reply-To domain imitates a protected domain
 * without being it: confusable characters (Cyrillic "а", "examp1e", "rn" for "m"), punycode
 * / mixed-script labels, a TLD swap (example.com -> example.co), edit distance <= 2 on the
 * registrable label, the protected domain used as subdomain labels (example.com.attacker.test)
 * or the brand as a token (example-secure.test). Impersonation (T1656 / T1684.001).
 * Spares: the protected organisation's own subdomains; protected labels shorter than 5 for
 * edit distance 1 and 8 for distance 2 (short names sit one letter from countless others).
 * Anchors: Rspamd PHISHING / OMOGRAPH_URL, SpamAssassin FROM_IN_TO_AND_SUBJ-style lookalike
 * plugins, dnstwist's permutation classes.
 */
import { parseAddressHeader } from '../address.js';
import type { RuleContext } from '../context.js';
import { IMPERSONATION } from '../attack.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import { MAX_LOOKALIKE_CACHE } from '../limits.js';
import type { Finding } from '../verdict.js';
import { compareLookalike, type LookalikeMatch } from './lookalike.js';

const FIELD_WORDS: Record<string, string> = {
  'header.from': 'Header From',
  'envelope.from': 'Envelope sender',
  'header.reply-to': 'Reply-To',
};

const WORDS: Record<LookalikeMatch['kind'], string> = {
  confusable: 'uses look-alike characters of',
  'protected-as-subdomain': 'carries as subdomain labels',
  'tld-swap': 'swaps the top-level domain of',
  'edit-distance-1': 'is one character away from',
  'edit-distance-2': 'is two characters away from',
  'brand-in-subdomain': 'uses as a subdomain label the name of',
  'brand-in-domain': 'embeds the name of',
  'mixed-script': 'mixes scripts (Latin with Cyrillic/Greek) in its name',
};

/** Results per protected set (the set object changes whenever the protected domains do). */
const caches = new WeakMap<ReadonlySet<string>, Map<string, LookalikeMatch | null>>();

/** The finding for `domain` in `field`, or undefined when it imitates nothing. */
function check(
  ctx: RuleContext,
  cache: Map<string, LookalikeMatch | null>,
  field: string,
  domain: string,
): Finding | undefined {
  let m = cache.get(domain);
  if (m === undefined) {
    m = compareLookalike(domain, ctx.protectedOrgs);
    if (cache.size >= MAX_LOOKALIKE_CACHE) cache.clear();
    cache.set(domain, m);
  }
  if (m === null) return undefined;
  const shown = m.punycode ? `${domain} (${m.unicode})` : domain;
  return finding(ctx, 'lookalike-domain', {
    severity: m.factor >= 0.75 ? 'high' : 'medium',
    factor: m.factor,
    summary: `${FIELD_WORDS[field] ?? field} domain ${shown} ${WORDS[m.kind]}${m.target !== '' ? ` protected domain ${m.target}` : ''}`,
    fields: {
      identity: field,
      domain,
      unicode: m.unicode,
      punycode: m.punycode,
      kind: m.kind,
      imitates: m.target === '' ? null : m.target,
    },
    attack: IMPERSONATION,
  });
}

export const lookalikeDomain: Rule = (ctx) => {
  if (ctx.protectedOrgs.size === 0 && ctx.fromDomain === undefined) return NO_FINDINGS;
  let cache = caches.get(ctx.protectedOrgs);
  if (cache === undefined) {
    cache = new Map();
    caches.set(ctx.protectedOrgs, cache);
  }
  // Each distinct domain once, in this order (three at most: compared directly, no Set).
  const from = ctx.fromDomain;
  const env = ctx.envDomain !== from ? ctx.envDomain : undefined;
  const rt = ctx.header('reply-to')[0];
  let reply = rt !== undefined ? parseAddressHeader(rt.value).mailboxes[0]?.domain : undefined;
  if (reply === from || reply === env) reply = undefined;
  let out: Finding[] | undefined; // made by the first finding: most messages have none
  let f: Finding | undefined;
  if (from !== undefined && (f = check(ctx, cache, 'header.from', from)) !== undefined) (out ??= []).push(f);
  if (env !== undefined && (f = check(ctx, cache, 'envelope.from', env)) !== undefined) (out ??= []).push(f);
  if (reply !== undefined && (f = check(ctx, cache, 'header.reply-to', reply)) !== undefined)
    (out ??= []).push(f);
  return out ?? NO_FINDINGS;
};
