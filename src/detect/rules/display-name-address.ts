/**
 * display-name-address: the From display name carries an e-mail address (or domain) of
 * another organisation than the real address — `"ceo@example.com" <x@attacker.test>` —
 * so that clients showing only the name show the forged address. Stronger when the
 * displayed domain is a protected one. A protected domain named bare in the display name
 * ("example.com Support") counts too.
 * Spares: display names naming the same organisation as the address.
 * Anchors: Rspamd FROM_NAME_HAS_TITLE / SPOOF_DISPLAY_NAME; SpamAssassin FROM_ADDR_WS / __FROM_NAME_ADDR.
 */
import { IMPERSONATION } from '../attack.js';
import { normalizeDomain } from '../domains.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';

function isAddrChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 ||
    c === 45 ||
    c === 95 ||
    c === 43 ||
    c > 127
  );
}

/** Domains of the address-like tokens ("x@domain") inside a display name (at most 5). */
export function displayNameDomains(display: string): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < 5) {
    const at = display.indexOf('@', from);
    if (at < 0) break;
    let end = at + 1;
    while (end < display.length && isAddrChar(display.charCodeAt(end))) end++;
    let raw = display.slice(at + 1, end);
    while (raw.endsWith('.') || raw.endsWith('-')) raw = raw.slice(0, -1);
    const d = normalizeDomain(raw);
    if (d !== undefined && d.includes('.')) out.push(d);
    from = at + 1;
  }
  return out;
}

/** Bare domain-like tokens ("example.com") in a display name, at most 5. */
export function displayNameBareDomains(display: string): string[] {
  const out: string[] = [];
  if (!display.includes('.')) return out; // every bare domain has a dot
  let start = -1;
  const flush = (end: number): void => {
    if (start < 0) return;
    let raw = display.slice(start, end);
    start = -1;
    while (raw.endsWith('.') || raw.endsWith('-')) raw = raw.slice(0, -1);
    if (!raw.includes('.') || raw.includes('@')) return;
    const d = normalizeDomain(raw);
    if (d !== undefined && out.length < 5) out.push(d);
  };
  for (let i = 0; i <= display.length && out.length < 5; i++) {
    const c = i < display.length ? display.charCodeAt(i) : 32;
    if (isAddrChar(c) || c === 64) {
      if (start < 0) start = i;
    } else flush(i);
  }
  return out;
}

export const displayNameAddress: Rule = (ctx) => {
  const box = ctx.from;
  if (box?.display === undefined || ctx.fromOrg === undefined) return NO_FINDINGS;
  if (box.display.includes('@')) {
    for (const d of displayNameDomains(box.display)) {
      if (ctx.org(d) === ctx.fromOrg) continue;
      const prot = ctx.isProtected(d);
      return [
        finding(ctx, 'display-name-address', {
          severity: prot ? 'high' : 'medium',
          factor: prot ? 25 / 15 : 1,
          summary:
            `From display name shows an address at ${d}${prot ? ' (a protected domain)' : ''} ` +
            `but the real address is ${box.address ?? '?'}`,
          fields: {
            display_name: box.display,
            display_domain: d,
            header_from: ctx.fromDomain ?? null,
            protected: prot,
          },
          attack: IMPERSONATION,
        }),
      ];
    }
  }
  // "corp.example IT desk" <x@attacker.test>: a protected domain named without an address.
  if (ctx.isProtected(ctx.fromDomain)) return NO_FINDINGS;
  for (const d of displayNameBareDomains(box.display)) {
    if (!ctx.isProtected(d) || ctx.org(d) === ctx.fromOrg) continue;
    return [
      finding(ctx, 'display-name-address', {
        severity: 'medium',
        summary: `From display name names protected domain ${d} but the real address is ${box.address ?? '?'}`,
        fields: {
          display_name: box.display,
          display_domain: d,
          header_from: ctx.fromDomain ?? null,
          protected: true,
        },
        attack: IMPERSONATION,
      }),
    ];
  }
  return NO_FINDINGS;
};
