#!/usr/bin/env node
// Sends every scenario once for one mode, each from its own source address and HELO, with
// swaks. Runs inside the lab's network namespace (its resolv.conf points at the lab DNS).
// Appends one JSON line per message to WORK/sent.jsonl: what was sent and what the MTA said.
//
//   node lab/sender/send.mjs --mode report-only --work lab/work --scenarios lab/scenarios.yaml [--only ID]
import { readFileSync, appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout, clearTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { buildBase, applyStep, newMessageId, domainOf, srs0 } from './message.mjs';
import { MX } from '../lib/topology.mjs';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string' },
    server: { type: 'string' },
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
  // Postfix "250 2.0.0 Ok: queued as ID", Exim "250 OK id=ID", Sendmail "250 2.0.0 ID Message accepted".
  const q =
    /<-\s+250 (?:[\d.]+ Ok: queued as ([0-9A-Za-z]+)|OK id=([0-9A-Za-z-]+)|[\d.]+ ([0-9A-Za-z]+) Message accepted)/.exec(
      out,
    );
  const queued = q === null ? null : [q[0], q[1] ?? q[2] ?? q[3]];
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

/**
 * A spambot's session: talks before the banner (which postscreen's pregreet test catches),
 * then MAIL, RCPT, QUIT. swaks always waits for the banner, so this one is raw node:net.
 * Returns a swaks-like transcript (-> sent, <- received, <** error replies).
 */
function pregreetSession({ server, port, localAddress, helo, mailFrom, rcpt }) {
  return new Promise((resolveSession) => {
    const out = [];
    const steps = [`MAIL FROM:<${mailFrom}>`, `RCPT TO:<${rcpt}>`, 'QUIT'];
    let next = 0;
    let buf = '';
    const sock = connect({ host: server, port, localAddress });
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolveSession(out.join('\n'));
    };
    const timer = setTimeout(() => {
      out.push('=== timeout');
      done();
    }, 20_000);
    const send = (cmd) => {
      out.push(` -> ${cmd}`);
      sock.write(`${cmd}\r\n`);
    };
    sock.on('connect', () => send(`EHLO ${helo}`));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const final = /^\d{3}(?: |$)/.test(line);
        out.push(`${final && line[0] !== '2' && line[0] !== '3' ? '<**' : '<- '} ${line}`);
        if (!final) continue;
        // A 220 is the banner (postscreen may never finish it after a pregreet); any other
        // final reply answers the last command.
        if (line.startsWith('220')) continue;
        if (next < steps.length) send(steps[next++]);
        else done();
      }
    });
    sock.on('error', (e) => {
      out.push(`=== ${e.message}`);
      done();
    });
    sock.on('close', done);
  });
}

let failures = 0;
for (const sc of doc.scenarios) {
  if (args.only && sc.id !== args.only) continue;
  if (sc.modes && !sc.modes.includes(args.mode)) continue;
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
    args.server ?? MX.ip,
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
  let out;
  if (sc.client.pregreet) {
    out = await pregreetSession({
      server: args.server ?? MX.ip,
      port,
      localAddress: sc.client.ip,
      helo: sc.client.helo,
      mailFrom,
      rcpt: sc.rcpt[0],
    });
  } else {
    const r = spawnSync('swaks', argv, { input: raw, encoding: 'utf8', timeout: 60_000 });
    out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  }
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
