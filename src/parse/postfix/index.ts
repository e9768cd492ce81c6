/**
 * Postfix: one LogLine from any Postfix program -> one LogEvent, never throwing.
 *
 * src/parse/index.ts calls parsePostfix for every program tag whose last `/` segment is
 * a Postfix daemon (`postfix/smtpd`, `postfix-in/cleanup`, `postfix/submission/smtpd`);
 * `daemon` is that segment and `instance` the tag before it. Dispatch is a switch on
 * the daemon name, then startsWith/indexOf on the text in each daemon's module.
 */
import type { LogLine } from '../../ingest/line.js';
import type { LogEvent } from '../event.js';
import type { Ctx, Sample } from './common.js';
import { parseSmtpd, generic, SAMPLES as SMTPD_SAMPLES } from './smtpd.js';
import { parsePostscreen, parseDnsblog, parseTlsproxy, SAMPLES as POSTSCREEN_SAMPLES } from './postscreen.js';
import { parseCleanup, SAMPLES as CLEANUP_SAMPLES } from './cleanup.js';
import { parseQmgr, parseDeliveryAgent, QMGR_SAMPLES, DELIVERY_SAMPLES } from './delivery.js';
import {
  parsePickup,
  parseBounce,
  parsePostsuper,
  parseHousekeeping,
  SAMPLES as MISC_SAMPLES,
} from './misc.js';

export type { Sample } from './common.js';

const DAEMONS = new Set([
  'smtpd',
  'smtp',
  'lmtp',
  'cleanup',
  'qmgr',
  'oqmgr',
  'pickup',
  'local',
  'virtual',
  'pipe',
  'error',
  'retry',
  'discard',
  'bounce',
  'defer',
  'trace',
  'postscreen',
  'dnsblog',
  'tlsproxy',
  'anvil',
  'tlsmgr',
  'master',
  'scache',
  'verify',
  'trivial-rewrite',
  'postsuper',
  'sendmail',
  'postqueue',
  'postdrop',
  'showq',
  'flush',
  'proxymap',
  'spawn',
  'postfix-script',
  'postlog',
  'postmap',
  'postalias',
  'postconf',
  'postmulti',
  'postkick',
  'postlock',
  'qmqpd',
  'policy-spf',
  'policyd-spf',
]);

/** True for a Postfix daemon/command name (the last `/` segment of the program tag). */
export function isPostfixDaemon(d: string): boolean {
  return DAEMONS.has(d);
}

/** Each daemon name as the one string constant, so the dispatch below compares pointers. */
const DAEMON_NAMES = new Map<string, string>(Array.from(DAEMONS, (d) => [d, d]));

/** The daemon name `d` as its string constant, or undefined when it is not a Postfix daemon. */
export function postfixDaemonName(d: string): string | undefined {
  return DAEMON_NAMES.get(d);
}

/** Every daemon module's own sample lines, one per recognised shape. */
export const POSTFIX_SAMPLES: readonly Sample[] = [
  ...SMTPD_SAMPLES,
  ...POSTSCREEN_SAMPLES,
  ...CLEANUP_SAMPLES,
  ...QMGR_SAMPLES,
  ...DELIVERY_SAMPLES,
  ...MISC_SAMPLES,
];

/** Solaris syslog inserts `[ID 197553 mail.info] ` before the message. */
function stripSolarisId(m: string): string {
  if (m.charCodeAt(0) !== 91 /* [ */ || !m.startsWith('[ID ')) return m;
  const close = m.indexOf('] ', 4);
  return close > 0 && close < 48 ? m.slice(close + 2) : m;
}

/**
 * The one Ctx every call below reads: filled afresh per line instead of allocated per line
 * (the daemon parsers are synchronous, never re-enter parsePostfix, and no event keeps the
 * Ctx: they copy its fields).
 */
const ctx: Ctx = { line: null as unknown as LogLine, daemon: '', instance: '' };

export function parsePostfix(line: LogLine, daemon: string, instance: string): LogEvent {
  // No try/catch here: parseLine counts a throw as a parser fault (parserFaults) and the
  // contract and fuzz suites fail on any; every path below is written not to throw.
  const c = ctx;
  c.line = line;
  c.daemon = daemon;
  c.instance = instance;
  const s = stripSolarisId(line.message);
  switch (daemon) {
    case 'smtpd':
      return parseSmtpd(c, s);
    case 'postscreen':
      return parsePostscreen(c, s);
    case 'cleanup':
      return parseCleanup(c, s);
    case 'qmgr':
    case 'oqmgr':
      return parseQmgr(c, s);
    case 'smtp':
    case 'lmtp':
    case 'local':
    case 'virtual':
    case 'pipe':
    case 'error':
    case 'retry':
    case 'discard':
      return parseDeliveryAgent(c, s);
    case 'pickup':
      return parsePickup(c, s);
    case 'bounce':
    case 'defer':
    case 'trace':
      return parseBounce(c, s);
    case 'postsuper':
      return parsePostsuper(c, s);
    case 'dnsblog':
      return parseDnsblog(c, s);
    case 'tlsproxy':
      return parseTlsproxy(c, s);
    case 'master':
    case 'anvil':
    case 'scache':
    case 'tlsmgr':
    case 'trivial-rewrite':
    case 'verify':
    case 'postfix-script':
    case 'sendmail':
    case 'postdrop':
    case 'postqueue':
    case 'proxymap':
      return parseHousekeeping(c, s);
    default:
      return generic(c, s);
  }
}
