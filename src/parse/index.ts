/**
 * parseLine: one LogLine -> one LogEvent, never throws.
 *
 * Dispatch is on the program tag first (a string compare, before any regex): the
 * producer's own module then parses the message part.
 */
import type { LogLine } from '../ingest/line.js';
import type { LogEvent, Producer } from './event.js';
import { unrecognised } from './base.js';
import { parsePostfix, postfixDaemonName } from './postfix/index.js';
import { parseOpendkim } from './opendkim.js';
import { parseOpendmarc } from './opendmarc.js';
import { parsePolicydSpf } from './policyd-spf.js';
import { parseAmavis } from './amavis.js';
import { parseRspamd } from './rspamd.js';
import { parseSpamd } from './spamd.js';
import { parseSendmail } from './sendmail.js';
import { parseExim } from './exim.js';
import { parseHaproxy } from './haproxy.js';

type Parse = (line: LogLine) => LogEvent;

/**
 * Program names (without instance prefix) -> parser. No prototype: a line tagged
 * `toString` or `constructor` (any local user can log one) must not find Object's methods.
 */
const BY_PROGRAM: Record<string, Parse> = Object.assign(Object.create(null) as Record<string, Parse>, {
  opendkim: parseOpendkim,
  opendmarc: parseOpendmarc,
  'policyd-spf': parsePolicydSpf,
  'policyd-spf-perl': parsePolicydSpf,
  'postfix-policyd-spf-perl': parsePolicydSpf,
  'pyspf-milter': parsePolicydSpf,
  'spf-milter': parsePolicydSpf,
  amavis: parseAmavis,
  amavisd: parseAmavis,
  'amavisd-new': parseAmavis,
  rspamd: parseRspamd,
  rspamd_proxy: parseRspamd,
  spamd: parseSpamd,
  spamc: parseSpamd,
  sendmail: parseSendmail,
  'sm-mta': parseSendmail,
  'sm-msp-queue': parseSendmail,
  'sm-msp': parseSendmail,
  exim: parseExim,
  exim4: parseExim,
  haproxy: parseHaproxy,
});

/** Which producer a program tag belongs to, without parsing the message: what its route parses. */
export function producerOf(program: string): Producer {
  return PRODUCER_OF.get(routeFor(program).parse) ?? 'unknown';
}

/**
 * Parser faults caught by parseLine: a bug in one parser must not stop a scan (an attacker
 * who can stop detection wins), but it must not hide either: tests assert this stays 0.
 */
export const parserFaults = { count: 0, last: '' };

/** The producer behind each parser (the Postfix parser's daemons are all 'postfix'). */
const PRODUCER_OF = new Map<unknown, Producer>([
  [parseOpendkim, 'opendkim'],
  [parseOpendmarc, 'opendmarc'],
  [parsePolicydSpf, 'policyd-spf'],
  [parseAmavis, 'amavis'],
  [parseRspamd, 'rspamd'],
  [parseSpamd, 'spamd'],
  [parseSendmail, 'sendmail'],
  [parseExim, 'exim'],
  [parseHaproxy, 'haproxy'],
  [parsePostfix, 'postfix'],
]);

/** How lines of one program tag are parsed: the parser, and for Postfix the daemon and instance. */
interface Route {
  parse: (line: LogLine, daemon: string, instance: string) => LogEvent;
  daemon: string;
  instance: string;
}

const unknownProgram = (line: LogLine): LogEvent => unrecognised(line, 'unknown');

function routeOf(program: string): Route {
  const direct = BY_PROGRAM[program];
  if (direct !== undefined) return { parse: direct, daemon: '', instance: '' };
  const slash = program.lastIndexOf('/');
  if (slash > 0) {
    const daemon = program.slice(slash + 1);
    // The perl policy server logs as "postfix/policy-spf"; Debian's python one as "policyd-spf".
    if (daemon === 'policy-spf' || daemon === 'policyd-spf') {
      return { parse: parsePolicydSpf, daemon: '', instance: '' };
    }
    const postfixDaemon = postfixDaemonName(daemon);
    if (postfixDaemon !== undefined) {
      return { parse: parsePostfix, daemon: postfixDaemon, instance: program.slice(0, slash) };
    }
    // e.g. "amavis/..." or "sm-mta/..." variants: try the base name before the slash
    const base = BY_PROGRAM[program.slice(0, program.indexOf('/'))];
    if (base !== undefined) return { parse: base, daemon: '', instance: '' };
  }
  // Sendmail's process titles vary (sm-mta-rx, sm-acceptingconnections, sendmail-in ...).
  if (program.startsWith('sm-') || program.startsWith('sendmail')) {
    return { parse: parseSendmail, daemon: '', instance: '' };
  }
  return { parse: unknownProgram, daemon: '', instance: '' };
}

/**
 * Routes of recently seen program tags: a log has a handful of them, so the dispatch above
 * runs once per tag rather than once per line. Bounded: emptied when full (hostile input
 * may log any number of distinct tags).
 */
const routes = new Map<string, Route>();
const MAX_ROUTES = 512;

function routeFor(program: string): Route {
  let route = routes.get(program);
  if (route === undefined) {
    route = routeOf(program);
    if (routes.size >= MAX_ROUTES) routes.clear();
    routes.set(program, route);
  }
  return route;
}

export function parseLine(line: LogLine): LogEvent {
  try {
    const route = routeFor(line.program);
    return route.parse(line, route.daemon, route.instance);
  } catch (err) {
    // A parser bug must never stop the scan: count it, and call the line unrecognised.
    parserFaults.count++;
    parserFaults.last = `${line.program}: ${err instanceof Error ? err.message : String(err)}`;
    return unrecognised(line, 'unknown');
  }
}
