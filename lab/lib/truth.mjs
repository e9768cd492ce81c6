#!/usr/bin/env node
// Joins the scenarios (expected verdicts) with what was actually sent (Message-ID, client,
// queue id, SMTP outcome) into lab/fixtures/truth.json -- the ground truth the lab tests
// check spoofwatch against. The label lives only here, never in a logged header.
//   node lab/lib/truth.mjs lab/scenarios.yaml lab/work/sent.jsonl lab/fixtures/truth.json
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { AUTHSERV_ID, MX, PROTECTED } from './topology.mjs';

const [scenariosPath, sentPath, outPath, ...runModes] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: truth.mjs SCENARIOS SENT_JSONL OUT');
  process.exit(2);
}
const doc = YAML.parse(readFileSync(scenariosPath, 'utf8'));
// The modes this run did (run.sh passes them; Exim's are left out when it has no chroot).
const modes = runModes.length > 0 ? runModes : doc.modes;
const byId = new Map(doc.scenarios.map((s) => [s.id, s]));
const sent = readFileSync(sentPath, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));

function logName(mode) {
  if (mode.startsWith('haproxy-')) return `haproxy-postfix-${mode.slice(8)}.log`;
  if (mode.startsWith('exim-') || mode.startsWith('sendmail-')) return `${mode}.log`;
  return `postfix-${mode}.log`;
}

function expectedOutcome(sc, mode) {
  // Exim has no DMARC: in exim-enforce only its SPF ACL rejects (what policyd-spf rejects).
  if (mode === 'exim-enforce') {
    return sc.enforce?.by === 'policyd-spf'
      ? { disposition: 'rejected', blocked: true, stage: 'rcpt', by: 'exim' }
      : { disposition: 'delivered', blocked: false };
  }
  // Sendmail's SPF milter (pyspf-milter) rejects at MAIL FROM; OpenDMARC as with Postfix.
  if (mode === 'sendmail-enforce' && sc.enforce?.by === 'policyd-spf') {
    return { disposition: 'rejected', blocked: true, stage: 'mail', by: 'pyspf-milter' };
  }
  // Scenarios sent in a single mode (the postscreen bot) are blocked whatever the mode.
  const always = sc.modes !== undefined;
  if (mode !== 'enforce' && mode !== 'sendmail-enforce' && !always)
    return { disposition: 'delivered', blocked: false };
  const e = sc.enforce ?? { disposition: 'delivered' };
  return {
    disposition: e.disposition,
    blocked: e.disposition !== 'delivered',
    ...(e.stage ? { stage: e.stage } : {}),
    ...(e.by ? { by: e.by } : {}),
  };
}

const truth = {
  about:
    'Ground truth for the spoofwatch mail lab: every scenario sent once per mode; join a record to its message by Message-ID, else (NOQUEUE rejects) by client IP, which is unique per scenario within a mode log.',
  protectedDomain: PROTECTED,
  authservId: AUTHSERV_ID,
  mx: MX,
  modes,
  logs: Object.fromEntries(modes.map((m) => [m, logName(m)])),
  scenarios: doc.scenarios.map((s) => ({
    id: s.id,
    title: s.title,
    label: s.label,
    verdict: s.verdict,
    ...(s.verdictNote ? { verdictNote: s.verdictNote } : {}),
    clientIp: s.client.ip,
    helo: s.client.helo,
    enforce: s.enforce,
    ...(s.modes ? { modes: s.modes } : {}),
  })),
  messages: sent.map((m) => {
    const sc = byId.get(m.scenario);
    return {
      mode: m.mode,
      scenario: m.scenario,
      label: sc.label,
      verdict: sc.verdict,
      expected: expectedOutcome(sc, m.mode),
      messageId: m.messageId,
      clientIp: m.clientIp,
      helo: m.helo,
      mailFrom: m.mailFrom,
      rcpt: m.rcpt,
      smtp: m.smtp,
    };
  }),
};
// One message per line keeps the committed file small and its diffs readable.
const head = JSON.stringify({ ...truth, messages: [] }, null, 2).replace(
  /"messages": \[\]\n\}$/,
  '"messages": [',
);
const body = truth.messages.map((m) => `    ${JSON.stringify(m)}`).join(',\n');
writeFileSync(outPath, `${head}\n${body}\n  ]\n}\n`);
console.error(`truth: ${truth.scenarios.length} scenarios, ${truth.messages.length} messages`);
