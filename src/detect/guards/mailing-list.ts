/**
 * mailing-list guard: list servers re-send mail with their own envelope, often a changed
 * subject and footer (breaking DKIM and so DMARC), a Reply-To to the list and a Sender of
 * the list. Signs: List-Id, List-Unsubscribe, List-Post, Precedence: list|bulk, a Sender that
 * is a list address, a list bounce / VERP envelope (list-bounces+user=...@, owner-list@),
 * a From munged "X via List", or a configured list. Strong (x0.1) with a configured list or
 * at least two signs including the envelope or Sender; weak (x0.6, and not for DMARC/DKIM
 * failures) on header signs alone, since a forger can add a List-Id.
 * Never lowers own-domain-from-outside, look-alike or display-name findings.
 */
import { parseAddressHeader } from '../address.js';
import type { RuleContext } from '../context.js';
import type { RuleId } from '../rule-ids.js';
import type { Guard } from './guard.js';

const LIST_RULES: RuleId[] = [
  'dmarc-fail',
  'dmarc-fail-derived',
  'dkim-fail',
  'dkim-unaligned',
  'header-from-envelope-mismatch',
  'return-path-sender-divergence',
  'reply-to-divergence',
  'message-id-domain',
  'campaign-burst',
];

/** owner-x@, x-owner@, x-bounces@, x-bounces+user=host@, x-request@, bounce-...@ */
export function isListBounceLocal(local: string): boolean {
  const l = local.toLowerCase();
  return (
    l.startsWith('owner-') ||
    l.includes('-owner') ||
    l.includes('-bounces') ||
    l.includes('-bounce+') ||
    l.includes('-request') ||
    l.startsWith('bounce-') ||
    l.startsWith('bounces+') ||
    (l.includes('+') && l.includes('='))
  );
}

function listIdOf(v: string): string {
  const lt = v.lastIndexOf('<');
  const gt = v.lastIndexOf('>');
  return (lt >= 0 && gt > lt ? v.slice(lt + 1, gt) : v).trim().toLowerCase();
}

function signs(ctx: RuleContext): { header: string[]; strong: string[]; configured?: string } {
  const header: string[] = [];
  const strong: string[] = [];
  let configured: string | undefined;
  const lists = ctx.cfg.mailingLists;
  const listId = ctx.header('list-id')[0];
  if (listId !== undefined) {
    const id = listIdOf(listId.value);
    header.push(`List-Id ${id.slice(0, 100)}`);
    if (lists.has(id)) configured = id;
  }
  if (ctx.header('list-unsubscribe').length > 0) header.push('List-Unsubscribe');
  if (ctx.header('list-post').length > 0) header.push('List-Post');
  const prec = ctx.header('precedence')[0]?.value.trim().toLowerCase();
  if (prec === 'list' || prec === 'bulk') header.push(`Precedence: ${prec}`);
  const display = ctx.from?.display;
  if (display !== undefined && / via [^ ]/i.test(display))
    header.push(`From munged "${display.slice(0, 80)}"`);
  const sender = ctx.header('sender')[0];
  if (sender !== undefined) {
    const b = parseAddressHeader(sender.value).mailboxes[0];
    if (b?.local !== undefined && isListBounceLocal(b.local)) strong.push(`Sender ${b.address ?? ''}`);
    if (
      b?.address !== undefined &&
      (lists.has(b.address.toLowerCase()) || (b.domain !== undefined && lists.has(b.domain)))
    ) {
      configured = b.address;
    }
  }
  if (ctx.envLocal !== undefined && isListBounceLocal(ctx.envLocal))
    strong.push(`list bounce envelope ${ctx.envFrom ?? ''}`);
  const env = ctx.envFrom?.toLowerCase();
  if (
    env !== undefined &&
    env !== '' &&
    (lists.has(env) || (ctx.envDomain !== undefined && lists.has(ctx.envDomain)))
  ) {
    configured = env;
  }
  return configured === undefined ? { header, strong } : { header, strong, configured };
}

export const mailingListGuard: Guard = (ctx) => {
  const s = signs(ctx);
  const all = [...s.header, ...s.strong];
  if (s.configured !== undefined) {
    return [{ name: 'mailing-list', reason: `configured mailing list ${s.configured}`, factors: f(0.1) }];
  }
  if (all.length >= 2 && s.strong.length > 0) {
    return [{ name: 'mailing-list', reason: `mailing list: ${all.join(', ')}`, factors: f(0.1) }];
  }
  if (all.length > 0) {
    return [
      {
        name: 'mailing-list',
        reason: `possible mailing list (${all.join(', ')}; weak: headers alone can be forged)`,
        factors: weak(),
      },
    ];
  }
  return [];
};

/** Header signs alone do not explain authentication failures: a forger can add them. */
function weak(): Partial<Record<RuleId, number>> {
  const out = f(0.6);
  delete out['dmarc-fail'];
  delete out['dmarc-fail-derived'];
  delete out['dkim-fail'];
  return out;
}

function f(v: number): Partial<Record<RuleId, number>> {
  const out: Partial<Record<RuleId, number>> = {};
  for (const r of LIST_RULES) out[r] = v;
  return out;
}
