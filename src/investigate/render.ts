/**
 * Investigation renderers. Markdown for a ticket or a case file: every log value through
 * markdownSafe, raw lines in a fenced block that a line containing ``` cannot close, with
 * terminal controls escaped; the evidence table gives file, line and SHA-256 of each raw
 * line as read (hashed before any escaping). JSON keeps the raw lines verbatim.
 */
import { markdownCodeBlock, markdownSafe } from '../output/safe-text.js';
import { prettyJson } from '../output/json-line.js';
import type { InvestigateReport, MessageStory } from './index.js';

export type InvestigateFormat = 'md' | 'json';

function renderJson(r: InvestigateReport): string {
  return prettyJson(r);
}

function verdictBlock(m: MessageStory): string[] {
  const s = markdownSafe;
  const v = m.verdict;
  const out: string[] = [];
  out.push(`### Verdict: **${v.verdict.toUpperCase()}** (score ${v.score})`, '');
  if (v.findings.length > 0) {
    out.push('| Rule | Severity | Weight (before guards) | Finding | ATT&CK | Guard |');
    out.push('|---|---|---:|---|---|---|');
    for (const f of v.findings) {
      const guard = f.guard !== undefined ? `${s(f.guard.name)}: ${s(f.guard.reason)}` : '';
      out.push(
        `| ${s(f.rule)} | ${f.severity} | ${f.weight} (${f.baseWeight}) | ${s(f.summary)} | ${s(f.attack.join(', '))} | ${guard} |`,
      );
    }
    out.push('');
    for (const f of v.findings) {
      const fields = Object.entries(f.fields)
        .map(([k, val]) => `${s(k)}=${s(String(val))}`)
        .join(', ');
      if (fields !== '') out.push(`- ${s(f.rule)}: ${fields}`);
    }
    out.push('');
  } else {
    out.push('No findings.', '');
  }
  if (v.missing.length > 0) out.push(`Missing from the logs: ${v.missing.map(s).join(', ')}`, '');
  return out;
}

function renderMarkdown(r: InvestigateReport): string {
  const s = markdownSafe;
  const out: string[] = [];
  out.push(`# Investigation: ${s(r.query)}`, '');
  out.push(`Inputs: ${r.files.map(s).join(', ')}`, '');
  out.push(`${r.messages.length} message record(s), ${r.timeline.length} line(s).`, '');
  for (const m of r.messages) {
    out.push(`## ${s(m.id)} (${s(m.mta)} on ${s(m.host)})`, '');
    out.push(
      `- Matched by: ${m.matchedBy === 'hop' ? 'hop (the same message on another host: "queued as" or its Message-ID)' : m.matchedBy}`,
    );
    out.push(`- Queue ids: ${m.queueIds.map(s).join(', ') || 'none (rejected before queueing)'}`);
    if (m.messageId !== undefined) out.push(`- Message-ID: ${s(m.messageId)}`);
    out.push(`- Disposition: ${s(m.disposition)}${m.agedOut ? ' (aged out: no final line seen)' : ''}`);
    out.push(`- First / last seen: ${m.firstSeen ?? '?'} / ${m.lastSeen ?? '?'}`);
    if (m.recipients.length > 0)
      out.push(
        `- Recipients: ${m.recipients
          .slice(0, 20)
          .map((x) => `${s(x.to)} (${s(x.status)}${x.relay !== undefined ? ` via ${s(x.relay)}` : ''})`)
          .join(', ')}${m.recipients.length > 20 ? `, … ${m.recipients.length - 20} more` : ''}`,
      );
    out.push('');
    out.push(...verdictBlock(m));
    out.push('### Identities', '');
    out.push('| Identity | Value | Domain | Org domain | Same org as From | Source |');
    out.push('|---|---|---|---|---|---|');
    for (const i of m.identities) {
      const same = i.sameOrgAsFrom === undefined ? '' : i.sameOrgAsFrom ? 'yes' : '**no**';
      out.push(
        `| ${s(i.name)} | ${s(i.value)}${i.truncated === true ? ' (cut)' : ''} | ${s(i.domain ?? '')} | ${s(i.org ?? '')} | ${same} | ${s(i.source ?? '')} |`,
      );
    }
    out.push('');
  }
  out.push('## Timeline', '');
  out.push(
    'Every line, in time order across daemons, hosts and hops. `[n]` refers to the evidence table.',
    '',
  );
  out.push(
    markdownCodeBlock(r.timeline.map((l, i) => `[${i + 1}]${l.attached ? ' ' : '+'} ${l.raw}`)).trimEnd(),
    '',
    '`+` marks a line found by the second look (same queue id, Message-ID or SMTP session) that the correlator did not attach.',
    '',
  );
  out.push('## Evidence', '');
  out.push(
    'SHA-256 of each raw line exactly as read (UTF-8, without the line terminator), before any escaping for display.',
    '',
  );
  out.push('| # | File | Line | SHA-256 | Exact | Attached |');
  out.push('|---:|---|---:|---|---|---|');
  r.timeline.forEach((l, i) => {
    out.push(
      `| ${i + 1} | ${s(l.file)} | ${l.line} | ${l.sha256} | ${l.exact ? 'yes' : 'no'} | ${l.attached ? 'yes' : 'no'} |`,
    );
  });
  if (r.notes.length > 0) {
    out.push('', '## Notes', '');
    for (const n of r.notes) out.push(`- ${s(n)}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderInvestigate(report: InvestigateReport, format: InvestigateFormat): string {
  return format === 'json' ? renderJson(report) : renderMarkdown(report);
}
