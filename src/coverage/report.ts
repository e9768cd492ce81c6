/**
 * The coverage report: can these logs support spoofing detection? Built from the same
 * event and record stream as `scan` (onEvent + onRecord), so the shares it reports are the
 * shares the detector sees. Plain values in, plain values out: tests feed hand-built
 * events and records.
 */
import type { MessageRecord } from '../correlate/record.js';
import type { LogEvent } from '../parse/event.js';
import type { PipelineStats } from '../pipeline.js';
import { directionOf } from '../output/record-fields.js';
import { isoTime } from '../output/json-line.js';
import type { Config } from '../detect/config.js';
import { ALWAYS_TRUSTED, NetSet } from '../detect/networks.js';
import { FIELD_SPECS, locallyGenerated, type FieldId, type FieldSpec } from './fields.js';
import { InventoryCollector, mtaOfHost, type HostInventory } from './inventory.js';
import { POSTFIX_CUT_NOTE, remedyFor, type MtaFamily } from './remedies.js';

/** A core field logged for fewer than this share of its messages is a gap. */
export const CORE_FIELD_MIN_SHARE = 0.9;
/** An optional field never seen on a host with at least this many messages in scope is a (low) gap. */
export const OPTIONAL_FIELD_MIN_MESSAGES = 20;
const DAY_MS = 86_400_000;

const OPTIONAL_HEADER_FIELDS = ['header.reply-to', 'header.sender', 'header.return-path', 'header.list-id'];

/** Order of gaps of equal severity: what blinds the most rules first. */
const GAP_PRIORITY = [
  'mta',
  'header.from',
  'auth.dmarc',
  'auth.dkim',
  'auth.spf',
  'envelope.from',
  'client.ip',
  'client.rdns',
  'helo',
  'message-id',
  'header-truncation',
  'header.reply-to',
  'header.sender',
  'header.return-path',
  'header.list-id',
  'header.authentication-results',
  'auth.arc',
  'proxy.peer',
];

export interface Share {
  present: number;
  total: number;
  /** present / total, or null when no message was in scope. */
  share: number | null;
}

export interface FieldCoverage extends Share {
  field: FieldId;
  label: string;
  scope: FieldSpec['scope'];
  kind: FieldSpec['kind'];
  byHost: Record<string, Share>;
}

export interface Gap {
  /** A FieldId, or "mail-paths" / "retention" / "mta" / "header-truncation" for gaps of the whole setup. */
  field: string;
  severity: 'high' | 'medium' | 'low';
  /** Hosts concerned (empty for setup-wide gaps). */
  hosts: string[];
  mta?: MtaFamily;
  /** What goes blind, in plain words (rules named). */
  impact: string;
  rules: string[];
  /** The configuration lines that close it, or what to do when the logs cannot. */
  remedy: string;
  /** False when no logging change can close it (mail outside these servers, retention). */
  closable: boolean;
  /** Field gaps: the share per host concerned. */
  byHost?: Record<string, Share>;
}

export interface MessageCounts {
  total: number;
  /** Accepted with content: a queue id and not refused before DATA. */
  accepted: number;
  /** Refused before DATA (NOQUEUE, or a Sendmail check_mail reject under a queue id). */
  rejected: number;
  inbound: number;
  outbound: number;
  unknownDirection: number;
}

/** A host's inventory as reported: times as ISO strings, plus its MTA family and message counts. */
export interface HostReport extends Omit<HostInventory, 'firstTime' | 'lastTime'> {
  mta: MtaFamily;
  firstSeen: string | null;
  lastSeen: string | null;
  messages: MessageCounts;
}

export interface CoverageReport {
  inventory: {
    files: string[];
    lines: number;
    recognised: number;
    unrecognised: number;
    recognisedShare: number | null;
    unrecognisedByProgram: Record<string, number>;
    hosts: HostReport[];
    mtas: string[];
    milters: string[];
    proxies: string[];
    contentFilters: boolean;
    /** Hops between hosts that are both in these logs (host A relayed to host B). */
    internalRelays: { from: string; to: string; messages: number }[];
    timeSpan: { first: string | null; last: string | null; days: number | null };
    messages: MessageCounts;
  };
  fields: FieldCoverage[];
  gaps: Gap[];
  notes: string[];
  windowDays?: number;
}

export interface CoverageFinishOptions {
  files?: string[];
  windowDays?: number;
}

function emptyCounts(): MessageCounts {
  return { total: 0, accepted: 0, rejected: 0, inbound: 0, outbound: 0, unknownDirection: 0 };
}

function share(present: number, total: number): Share {
  return { present, total, share: total === 0 ? null : present / total };
}

function iso(ms: number | null): string | null {
  return isoTime(ms) ?? null;
}

function pct(x: number | null): string {
  return x === null ? '-' : `${(100 * x).toFixed(x < 0.1 && x > 0 ? 1 : 0)}%`;
}

interface HostFieldCounts {
  counts: MessageCounts;
  /** Accepted messages from the network: the denominator for SPF/DKIM/DMARC. */
  inboundAccepted: number;
  present: Map<FieldId, number>;
  /** Messages in the DKIM scope with a DMARC verdict but no DKIM line (see dkimPresent). */
  dmarcWithoutDkim: number;
  /** Messages with a client address but no reverse name (see rdnsPresent). */
  ipWithoutName: number;
}

export interface CoverageCollectorOptions {
  /**
   * The user's spoofwatch.yaml: with it a message's direction is decided as the detector
   * decides it (SASL, local pickup and trustedNetworks are ours, every other client is
   * from outside), so SPF/DKIM/DMARC shares are over the mail the rules judge as inbound.
   * Without it, loopback and authenticated clients count as outbound.
   */
  config?: Pick<Config, 'trustedNetworks'>;
}

export class CoverageCollector {
  readonly inventory = new InventoryCollector();
  private readonly byHost = new Map<string, HostFieldCounts>();
  private readonly trusted: NetSet | null;

  constructor(opts: CoverageCollectorOptions = {}) {
    this.trusted =
      opts.config === undefined ? null : new NetSet([...ALWAYS_TRUSTED, ...opts.config.trustedNetworks]);
  }

  /** Inbound (from outside), outbound (ours) or unknown, as the detector sees the client. */
  private directionOf(r: MessageRecord): 'inbound' | 'outbound' | 'unknown' {
    // The MTA's own notifications (null sender, no client) go out: count them as outbound.
    if (locallyGenerated(r)) return 'outbound';
    if (this.trusted === null) return directionOf(r);
    const s = r.session;
    if (s.saslUsername !== undefined && s.saslUsername !== '') return 'outbound';
    const ip = s.clientIp;
    if (ip !== undefined && this.trusted.hasIp(ip)) return 'outbound';
    if (ip !== undefined && ip !== '' && ip !== 'unknown') return 'inbound';
    return s.clientHost !== undefined ? 'inbound' : 'unknown';
  }

  onEvent = (e: LogEvent): void => {
    this.inventory.onEvent(e);
  };

  onRecord = (r: MessageRecord): void => {
    const key = r.host === '' ? '(no host)' : r.host;
    let h = this.byHost.get(key);
    if (h === undefined) {
      h = {
        counts: emptyCounts(),
        inboundAccepted: 0,
        present: new Map(),
        dmarcWithoutDkim: 0,
        ipWithoutName: 0,
      };
      this.byHost.set(key, h);
    }
    const c = h.counts;
    c.total++;
    const accepted = acceptedForData(r);
    if (accepted) c.accepted++;
    else c.rejected++;
    const dir = this.directionOf(r);
    if (dir === 'inbound') c.inbound++;
    else if (dir === 'outbound') c.outbound++;
    else c.unknownDirection++;
    if (accepted && dir === 'inbound') h.inboundAccepted++;
    for (const spec of FIELD_SPECS) {
      if (!inScope(spec, accepted, dir)) continue;
      if (spec.present(r)) h.present.set(spec.id, (h.present.get(spec.id) ?? 0) + 1);
      else if (spec.id === 'auth.dkim' && r.auth.dmarc !== undefined) h.dmarcWithoutDkim++;
      else if (spec.id === 'client.rdns' && r.session.clientIp !== undefined) h.ipWithoutName++;
    }
  };

  finish(stats: PipelineStats | null, opts: CoverageFinishOptions = {}): CoverageReport {
    return buildReport(this, stats, opts);
  }

  /** Internal: counts per host for the report builder. */
  hostCounts(): Map<string, HostFieldCounts> {
    return this.byHost;
  }
}

/** Stages at which a reject leaves no message content behind (no DATA, no headers). */
const BEFORE_DATA = new Set(['connect', 'helo', 'ehlo', 'mail', 'rcpt']);

/**
 * Accepted into the queue with its content: a queue id, and not refused before DATA.
 * Sendmail gives a session its queue id at MAIL FROM, so a sender refused by check_mail
 * has one (`from=<...>, size=0, nrcpts=0`) yet never sent a header to log.
 */
export function acceptedForData(r: MessageRecord): boolean {
  if (r.queueId === undefined) return false;
  if (r.disposition !== 'rejected') return true;
  for (const a of r.actions)
    if (a.action === 'rejected' && a.stage !== undefined && BEFORE_DATA.has(a.stage)) return false;
  return true;
}

/**
 * Messages whose DKIM question the logs answer. OpenDKIM (without LogWhy) and Exim (its
 * DKIM ACL, default on) log every signature they check, pass or fail, and nothing for an
 * unsigned message. So on a host whose verifier is seen logging (some message has a DKIM
 * line), a message without one had no signature: its DKIM state (none) is known. For Exim,
 * which verifies every message in-process, that holds for all its messages; behind a
 * milter only for those with a DMARC verdict (the milter saw them). On a host with no DKIM
 * line at all nothing shows a verifier runs, and those messages stay unanswered.
 */
function dkimPresent(hc: HostFieldCounts, mta: MtaFamily): number {
  const seen = hc.present.get('auth.dkim') ?? 0;
  if (seen === 0) return 0;
  return mta === 'exim' ? hc.inboundAccepted : seen + hc.dmarcWithoutDkim;
}

/**
 * Messages whose client's reverse name the logs answer. Postfix writes "unknown[ip]" for a
 * client without one; Sendmail (relay=[ip]) and Exim (H=[ip]) just leave the name out. On
 * a host that logs names for some clients, reverse lookups are on, so a client logged
 * with its address alone had no name: that is known, and is what helo-anomaly weighs.
 */
function rdnsPresent(hc: HostFieldCounts): number {
  const named = hc.present.get('client.rdns') ?? 0;
  return named > 0 ? named + hc.ipWithoutName : 0;
}

function inScope(spec: FieldSpec, accepted: boolean, dir: string): boolean {
  if (spec.scope === 'all') return true;
  if (spec.scope === 'accepted') return accepted;
  return accepted && dir === 'inbound';
}

function denominator(spec: FieldSpec, c: MessageCounts, inboundAccepted: number): number {
  if (spec.scope === 'all') return c.total;
  if (spec.scope === 'accepted') return c.accepted;
  return inboundAccepted;
}

function sumCounts(list: MessageCounts[]): MessageCounts {
  const s = emptyCounts();
  for (const c of list) {
    s.total += c.total;
    s.accepted += c.accepted;
    s.rejected += c.rejected;
    s.inbound += c.inbound;
    s.outbound += c.outbound;
    s.unknownDirection += c.unknownDirection;
  }
  return s;
}

function topEntries(map: Record<string, number>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(map)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n))
    out[k] = v;
  return out;
}

function impactText(spec: FieldSpec, s: Share, perHost = ''): string {
  const what =
    (s.present === 0
      ? `${spec.label} is not in the logs for any of ${s.total} message(s) in scope`
      : `${spec.label} is in the logs for only ${pct(s.share)} of ${s.total} message(s) in scope`) + perHost;
  const rules = spec.rules.length > 0 ? `; rules that go blind: ${spec.rules.join(', ')}` : '';
  const guards =
    spec.guards !== undefined && spec.guards.length > 0
      ? `; guards that cannot spare legitimate mail: ${spec.guards.join(', ')}`
      : '';
  const verdict =
    spec.kind === 'core' && spec.rules.length > 0
      ? '. Messages that lack it get "unknown" where the decision needs it, never "clean"'
      : '';
  return `${what}${rules}${guards}${verdict}.`;
}

function milterHint(spec: FieldSpec, inv: HostInventory): string {
  const running =
    spec.id === 'auth.dkim'
      ? inv.milters.includes('opendkim') || inv.milters.includes('rspamd')
      : spec.id === 'auth.dmarc'
        ? inv.milters.includes('opendmarc') || inv.milters.includes('rspamd')
        : spec.id === 'auth.spf'
          ? inv.milters.includes('policyd-spf') ||
            inv.milters.includes('opendmarc') ||
            inv.milters.includes('rspamd')
          : false;
  if (!running) return '';
  return (
    ` Its checker runs on this host but its results are missing for part of the mail: check that every` +
    ` receiving path calls it (non_smtpd_milters, each smtpd in master.cf, a content filter's re-injection` +
    ` smtpd) and that it logs successes, not only failures.`
  );
}

function buildReport(
  col: CoverageCollector,
  stats: PipelineStats | null,
  opts: CoverageFinishOptions,
): CoverageReport {
  const invHosts = col.inventory.hosts;
  const counts = col.hostCounts();
  const hostNames = [...new Set([...invHosts.keys(), ...counts.keys()])].sort();
  const gaps = new Map<string, Gap>();
  const notes: string[] = [];
  const hosts: HostReport[] = [];
  const fields: FieldCoverage[] = FIELD_SPECS.map((spec) => ({
    field: spec.id,
    label: spec.label,
    scope: spec.scope,
    kind: spec.kind,
    present: 0,
    total: 0,
    share: null,
    byHost: {},
  }));

  let first: number | null = null;
  let last: number | null = null;
  const allMtas = new Set<string>();
  const allMilters = new Set<string>();
  const allProxies = new Set<string>();
  let reinjection = 0;

  const hints = new Map<string, string>();
  const addGap = (key: string, make: () => Gap, host?: string, s?: Share, hint?: string): void => {
    let g = gaps.get(key);
    if (g === undefined) {
      g = make();
      gaps.set(key, g);
    } else if (host !== undefined && !g.hosts.includes(host)) g.hosts.push(host);
    if (host !== undefined && s !== undefined) (g.byHost ??= {})[host] = s;
    if (hint !== undefined && hint !== '' && !hints.has(key)) hints.set(key, hint);
  };

  for (const name of hostNames) {
    const inv = invHosts.get(name);
    const hc = counts.get(name) ?? {
      counts: emptyCounts(),
      inboundAccepted: 0,
      present: new Map<FieldId, number>(),
      dmarcWithoutDkim: 0,
      ipWithoutName: 0,
    };
    const mta: MtaFamily = inv === undefined ? 'unknown' : mtaOfHost(inv);
    if (inv !== undefined) {
      if (inv.firstTime !== null && (first === null || inv.firstTime < first)) first = inv.firstTime;
      if (inv.lastTime !== null && (last === null || inv.lastTime > last)) last = inv.lastTime;
      for (const m of inv.mtas) allMtas.add(m);
      for (const m of inv.milters) allMilters.add(m);
      for (const p of inv.proxies) allProxies.add(p);
      reinjection += inv.contentFilterReinjection;
    }
    hosts.push({
      host: name,
      mta,
      lines: inv?.lines ?? 0,
      recognised: inv?.recognised ?? 0,
      programs: inv?.programs ?? {},
      mtas: inv?.mtas ?? [],
      milters: inv?.milters ?? [],
      proxies: inv?.proxies ?? [],
      instances: inv?.instances ?? [],
      contentFilterReinjection: inv?.contentFilterReinjection ?? 0,
      relays: topEntries(inv?.relays ?? {}, 10),
      headersLogged: inv?.headersLogged ?? {},
      headersTruncated: inv?.headersTruncated ?? 0,
      firstSeen: iso(inv?.firstTime ?? null),
      lastSeen: iso(inv?.lastTime ?? null),
      messages: hc.counts,
    });
    if (hc.counts.total === 0) continue;
    const inboundAccepted = hc.inboundAccepted;

    FIELD_SPECS.forEach((spec, i) => {
      const total = denominator(spec, hc.counts, inboundAccepted);
      const present =
        spec.id === 'auth.dkim'
          ? dkimPresent(hc, mta)
          : spec.id === 'client.rdns'
            ? rdnsPresent(hc)
            : (hc.present.get(spec.id) ?? 0);
      const s = share(present, total);
      const fc = fields[i]!;
      fc.byHost[name] = s;
      fc.present += present;
      fc.total += total;
      if (total === 0) return;
      if (spec.id === 'proxy.peer') {
        if ((inv?.proxies.length ?? 0) === 0 && total >= OPTIONAL_FIELD_MIN_MESSAGES)
          addGap(
            `${spec.id}|${mta}`,
            () => ({
              field: spec.id,
              severity: 'low',
              hosts: [name],
              mta,
              impact: `No SMTP proxy (postscreen, HAProxy) is in the logs; rules that cannot fire: ${spec.rules.join(', ')}.`,
              rules: spec.rules,
              remedy: remedyFor(spec.id, mta),
              closable: true,
            }),
            name,
          );
        return;
      }
      if (spec.kind === 'core') {
        if (s.share !== null && s.share < CORE_FIELD_MIN_SHARE) {
          addGap(
            `${spec.id}|${mta}`,
            () => ({
              field: spec.id,
              severity: present === 0 ? 'high' : 'medium',
              hosts: [name],
              mta,
              impact: impactText(spec, s),
              rules: spec.rules,
              remedy: remedyFor(spec.id, mta),
              closable: true,
            }),
            name,
            s,
            inv === undefined ? undefined : milterHint(spec, inv),
          );
        }
      } else if (present === 0 && total >= OPTIONAL_FIELD_MIN_MESSAGES) {
        addGap(
          `${spec.id}|${mta}`,
          () => ({
            field: spec.id,
            severity: 'low',
            hosts: [name],
            mta,
            impact:
              `${spec.label} was never seen in ${total} message(s): either none carried one or it is not logged` +
              (spec.rules.length > 0 ? `; rules that go blind: ${spec.rules.join(', ')}` : '') +
              (spec.guards !== undefined && spec.guards.length > 0
                ? `; guards that cannot spare legitimate mail: ${spec.guards.join(', ')}`
                : '') +
              '.',
            rules: spec.rules,
            remedy: remedyFor(spec.id, mta),
            closable: true,
          }),
          name,
        );
      }
    });

    if (mta === 'postfix' && inv !== undefined) {
      const logsHeaders = Object.keys(inv.headersLogged).length > 0;
      if (inv.headersTruncated > 0) {
        addGap(
          'header-truncation|postfix',
          () => ({
            field: 'header-truncation',
            severity: 'medium',
            hosts: [name],
            mta: 'postfix',
            impact:
              `${inv.headersTruncated} logged header line(s) were cut at Postfix's 200-character limit: ` +
              'addresses or results past the cut are lost, so from-malformed, display-name-address and ' +
              'forged-auth-results may miss what was cut.',
            rules: ['from-malformed', 'display-name-address', 'forged-auth-results'],
            remedy: POSTFIX_CUT_NOTE,
            closable: true,
          }),
          name,
        );
      } else if (logsHeaders) {
        pushOnce(
          notes,
          `Postfix cuts header_checks text at 200 characters: ${POSTFIX_CUT_NOTE.split('\n').slice(1, 3).join(' ')}`,
        );
      }
    }
  }

  for (const fc of fields) fc.share = fc.total === 0 ? null : fc.present / fc.total;

  // Hosts that log no header at all get one header gap (header From), whose remedy logs the
  // other headers too: drop the optional header gaps for those hosts.
  for (const [key, g] of gaps) {
    if (!OPTIONAL_HEADER_FIELDS.includes(g.field)) continue;
    const fromGap = gaps.get(`header.from|${g.mta ?? 'unknown'}`);
    if (fromGap?.byHost === undefined) continue;
    g.hosts = g.hosts.filter((h) => fromGap.byHost?.[h]?.present !== 0);
    if (g.hosts.length === 0) gaps.delete(key);
  }

  // Field gaps over several hosts: say it for all of them, with each host's share.
  for (const [key, g] of gaps) {
    const spec = FIELD_SPECS.find((f) => f.id === g.field);
    if (spec === undefined || spec.kind !== 'core' || g.byHost === undefined) continue;
    const entries = Object.entries(g.byHost);
    const agg = share(
      entries.reduce((a, [, x]) => a + x.present, 0),
      entries.reduce((a, [, x]) => a + x.total, 0),
    );
    const perHost =
      entries.length > 1 ? ` (${entries.map(([h, x]) => `${h}: ${x.present}/${x.total}`).join(', ')})` : '';
    g.impact = impactText(spec, agg, perHost) + (hints.get(key) ?? '');
    g.severity = entries.some(([, x]) => x.present === 0) ? 'high' : 'medium';
    if (g.field === 'auth.dmarc' && entries.every(([h]) => derivesDmarc(fields, h))) {
      // Without a DMARC verifier the detector still judges alignment from SPF and DKIM.
      g.impact +=
        ' SPF and DKIM results are logged here, so dmarc-fail-derived still judges alignment from them;' +
        " what stays unknown is the domain's published policy (p=) and the verifier's own result.";
      g.severity = 'medium';
    }
  }

  const totals = sumCounts(hosts.map((h) => h.messages));
  const lines = stats?.lines ?? hosts.reduce((a, h) => a + h.lines, 0);
  const recognised = stats?.recognised ?? hosts.reduce((a, h) => a + h.recognised, 0);
  const unrecognised = stats?.unrecognised ?? lines - recognised;

  if (allMtas.size === 0) {
    gaps.set('mta', {
      field: 'mta',
      severity: 'high',
      hosts: [],
      impact:
        'No MTA lines (Postfix, Sendmail, Exim) were recognised, so no message can be assembled and no rule can run.',
      rules: [],
      remedy: remedyFor('header.from', 'unknown'),
      closable: true,
    });
  }

  // Gaps no logging change on these servers closes.
  const hostList = hosts.filter((h) => h.mtas.length > 0).map((h) => h.host);
  gaps.set('mail-paths', {
    field: 'mail-paths',
    severity: 'low',
    hosts: [],
    impact:
      `Only mail that passed ${hostList.length > 0 ? hostList.join(', ') : 'the hosts in these logs'} is visible. ` +
      'Mail delivered through other paths (cloud gateways such as Microsoft 365 or Google Workspace, other MX hosts, ' +
      'non-Linux MTAs, appliances) is invisible to every rule.',
    rules: [],
    remedy:
      'Compare these hosts with your MX records and outbound relays; collect the logs of every host that receives ' +
      "mail from the Internet. For hosted mail use the provider's message trace: these logs cannot show it.",
    closable: false,
  });
  const days = first !== null && last !== null ? (last - first) / DAY_MS : null;
  if (opts.windowDays !== undefined) {
    if (days === null) {
      gaps.set('retention', {
        field: 'retention',
        severity: 'medium',
        hosts: [],
        impact: `No time stamp could be read, so it is unknown whether the logs cover the ${opts.windowDays}-day window.`,
        rules: [],
        remedy: 'Check the syslog time stamp format (RFC 3164 / RFC 5424 / ISO 8601) of these files.',
        closable: false,
      });
    } else if (days < opts.windowDays) {
      gaps.set('retention', {
        field: 'retention',
        severity: 'medium',
        hosts: [],
        impact:
          `The logs span ${days.toFixed(1)} day(s) but the analysis window is ${opts.windowDays} day(s): ` +
          'mail in the rest of the window cannot be examined.',
        rules: [],
        remedy:
          `Give older (rotated, .gz) files too, or keep logs longer: logrotate "rotate ${Math.ceil(opts.windowDays / 7) + 1}"` +
          ' with weekly rotation, or ship them to a central store. What has already been rotated away cannot be recovered.',
        closable: false,
      });
    }
  }
  if (lines > 0 && unrecognised / lines > 0.05 && stats !== null) {
    const top = Object.entries(stats.unrecognisedByProgram)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([p, n]) => `${p} ${n}`)
      .join(', ');
    notes.push(`${pct(unrecognised / lines)} of lines were not recognised (${top}).`);
  }
  if (stats?.correlator !== null && stats?.correlator !== undefined) {
    const c = stats.correlator;
    if (c.evicted > 0)
      notes.push(`${c.evicted} message(s) were evicted at the memory limit before they closed.`);
    if (c.agedOut > 0) notes.push(`${c.agedOut} message(s) aged out without a final "removed" line.`);
  }
  if (reinjection > 0)
    notes.push(
      `Content-filter re-injection seen ${reinjection} time(s): the filter's return hop is joined to the original message.`,
    );

  const severityRank = { high: 0, medium: 1, low: 2 } as const;
  const prio = (f: string): number => {
    const i = GAP_PRIORITY.indexOf(f);
    return i < 0 ? GAP_PRIORITY.length : i;
  };
  const gapList = [...gaps.values()].sort(
    (a, b) =>
      Number(!a.closable) - Number(!b.closable) ||
      severityRank[a.severity] - severityRank[b.severity] ||
      prio(a.field) - prio(b.field),
  );

  return {
    inventory: {
      files: opts.files ?? [],
      lines,
      recognised,
      unrecognised,
      recognisedShare: lines === 0 ? null : recognised / lines,
      unrecognisedByProgram: topEntries(stats?.unrecognisedByProgram ?? {}, 10),
      hosts,
      mtas: [...allMtas].sort(),
      milters: [...allMilters].sort(),
      proxies: [...allProxies].sort(),
      contentFilters: reinjection > 0 || allMilters.has('amavis'),
      internalRelays: internalRelaysOf(hosts),
      timeSpan: {
        first: iso(first),
        last: iso(last),
        days: days === null ? null : Math.round(days * 100) / 100,
      },
      messages: totals,
    },
    fields,
    gaps: gapList,
    notes,
    ...(opts.windowDays !== undefined ? { windowDays: opts.windowDays } : {}),
  };
}

/** True when SPF and DKIM are logged well enough on `host` for the derived DMARC check. */
function derivesDmarc(fields: FieldCoverage[], host: string): boolean {
  const ok = (id: FieldId): boolean => {
    const sh = fields.find((f) => f.field === id)?.byHost[host]?.share;
    return sh !== undefined && sh !== null && sh >= CORE_FIELD_MIN_SHARE;
  };
  return ok('auth.spf') && ok('auth.dkim');
}

/** The host part of a Postfix/Sendmail relay value: "mx2.example.com[192.0.2.5]:25" -> "mx2.example.com". */
function relayHostName(relay: string): string {
  const b = relay.indexOf('[');
  return (b < 0 ? relay : relay.slice(0, b)).toLowerCase();
}

function internalRelaysOf(hosts: HostReport[]): { from: string; to: string; messages: number }[] {
  const names = new Map<string, string>();
  for (const h of hosts) {
    const n = h.host.toLowerCase();
    names.set(n, h.host);
    const dot = n.indexOf('.');
    if (dot > 0 && !names.has(n.slice(0, dot))) names.set(n.slice(0, dot), h.host);
  }
  const out: { from: string; to: string; messages: number }[] = [];
  for (const h of hosts) {
    for (const [relay, n] of Object.entries(h.relays)) {
      const name = relayHostName(relay);
      const to = names.get(name) ?? names.get(name.slice(0, Math.max(0, name.indexOf('.'))));
      if (to !== undefined && to !== h.host) out.push({ from: h.host, to, messages: n });
    }
  }
  return out;
}

function pushOnce(list: string[], s: string): void {
  if (!list.includes(s)) list.push(s);
}
