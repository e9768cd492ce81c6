/**
 * Coverage report renderers: text (terminal), json (machines), md (tickets, wikis). Host
 * and program names come from the logs: they go through terminalSafe / markdownSafe.
 */
import { prettyJson } from '../output/json-line.js';
import { markdownCodeBlock, markdownSafe, terminalSafe } from '../output/safe-text.js';
import type { CoverageReport, Share } from './report.js';

export type CoverageFormat = 'text' | 'json' | 'md';

function pct(s: number | null): string {
  if (s === null) return '-';
  const p = 100 * s;
  return `${p > 0 && p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
}

function shareCell(s: Share | undefined): string {
  if (s === undefined || s.total === 0) return '-';
  return `${pct(s.share)} (${s.present}/${s.total})`;
}

/** Hosts given their own column / share in the text and Markdown (the busiest); JSON has all. */
export const MAX_HOST_COLUMNS = 8;

function busiestHosts(r: CoverageReport): string[] {
  return r.inventory.hosts
    .filter((h) => h.messages.total > 0)
    .sort((a, b) => b.messages.total - a.messages.total)
    .slice(0, MAX_HOST_COLUMNS)
    .map((h) => h.host);
}

function list(xs: readonly string[]): string {
  return xs.length === 0 ? 'none' : xs.join(', ');
}

function renderText(r: CoverageReport): string {
  const t = terminalSafe;
  const inv = r.inventory;
  const out: string[] = [];
  out.push('spoofwatch coverage: can these logs support spoofing detection?', '');
  out.push('INVENTORY');
  out.push(
    `  lines        ${inv.lines} read, ${pct(inv.recognisedShare)} recognised (${inv.unrecognised} unrecognised)`,
  );
  out.push(
    `  time span    ${inv.timeSpan.first ?? '?'} → ${inv.timeSpan.last ?? '?'}` +
      (inv.timeSpan.days !== null ? ` (${inv.timeSpan.days} days)` : ''),
  );
  out.push(`  MTAs         ${list(inv.mtas)}`);
  out.push(`  milters      ${list(inv.milters)}`);
  out.push(`  proxies      ${list(inv.proxies)}`);
  out.push(`  content filter / re-injection: ${inv.contentFilters ? 'seen' : 'not seen'}`);
  for (const x of inv.internalRelays)
    out.push(`  relay        ${t(x.from)} → ${t(x.to)} (${x.messages} deliveries)`);
  const m = inv.messages;
  out.push(
    `  messages     ${m.total}: ${m.accepted} accepted, ${m.rejected} refused before DATA; ` +
      `${m.inbound} inbound, ${m.outbound} outbound, ${m.unknownDirection} direction unknown`,
  );
  for (const h of inv.hosts) {
    out.push(`  host ${t(h.host)} (${h.mta}): ${h.lines} lines, ${h.messages.total} messages`);
    const progs = Object.entries(h.programs)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([p, n]) => `${t(p)} ${n}`)
      .join(', ');
    out.push(`      programs: ${progs === '' ? 'none' : progs}`);
    if (h.milters.length > 0 || h.proxies.length > 0)
      out.push(`      milters/policy: ${list(h.milters)}; proxies: ${list(h.proxies)}`);
    const relays = Object.entries(h.relays)
      .map(([k, n]) => `${t(k)} ${n}`)
      .join(', ');
    if (relays !== '') out.push(`      next hops: ${relays}`);
    if (h.contentFilterReinjection > 0)
      out.push(`      content-filter re-injection: ${h.contentFilterReinjection}`);
  }
  out.push('', 'FIELDS (share of messages where the logs carry it)');
  const hostNames = busiestHosts(r);
  for (const f of r.fields) {
    const per =
      hostNames.length > 1
        ? '  ' + hostNames.map((h) => `${t(h)}: ${shareCell(f.byHost[h])}`).join('; ')
        : '';
    out.push(`  ${f.label.padEnd(38)} ${shareCell(f).padEnd(18)} [${f.scope}]${per}`);
  }
  out.push('', `GAPS (${r.gaps.length})`);
  r.gaps.forEach((g, i) => {
    const where = g.hosts.length > 0 ? ` on ${g.hosts.map(t).join(', ')}` : '';
    out.push(
      '',
      `${i + 1}. [${g.severity}] ${g.field}${where}${g.closable ? '' : ' (the logs cannot close this)'}`,
    );
    out.push(`   impact: ${t(g.impact)}`);
    out.push('   remedy:');
    for (const l of g.remedy.split('\n')) out.push(`     ${t(l)}`);
  });
  if (r.notes.length > 0) {
    out.push('', 'NOTES');
    for (const n of r.notes) out.push(`  - ${t(n)}`);
  }
  return `${out.join('\n')}\n`;
}

function renderMarkdown(r: CoverageReport): string {
  const s = markdownSafe;
  const inv = r.inventory;
  const out: string[] = [];
  out.push('# spoofwatch coverage', '');
  out.push('## Inventory', '');
  out.push(
    `- Lines: ${inv.lines} read, ${pct(inv.recognisedShare)} recognised (${inv.unrecognised} unrecognised)`,
  );
  out.push(
    `- Time span: ${inv.timeSpan.first ?? '?'} → ${inv.timeSpan.last ?? '?'}` +
      (inv.timeSpan.days !== null ? ` (${inv.timeSpan.days} days)` : ''),
  );
  out.push(
    `- MTAs: ${s(list(inv.mtas))}; milters/policy: ${s(list(inv.milters))}; proxies: ${s(list(inv.proxies))}`,
  );
  const m = inv.messages;
  out.push(
    `- Messages: ${m.total} (${m.accepted} accepted, ${m.rejected} refused before DATA; ` +
      `${m.inbound} inbound, ${m.outbound} outbound, ${m.unknownDirection} unknown)`,
    '',
  );
  out.push('| Host | MTA | Lines | Messages | Milters / policy | Proxies | Re-injection |');
  out.push('|---|---|---:|---:|---|---|---:|');
  for (const h of inv.hosts)
    out.push(
      `| ${s(h.host)} | ${h.mta} | ${h.lines} | ${h.messages.total} | ${s(list(h.milters))} | ${s(list(h.proxies))} | ${h.contentFilterReinjection} |`,
    );
  out.push('', '## Fields', '');
  const hostNames = busiestHosts(r);
  const withMessages = inv.hosts.filter((h) => h.messages.total > 0).length;
  if (withMessages > hostNames.length)
    out.push(
      `Per host: the ${hostNames.length} busiest of ${withMessages} hosts (all are in the JSON output).`,
      '',
    );
  out.push(`| Field | Scope | All hosts |${hostNames.map((h) => ` ${s(h)} |`).join('')}`);
  out.push(`|---|---|---|${hostNames.map(() => '---|').join('')}`);
  for (const f of r.fields)
    out.push(
      `| ${s(f.label)} | ${f.scope} | ${shareCell(f)} |${hostNames.map((h) => ` ${shareCell(f.byHost[h])} |`).join('')}`,
    );
  out.push('', `## Gaps (${r.gaps.length})`);
  r.gaps.forEach((g, i) => {
    const where = g.hosts.length > 0 ? ` on ${g.hosts.map(s).join(', ')}` : '';
    out.push(
      '',
      `### ${i + 1}. ${s(g.field)} (${g.severity})${where}${g.closable ? '' : ' (the logs cannot close this)'}`,
    );
    out.push('', s(g.impact), '', markdownCodeBlock(g.remedy.split('\n')).trimEnd());
  });
  if (r.notes.length > 0) {
    out.push('', '## Notes', '');
    for (const n of r.notes) out.push(`- ${s(n)}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderCoverage(report: CoverageReport, format: CoverageFormat): string {
  switch (format) {
    case 'json':
      return prettyJson(report);
    case 'md':
      return renderMarkdown(report);
    default:
      return renderText(report);
  }
}
