#!/usr/bin/env node
/**
 * Writes a large, realistic mail log for the benchmark: interleaved SMTP sessions on
 * Postfix MXs with postscreen, policyd-spf, OpenDKIM, OpenDMARC and header_checks lines,
 * delivered, rejected and spoofed messages, unique queue ids and advancing time.
 *
 *   node bench/generate.mjs [--lines N] [--hosts N] [--out FILE]
 *   node bench/generate.mjs --base FILE --repeat N [--out FILE]
 *
 * --hosts N   a central syslog of N MX hosts (mx1..mxN), their sessions interleaved, as a
 *             SOC collects them (default 1)
 * --base      a real log repeated N times; each copy gets its own queue ids (same shape,
 *             short hex or long Postfix ids) and its times shifted past the previous copy,
 *             so the correlator sees new messages in time order
 */
import { createWriteStream } from 'node:fs';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    out: { type: 'string', default: '.bench/mail.log' },
    base: { type: 'string' },
    repeat: { type: 'string', default: '10' },
    hosts: { type: 'string', default: '1' },
  },
});
const target = Number(values.lines);
const HOSTS = Math.max(1, Math.floor(Number(values.hosts)));
mkdirSync(dirname(values.out), { recursive: true });
// Written under another name and renamed when complete: bench/run.mjs reuses a log of the
// final name, and one cut short (Ctrl-C) would be measured as if it held --lines lines.
const partial = `${values.out}.partial`;
const out = createWriteStream(partial);
function finish(message) {
  out.end(() => {
    renameSync(partial, values.out);
    process.stderr.write(`${message}\n`);
  });
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let t = Date.UTC(2026, 0, 1, 0, 0, 0);
function stamp() {
  const d = new Date(t);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MON[d.getUTCMonth()]} ${day} ${hh}:${mm}:${ss}`;
}
let seed = 42;
function rnd(n) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}
const senders = [
  'example.com',
  'example.net',
  'shop.example',
  'news.example.org',
  'bank.example',
  'esp.example',
];
const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
let qn = 0x1000000;
let lines = 0;
let buf = [];
/** Lines of the message being built; messages are then interleaved like concurrent sessions. */
let current = [];
/** The MX host of the message being built. */
let mx = 'mx1';
function emit(pid, prog, msg) {
  current.push(`${mx} ${prog}[${pid}]: ${msg}`);
}
function flushIfNeeded() {
  if (buf.length >= 5000) {
    const ok = out.write(buf.join('\n') + '\n');
    buf = [];
    return ok;
  }
  return true;
}

function message() {
  mx = HOSTS === 1 ? 'mx1' : `mx${1 + ((rnd(1 << 30) >>> 12) % HOSTS)}`;
  const qid = (qn++).toString(16).toUpperCase().padStart(10, '0');
  const pid = 1000 + rnd(30000);
  const psPid = 900;
  const oct = `${1 + rnd(250)}.${rnd(255)}.${rnd(255)}`;
  const ip = `198.51.${oct.split('.')[1]}.${oct.split('.')[2]}`;
  const port = 1024 + rnd(60000);
  const kind = rnd(20); // 0-13 legit, 14-16 spoof, 17-19 rejected
  const dom = senders[rnd(senders.length)];
  const user = users[rnd(users.length)];
  const host = kind < 14 ? `mail.${dom}` : 'unknown';
  const helo = kind < 14 ? `mail.${dom}` : `${ip}`;
  const envFrom = kind >= 14 && kind < 17 ? `bounce@mailer.attacker.test` : `${user}@${dom}`;
  const hdrDom = kind === 15 ? 'corp.example' : dom;
  const rcpt = `${users[rnd(users.length)]}@corp.example`;
  emit(psPid, 'postfix/postscreen', `CONNECT from [${ip}]:${port} to [192.0.2.25]:25`);
  emit(psPid, 'postfix/postscreen', `PASS OLD [${ip}]:${port}`);
  emit(pid, 'postfix/smtpd', `connect from ${host}[${ip}]`);
  const spf = kind >= 14 && kind < 17 ? 'Fail' : 'Pass';
  emit(
    pid + 7,
    'policyd-spf',
    `prepend Received-SPF: ${spf} (mailfrom) identity=mailfrom; client-ip=${ip}; helo=${helo}; envelope-from=${envFrom}; receiver=<UNKNOWN>`,
  );
  if (kind >= 17) {
    emit(
      pid,
      'postfix/smtpd',
      `NOQUEUE: reject: RCPT from ${host}[${ip}]: 550 5.7.23 <${rcpt}>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.open-spf.org/Why?s=mfrom;id=${envFrom};ip=${ip};r=<UNKNOWN>; from=<${envFrom}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`,
    );
    emit(pid, 'postfix/smtpd', `disconnect from ${host}[${ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4`);
    return;
  }
  emit(pid, 'postfix/smtpd', `${qid}: client=${host}[${ip}]`);
  emit(pid + 1, 'postfix/cleanup', `${qid}: message-id=<${qn}.${rnd(1e6)}@${hdrDom}>`);
  emit(
    pid + 1,
    'postfix/cleanup',
    `${qid}: warning: header From: "${user}" <${user}@${hdrDom}> from ${host}[${ip}]; from=<${envFrom}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`,
  );
  emit(
    pid + 1,
    'postfix/cleanup',
    `${qid}: warning: header Subject: Invoice ${qn} for your account from ${host}[${ip}]; from=<${envFrom}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`,
  );
  if (kind === 16)
    emit(
      pid + 1,
      'postfix/cleanup',
      `${qid}: warning: header Reply-To: <payments@freemail.test> from ${host}[${ip}]; from=<${envFrom}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`,
    );
  if (kind < 14) {
    emit(pid + 2, 'opendkim', `${qid}: DKIM verification successful`);
    emit(pid + 2, 'opendkim', `${qid}: s=sel1 d=${dom} SSL`);
  } else {
    emit(pid + 2, 'opendkim', `${qid}: no signature data`);
  }
  emit(pid + 3, 'opendmarc', `${qid}: ${hdrDom} ${kind < 14 ? 'pass' : 'fail'}`);
  emit(
    pid + 4,
    'postfix/qmgr',
    `${qid}: from=<${envFrom}>, size=${1000 + rnd(90000)}, nrcpt=1 (queue active)`,
  );
  emit(
    pid + 5,
    'postfix/local',
    `${qid}: to=<${rcpt}>, relay=local, delay=0.${rnd(9)}, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
  );
  emit(pid + 4, 'postfix/qmgr', `${qid}: removed`);
  emit(pid, 'postfix/smtpd', `disconnect from ${host}[${ip}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5`);
}

/** In-flight messages; each step writes the next line of a random one (sessions overlap). */
const CONCURRENT = 40;
const inflight = [];
function step() {
  while (inflight.length < CONCURRENT) {
    current = [];
    message();
    inflight.push({ lines: current, next: 0 });
  }
  const i = rnd(inflight.length);
  const m = inflight[i];
  buf.push(`${stamp()} ${m.lines[m.next++]}`);
  lines++;
  t += 11;
  if (m.next >= m.lines.length) {
    inflight[i] = inflight[inflight.length - 1];
    inflight.pop();
  }
}

async function run() {
  while (lines < target) {
    step();
    if (!flushIfNeeded()) await new Promise((r) => out.once('drain', r));
  }
  if (buf.length > 0) out.write(buf.join('\n') + '\n');
  finish(`wrote ${lines} lines to ${values.out}`);
}
/** Alphabets of Postfix queue ids: short ids are hex; long ids use base 52 with `z` as separator. */
const HEX = '0123456789ABCDEF';
const B52 = '0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy';
/** Queue ids as a line's first field (`prog[pid]: ID: `) or in `queued as ID`; they contain a digit. */
const QID_AT = /(?:\]: |queued as )([0-9A-Za-z]{6,20})\b/g;

/** The id with its first 6 characters moved `r` places along its alphabet: same shape, new id. */
function shiftId(id, r) {
  const alpha = /^[0-9A-F]+$/.test(id) ? HEX : B52;
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const k = alpha.indexOf(id[i]);
    out += i < 6 && k >= 0 ? alpha[(k + r) % alpha.length] : id[i];
  }
  return out;
}

const MONTHS = Object.fromEntries(MON.map((m, i) => [m, i]));
/** A line's leading stamp (ISO 8601 or BSD) -> { ms, len, fmt } or null. ms reads the wall clock as UTC. */
function readStamp(line) {
  let m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(line);
  if (m) {
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    return { ms, len: 19, iso: true };
  }
  m = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)/.exec(line);
  if (m && m[1] in MONTHS) {
    const ms = Date.UTC(2023, MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5]);
    return { ms, len: 15, iso: false };
  }
  return null;
}
function writeStamp(ms, iso) {
  const d = new Date(ms);
  if (iso) return d.toISOString().slice(0, 19);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${MON[d.getUTCMonth()]} ${day} ${d.toISOString().slice(11, 19)}`;
}

/**
 * --base FILE --repeat N: a real log repeated N times. Copy r has every queue id shifted
 * (r places in its alphabet: distinct ids, same shape, links such as `queued as` kept) and
 * every stamp moved r × (the log's span + 1 min), so copies follow each other in time.
 */
async function repeatBase() {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(values.base, 'utf8');
  const src = text.split('\n');
  if (src.at(-1) === '') src.pop();
  const ids = new Set();
  for (const line of src) for (const m of line.matchAll(QID_AT)) if (/\d/.test(m[1])) ids.add(m[1]);
  let first = null;
  let last = null;
  for (const line of src) {
    const st = readStamp(line);
    if (st === null) continue;
    if (first === null) first = st.ms;
    last = st.ms;
  }
  const span = first === null ? 0 : last - first + 60_000;
  const TOKEN = /[0-9a-z]{6,20}/gi;
  for (let r = 0; r < Number(values.repeat); r++) {
    const map = new Map();
    for (const id of ids) map.set(id, r === 0 ? id : shiftId(id, r));
    const copy = [];
    for (const line of src) {
      const st = r === 0 ? null : readStamp(line);
      let l = st === null ? line : writeStamp(st.ms + r * span, st.iso) + line.slice(st.len);
      if (r > 0) l = l.replace(TOKEN, (tok) => map.get(tok) ?? tok);
      copy.push(l);
      lines++;
    }
    if (!out.write(copy.join('\n') + '\n')) await new Promise((res) => out.once('drain', res));
  }
  finish(`wrote ${lines} lines to ${values.out} (${ids.size} queue ids per copy)`);
}
if (values.base) repeatBase();
else run();
