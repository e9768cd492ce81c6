/**
 * forged-auth-results: an Authentication-Results or ARC-Authentication-Results header
 * carrying one of our own authserv-ids (config `authservId`; by default the logging MTA's
 * host name, OpenDKIM's and OpenDMARC's default) on mail from outside. Postfix logs
 * header_checks before milters add their own results, so any such header logged on inbound
 * mail came from the sender: a forgery meant to fool downstream filters or the reader.
 * Spares: headers logged through milter_header_checks (the record's flag, or its own
 * `milter-header-` line) and headers logged on a later hop of the same message on this
 * host (content-filter re-injection carries what our milters added in the first pass); trusted networks / SASL / local
 * (an internal hop legitimately carries our stamp).
 * Anchors: RFC 8601 section 5 (remove A-R with own authserv-id from outside); Rspamd
 * milter_headers "remove" of Authentication-Results; SpamAssassin's internal-network trust.
 */
import { authservIdOf, isOurAuthserv, milterAdded } from '../authserv.js';
import { finding, NO_FINDINGS, type Rule } from '../finding.js';
import type { Finding } from '../verdict.js';

const HEADERS = [
  ['authentication-results', false],
  ['arc-authentication-results', true],
] as const;

export const forgedAuthResults: Rule = (ctx) => {
  if (!ctx.outside) return NO_FINDINGS;
  // Most messages carry no Authentication-Results of their own.
  if (ctx.header(HEADERS[0][0]).length === 0 && ctx.header(HEADERS[1][0]).length === 0) return NO_FINDINGS;
  const ours = ctx.cfg.authserv;
  // A forgery claim needs the id to be ours for sure: with a short syslog host name, only
  // "<host>.<protected domain>" counts (a forwarder's mx.fwd.example is not our "mx").
  const isOurs = (id: string): boolean => isOurAuthserv(id, ours, ctx.record.host, (d) => ctx.isProtected(d));
  let out: Finding[] | undefined; // made by the first finding: most messages have none
  for (const [name, arc] of HEADERS) {
    for (const h of ctx.header(name)) {
      if (milterAdded(ctx.record, h)) continue;
      const id = authservIdOf(h.value, arc);
      if (id === undefined || !isOurs(id)) continue;
      (out ??= []).push(
        finding(ctx, 'forged-auth-results', {
          severity: 'critical',
          summary:
            `${arc ? 'ARC-Authentication-Results' : 'Authentication-Results'} with our own authserv-id ${id} ` +
            `arrived with the message from outside client ${ctx.record.session.clientIp ?? ''}: forged`,
          fields: {
            header: arc ? 'ARC-Authentication-Results' : 'Authentication-Results',
            authserv_id: id,
            value: h.value.slice(0, 256),
            authserv_source: ours.size > 0 ? 'config' : 'mta-hostname',
            client_ip: ctx.record.session.clientIp ?? null,
          },
        }),
      );
      return out ?? NO_FINDINGS;
    }
  }
  return out ?? NO_FINDINGS;
};
