/**
 * Postfix parser over the public corpus (../shared/corpus/public):
 * - every Postfix line of full syslog files (`postfix*.log`, lightmeter/modoboa/pmg
 *   `streams/`, and Postfix-tagged lines of other logs), `*.nohdr.log` lines, and the
 *   message-only `postfix*.msg.log` lines whose program upstream names;
 * - recognition (any kind but `unrecognised`) must reach 98 % overall;
 * - where upstream pairs a line with expected fields (postfix-grok-patterns, Datadog,
 *   msimerson/postfix-parser), the fields that map to ours must agree.
 *
 * Message-only lines whose program upstream does not name (logwatch, part of Sekoia's)
 * are reported apart: they are tried against each daemon and count when one recognises.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogLine } from '../../src/ingest/line.js';
import type { LogEvent } from '../../src/parse/event.js';
import { isPostfixDaemon, parsePostfix } from '../../src/parse/postfix/index.js';
import { CORPUS, type Envelope as Env, SKIP, readJsonl, splitEnvelope, walk } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET = 0.98;

function daemonOf(program: string): { daemon: string; instance: string } | null {
  const slash = program.lastIndexOf('/');
  if (slash <= 0) return null;
  const daemon = program.slice(slash + 1);
  if (daemon === 'policy-spf' || daemon === 'policyd-spf') return null; // policyd-spf's own parser
  if (!isPostfixDaemon(daemon)) return null;
  return { daemon, instance: program.slice(0, slash) };
}

function lineOf(file: string, n: number, raw: string, env: Env): LogLine {
  return {
    time: null,
    host: '',
    program: env.program,
    pid: env.pid,
    message: env.message,
    raw,
    src: { file, line: n },
  };
}

interface Expected {
  line: string;
  fields: Record<string, unknown>;
  program?: string;
  postfix_daemon_hint?: string;
  input_syslog_appname?: string;
}

function readExpected(path: string): Expected[] {
  return readJsonl<Expected>(path);
}

/** postfix-grok-patterns' daemon hints that are not program names. */
const GROK_HINT: Record<string, string | null> = { script: 'postfix-script', relay: null };

interface Item {
  file: string;
  line: LogLine;
  daemon: string;
  instance: string;
  expected?: Expected;
  /** Where the fields come from, for the comparison. */
  source?: 'grok' | 'datadog' | 'msimerson' | 'sekoia';
}

interface Guess {
  file: string;
  raw: string;
}

const GUESS_ORDER = [
  'smtpd',
  'cleanup',
  'qmgr',
  'smtp',
  'local',
  'postscreen',
  'pickup',
  'bounce',
  'postsuper',
  'master',
  'anvil',
  'dnsblog',
  'tlsproxy',
  'scache',
  'verify',
  'postfix-script',
];

function collect(): { items: Item[]; guesses: Guess[]; skipped: number } {
  const files = walk(CORPUS, []);
  const items: Item[] = [];
  const guesses: Guess[] = [];
  let skipped = 0;
  for (const file of files.sort()) {
    const rel = relative(CORPUS, file);
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (base.endsWith('.jsonl') || base.endsWith('.md') || base.includes('.fragments.')) continue;
    const dir = file.slice(0, file.lastIndexOf('/'));
    const isStream = rel.includes('/streams/');
    const isMsg = base.endsWith('.msg.log');
    if (isMsg) {
      if (!base.startsWith('postfix')) continue;
      const exp = readExpected(join(dir, base.replace(/\.log$/, '.expected.jsonl')));
      const byLine = new Map<string, Expected>();
      for (const e of exp) if (!byLine.has(e.line)) byLine.set(e.line, e);
      const source = rel.startsWith('postfix-grok-patterns/')
        ? 'grok'
        : rel.startsWith('msimerson-postfix-parser/')
          ? 'msimerson'
          : rel.startsWith('sekoia-intake-formats/')
            ? 'sekoia'
            : undefined;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((raw, idx) => {
          if (raw === '') return;
          const e = byLine.get(raw);
          let program = e?.program ?? e?.input_syslog_appname;
          const hint = e?.postfix_daemon_hint;
          if (hint !== undefined) {
            const mapped = hint in GROK_HINT ? GROK_HINT[hint] : hint;
            if (mapped === null || mapped === undefined) {
              skipped++; // a pattern fragment, not a log line
              return;
            }
            program = `postfix/${mapped}`;
          }
          const d = program === undefined ? null : daemonOf(program);
          if (program === undefined || program === 'postfix' || program === '-') {
            guesses.push({ file: rel, raw });
            return;
          }
          if (d === null) {
            skipped++; // another program's line (e.g. `syslog` in msimerson's tests)
            return;
          }
          const env: Env = { program: program, pid: null, message: raw };
          const item: Item = { file: rel, line: lineOf(rel, idx + 1, raw, env), ...d };
          if (e !== undefined) item.expected = e;
          if (source !== undefined) item.source = source;
          items.push(item);
        });
      continue;
    }
    const fullLog = base.endsWith('.log') || base.endsWith('.nohdr.log') || isStream;
    if (!fullLog) continue;
    const exp = rel.startsWith('datadog-integrations-core/')
      ? readExpected(join(dir, base.replace(/\.log$/, '.expected.jsonl')))
      : [];
    const byLine = new Map<string, Expected>();
    for (const e of exp) byLine.set(e.line, e);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, idx) => {
        if (raw === '') return;
        const env = splitEnvelope(raw);
        if (env === null) return;
        const d = daemonOf(env.program);
        if (d === null) return;
        const item: Item = { file: rel, line: lineOf(rel, idx + 1, raw, env), ...d };
        const e = byLine.get(raw);
        if (e !== undefined) {
          item.expected = e;
          item.source = 'datadog';
        }
        items.push(item);
      });
  }
  return { items, guesses, skipped };
}

/** Postfix's `where` words as upstream logs them -> our stage names. */
const STAGES: Record<string, string> = {
  CONNECT: 'connect',
  HELO: 'helo',
  EHLO: 'helo',
  MAIL: 'mail',
  RCPT: 'rcpt',
  DATA: 'data',
  'END-OF-MESSAGE': 'end-of-data',
  VRFY: 'vrfy',
  ETRN: 'etrn',
};

function get(ev: LogEvent, key: string): unknown {
  return (ev as unknown as Record<string, unknown>)[key];
}

/** Number of single-field comparisons made (so a silently empty comparison shows). */
let fieldChecks = 0;

/** Compare upstream's expected fields with ours; returns mismatch descriptions. */
function compare(it: Item, ev: LogEvent): string[] {
  const out: string[] = [];
  const f = it.expected?.fields ?? {};
  const eq = (ours: unknown, theirs: unknown, name: string): void => {
    if (theirs === undefined) return;
    fieldChecks++;
    if (String(ours) !== String(theirs)) out.push(`${name}: ours=${String(ours)} upstream=${String(theirs)}`);
  };
  if (ev.kind === 'noise') return out; // statistics and the like: nothing of ours to compare
  if (it.source === 'grok') {
    // NOQUEUE is "no queue id": ours leaves queueId out.
    if (f['postfix_queueid'] !== 'NOQUEUE') eq(ev.queueId, f['postfix_queueid'], 'queueId');
    // smtp/lmtp lines name the relay (a server) where grok says client: ours keeps it in relay.
    if (ev.kind !== 'delivery') {
      eq(get(ev, 'clientIp'), f['postfix_client_ip'], 'clientIp');
      eq(get(ev, 'clientHost'), f['postfix_client_hostname'], 'clientHost');
      eq(get(ev, 'clientPort'), f['postfix_client_port'], 'clientPort');
    }
    if (ev.kind === 'delivery') {
      eq(ev.status, f['postfix_status'], 'status');
      const rh = f['postfix_relay_hostname'];
      if (typeof rh === 'string') {
        const ip = f['postfix_relay_ip'];
        const port = f['postfix_relay_port'];
        const svc = f['postfix_relay_service'];
        const relay = `${rh}${typeof ip === 'string' ? `[${ip}]` : typeof svc === 'string' ? `[${svc}]` : ''}${port !== undefined ? `:${String(port)}` : ''}`;
        eq(ev.relay, relay, 'relay');
      }
    }
    if (ev.kind === 'reject') {
      eq(ev.code, f['postfix_status_code'], 'code');
      eq(ev.dsn, f['postfix_status_code_enhanced'], 'dsn');
      const st = f['postfix_smtp_stage'];
      if (typeof st === 'string' && st in STAGES) eq(ev.stage, STAGES[st], 'stage');
    }
    if (ev.kind === 'session.tls') {
      eq(ev.tlsTrust, f['postfix_tls_trustlevel'], 'tlsTrust');
      eq(ev.tlsProtocol, f['postfix_tls_version'], 'tlsProtocol');
      eq(ev.tlsCipher, f['postfix_tls_cipher'], 'tlsCipher');
    }
    if (ev.kind === 'message.id') eq(ev.messageId, f['postfix_message-id'], 'messageId');
    if (ev.kind === 'message.note') eq(ev.relatedQueueId, f['postfix_bounce_queueid'], 'relatedQueueId');
    if (ev.kind === 'envelope' || ev.kind === 'message.pickup')
      eq(get(ev, 'from'), f['postfix_from'], 'from');
  } else if (it.source === 'datadog') {
    const custom = (f['custom'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const pf = custom['postfix'] ?? {};
    const props = custom['properties'] ?? {};
    const net = custom['network'] ?? {};
    eq(ev.queueId, pf['client_id'], 'queueId');
    eq(get(ev, 'from'), props['from'], 'from');
    eq(get(ev, 'to'), props['to'], 'to');
    eq(get(ev, 'status'), props['status'], 'status');
    eq(get(ev, 'dsn'), props['dsn'], 'dsn');
    eq(get(ev, 'delay'), props['delay'], 'delay');
    eq(get(ev, 'nrcpt'), props['nrcpt'], 'nrcpt');
    eq(get(ev, 'size'), net['bytes_written'], 'size');
    eq(get(ev, 'clientIp'), (net['client'] as Record<string, unknown> | undefined)?.['ip'], 'clientIp');
    eq(get(ev, 'clientHost'), pf['hostname'], 'clientHost');
    eq(get(ev, 'messageId'), custom['message-id'], 'messageId');
  } else if (it.source === 'sekoia') {
    const pf = (f['postfix'] ?? {}) as Record<string, unknown>;
    const qid = (pf['queue_id'] ?? {}) as Record<string, unknown>;
    const email = (f['email'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
    eq(ev.queueId, qid['local'], 'queueId');
    if (ev.kind === 'delivery') {
      eq(ev.to, first(email['to']?.['address']), 'to');
      eq(ev.origTo, pf['orig_to'], 'origTo');
      eq(ev.queuedAs, qid['remote'], 'queuedAs');
    }
    if (ev.kind === 'envelope') eq(ev.from, first(email['from']?.['address']), 'from');
    if (ev.kind === 'message.id')
      eq(ev.messageId, f['email'] === undefined ? undefined : email['message_id'], 'messageId');
  } else if (it.source === 'msimerson') {
    eq(ev.queueId, f['qid'], 'queueId');
    eq(get(ev, 'to'), f['to'], 'to');
    eq(get(ev, 'relay'), f['relay'], 'relay');
    eq(get(ev, 'dsn'), f['dsn'], 'dsn');
    if (ev.kind === 'envelope') eq(ev.from, f['from'], 'from');
    if (ev.kind === 'delivery' && typeof f['status'] === 'string') {
      const st = f['status'];
      const sp = st.indexOf(' ');
      // upstream reports `sent (forwarded as X)` as status "forwarded"; ours keeps Postfix's word.
      if (ev.detail?.startsWith('forwarded as ') !== true)
        eq(ev.status, sp < 0 ? st : st.slice(0, sp), 'status');
    }
  }
  return out;
}

function shape(s: string): string {
  return s
    .replace(/^[0-9A-F]{6,12}: |^[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20}: /, 'QID: ')
    .replace(/\d+/g, 'N')
    .slice(0, 70);
}

test('Postfix parser recognises the public corpus', { skip: SKIP }, (t) => {
  const { items, guesses, skipped } = collect();
  const perFile = new Map<string, { total: number; ok: number }>();
  const missShapes = new Map<string, { n: number; example: string }>();
  const mismatches: string[] = [];
  let compared = 0;
  let ok = 0;
  for (const it of items) {
    const ev = parsePostfix(it.line, it.daemon, it.instance);
    assert.equal(ev.line, it.line);
    assert.equal(ev.producer, 'postfix');
    const pf = perFile.get(it.file) ?? { total: 0, ok: 0 };
    perFile.set(it.file, pf);
    pf.total++;
    if (ev.kind !== 'unrecognised') {
      ok++;
      pf.ok++;
    } else {
      const k = `${it.daemon}\t${shape(it.line.message)}`;
      const m = missShapes.get(k) ?? { n: 0, example: `${it.file}:${it.line.src.line}` };
      m.n++;
      missShapes.set(k, m);
    }
    if (it.source !== undefined && it.expected !== undefined) {
      compared++;
      for (const d of compare(it, ev)) mismatches.push(`${it.file}:${it.line.src.line} ${d}`);
    }
  }
  for (const [file, s] of [...perFile].sort()) {
    t.diagnostic(`${file}: ${s.ok}/${s.total} (${((s.ok / s.total) * 100).toFixed(2)} %)`);
  }
  let guessOk = 0;
  for (const g of guesses) {
    const env: Env = { program: 'postfix', pid: null, message: g.raw };
    const line = lineOf(g.file, 0, g.raw, env);
    if (GUESS_ORDER.some((d) => parsePostfix(line, d, 'postfix').kind !== 'unrecognised')) guessOk++;
  }
  const rate = ok / items.length;
  t.diagnostic(`overall: ${ok}/${items.length} recognised (${(rate * 100).toFixed(2)} %)`);
  t.diagnostic(
    `message-only lines without a named program: ${guessOk}/${guesses.length} recognised by some daemon`,
  );
  t.diagnostic(`skipped (fragments, other programs): ${skipped}`);
  t.diagnostic(
    `upstream field comparisons: ${compared} lines, ${fieldChecks} fields, ${mismatches.length} mismatches`,
  );
  for (const m of mismatches.slice(0, 40)) t.diagnostic(`  mismatch ${m}`);
  const shapes = [...missShapes].sort((a, b) => b[1].n - a[1].n);
  for (const [k, v] of shapes.slice(0, 60)) t.diagnostic(`  unrecognised x${v.n} ${k}  (${v.example})`);
  assert.ok(items.length > 50_000, `expected the corpus's Postfix lines, found ${items.length}`);
  assert.ok(rate >= TARGET, `recognition ${(rate * 100).toFixed(2)} % below ${TARGET * 100} %`);
  assert.ok(compared > 150, `expected upstream field expectations, found ${compared}`);
  assert.ok(fieldChecks > 300, `expected upstream fields to compare, found ${fieldChecks}`);
  assert.deepEqual(mismatches, [], 'fields disagree with upstream expectations');
});

const LAB_FIXTURES = resolve(here, '../../lab/fixtures');
const labLogs = existsSync(LAB_FIXTURES)
  ? readdirSync(LAB_FIXTURES)
      .filter((n) => n.endsWith('.log'))
      .map((n) => join(LAB_FIXTURES, n))
  : [];

test(
  'Postfix parser recognises every line real Postfix wrote in the lab',
  { skip: labLogs.length > 0 ? false : `no lab fixtures in ${LAB_FIXTURES}` },
  (t) => {
    let total = 0;
    let headers = 0;
    const misses: string[] = [];
    for (const file of labLogs) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((raw, idx) => {
          const env = raw === '' ? null : splitEnvelope(raw);
          const d = env === null ? null : daemonOf(env.program);
          if (env === null || d === null) return;
          total++;
          const ev = parsePostfix(
            lineOf(relative(LAB_FIXTURES, file), idx + 1, raw, env),
            d.daemon,
            d.instance,
          );
          if (ev.kind === 'unrecognised') misses.push(`${file}:${idx + 1}: ${env.message.slice(0, 160)}`);
          if (ev.kind === 'header') {
            headers++;
            // Real header_checks lines always carry the client and the envelope suffix.
            assert.ok(ev.clientIp !== undefined && ev.from !== undefined && ev.helo !== undefined, raw);
          }
        });
    }
    t.diagnostic(
      `lab: ${total - misses.length}/${total} Postfix lines recognised, ${headers} header lines split`,
    );
    assert.deepEqual(misses, []);
  },
);
