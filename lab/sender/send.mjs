#!/usr/bin/env node
// Sends every scenario once for one mode, each from its own source address and HELO, with
// swaks. Runs inside the lab's network namespace (its resolv.conf points at the lab DNS).
// Appends one JSON line per message to WORK/sent.jsonl: what was sent and what the MTA said.
//
//   node lab/sender/send.mjs --mode report-only --work lab/work --scenarios lab/scenarios.yaml [--only ID]
import { readFileSync, appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { buildBase, applyStep, newMessageId, domainOf, srs0 } from './message.mjs';
import { MX } from '../lib/topology.mjs';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string' },
    work: { type: 'string' },
    scenarios: { type: 'string' },
    only: { type: 'string' },
  },
});
if (!args.mode || !args.work || !args.scenarios) {
  console.error('usage: send.mjs --mode MODE --work DIR --scenarios FILE [--only ID]');
  process.exit(2);
}
const doc = YAML.parse(readFileSync(args.scenarios, 'utf8'));
const keys = JSON.parse(readFileSync(join(args.work, 'keys', 'keys.json'), 'utf8'));
const outDir = join(args.work, 'swaks');
mkdirSync(outDir, { recursive: true });

/** `{srs0:addr@domain via fwd.example}` style placeholders in envelope senders. */
function envelopeFrom(value) {
  const m = /^srs0\(([^,]+),([^,)]+)\)$/.exec(value);
  return m ? srs0(m[1].trim(), m[2].trim()) : value;
}

function smtpOutcome(out) {
  const queued = /<-\s+250 [\d.]+ Ok: queued as ([0-9A-Za-z]+)/.exec(out);
  const errs = [...out.matchAll(/^<\*\*\s+(\d{3}.*)$/gm)].map((m) => m[1]);
  // The command swaks sent just before the first error tells the SMTP stage.
  let stage;
  const firstErr = out.indexOf('<**');
  if (firstErr >= 0) {
    const before = out.slice(0, firstErr);
    const cmds = [...before.matchAll(/^ -> (EHLO|HELO|MAIL FROM|RCPT TO|DATA|AUTH|\.)/gm)].map((m) => m[1]);
    const last = cmds[cmds.length - 1];
    stage =
      { 'MAIL FROM': 'mail', 'RCPT TO': 'rcpt', DATA: 'data', '.': 'end-of-data', AUTH: 'auth' }[last] ??
      'connect';
  }
  return { accepted: queued !== null, queueId: queued?.[1], errors: errs, stage };
}

let failures = 0;
for (const sc of doc.scenarios) {
  if (args.only && sc.id !== args.only) continue;
  const fromDomain = domainOf(String(sc.headers?.From ?? 'x@lab.invalid'));
  const ctx = { mode: args.mode, keys, notes: [], messageId: newMessageId(sc.messageIdDomain ?? fromDomain) };
  let raw;
  try {
    const msg = buildBase(sc, ctx);
    for (const step of sc.steps ?? []) await applyStep(msg, step, ctx);
    raw = msg.toString();
  } catch (err) {
    console.error(`[send] ${sc.id}: building failed: ${err.stack ?? err}`);
    failures++;
    continue;
  }
  const mailFrom = envelopeFrom(sc.mailFrom);
  const port = sc.client.port ?? 25;
  const argv = [
    '--server',
    MX.ip,
    '--port',
    String(port),
    '--local-interface',
    sc.client.ip,
    '--helo',
    sc.client.helo,
    '--from',
    mailFrom,
    '--to',
    sc.rcpt.join(','),
    '--data',
    '-',
    '--timeout',
    '30',
    '--hide-informational',
  ];
  if (sc.client.auth) {
    argv.push(
      '--auth',
      'PLAIN',
      '--auth-user',
      sc.client.auth.user,
      '--auth-password',
      sc.client.auth.password,
    );
  }
  const r = spawnSync('swaks', argv, { input: raw, encoding: 'utf8', timeout: 60_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const base = `${args.mode}-${sc.id}`;
  writeFileSync(join(outDir, `${base}.eml`), raw);
  writeFileSync(join(outDir, `${base}.txt`), out);
  const outcome = smtpOutcome(out);
  const rec = {
    mode: args.mode,
    scenario: sc.id,
    messageId: ctx.messageId,
    clientIp: sc.client.ip,
    helo: sc.client.helo,
    port,
    mailFrom,
    rcpt: sc.rcpt,
    smtp: outcome,
    notes: ctx.notes,
    time: new Date().toISOString(),
  };
  appendFileSync(join(args.work, 'sent.jsonl'), `${JSON.stringify(rec)}\n`);
  const what = outcome.accepted
    ? `queued as ${outcome.queueId}`
    : `refused at ${outcome.stage}: ${outcome.errors[0] ?? '?'}`;
  console.error(
    `[send] ${args.mode} ${sc.id}: ${what}${ctx.notes.length ? ` (${ctx.notes.join('; ')})` : ''}`,
  );
  if (!outcome.accepted && outcome.errors.length === 0) {
    console.error(out);
    failures++;
  }
}
process.exit(failures > 0 ? 1 : 0);
