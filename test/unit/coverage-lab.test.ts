/**
 * `coverage` on the mail lab's real logs (lab/fixtures: Postfix + OpenDKIM + OpenDMARC +
 * policyd-spf, Exim, Sendmail, captured by lab/run.sh) and on hand-written logs of setups
 * that do not log headers. The lab logs headers, so each "without header logging" case is
 * made here, in a temporary file, by dropping the header lines from a lab log: what a plain
 * install of that MTA writes. Expected counts come from lab/fixtures/truth.json.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCoverage, renderCoverage, type CoverageReport } from '../../src/coverage/index.js';
import { POSTFIX_HEADER_CHECKS } from '../../src/coverage/remedies.js';
import { loadConfig } from '../../src/detect/config.js';
import { EXIM_LOGGING_ADVICE } from '../../src/parse/exim.js';
import { SENDMAIL_HEADER_LOGGING_MC } from '../../src/parse/sendmail.js';
import { loadTruth, type Truth } from '../lab/lab-verdicts.js';
import { runCli } from '../support/cli.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(REPO, 'lab', 'fixtures');
const config = loadConfig(join(FIXTURES, 'spoofwatch.yaml'));
const truth: Truth = loadTruth(join(FIXTURES, 'truth.json'));
const tmp = mkdtempSync(join(tmpdir(), 'spoofwatch-coverage-lab-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let tmpNo = 0;
function tempLog(lines: readonly string[]): string {
  const p = join(tmp, `log-${++tmpNo}.log`);
  writeFileSync(p, lines.map((l) => `${l}\n`).join(''));
  return p;
}

function fixtureLines(name: string): string[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** The lab log without the lines `drop` matches; fails when nothing was dropped. */
function without(name: string, drop: RegExp): string {
  const all = fixtureLines(name);
  const kept = all.filter((l) => !drop.test(l));
  assert.ok(kept.length < all.length, `${name}: no line matched ${String(drop)}`);
  return tempLog(kept);
}

function field(r: CoverageReport, id: string) {
  const f = r.fields.find((x) => x.field === id);
  assert.ok(f, `field ${id}`);
  return f;
}

function gapOf(r: CoverageReport, id: string) {
  return r.gaps.find((g) => g.field === id);
}

const TRUSTED = new Set(config.trustedNetworks.map((n) => n.replace(/\/32$/, '')));

/** Sent messages of one mode the MTA accepted (250 after DATA), and those from outside. */
function sentCounts(mode: string): { sent: number; accepted: number; inboundAccepted: number } {
  const ms = truth.messages.filter((m) => m.mode === mode);
  const acc = ms.filter((m) => m.smtp.accepted);
  return {
    sent: ms.length,
    accepted: acc.length,
    inboundAccepted: acc.filter((m) => !TRUSTED.has(m.clientIp)).length,
  };
}

function assertNoAuthGaps(r: CoverageReport): void {
  for (const id of ['auth.spf', 'auth.dkim', 'auth.dmarc', 'client.ip', 'envelope.from'])
    assert.equal(gapOf(r, id), undefined, `no ${id} gap: ${gapOf(r, id)?.impact ?? ''}`);
}

function assertHeaderFromGap(r: CoverageReport, mta: string, host: string): string {
  const gap = gapOf(r, 'header.from');
  assert.ok(gap, `a header From gap (gaps: ${r.gaps.map((g) => g.field).join(', ')})`);
  assert.equal(gap.severity, 'high');
  assert.equal(gap.mta, mta);
  assert.deepEqual(gap.hosts, [host]);
  assert.equal(gap.closable, true);
  assert.match(gap.impact, /header From is not in the logs for any of \d+ message/);
  assert.ok(gap.rules.includes('header-from-envelope-mismatch') && gap.rules.includes('dkim-unaligned'));
  assert.equal(field(r, 'header.from').present, 0);
  // The header gap comes first among the closable ones: it blinds the most rules.
  assert.equal(r.gaps.find((g) => g.severity === 'high')?.field, 'header.from');
  return gap.remedy;
}

// --- 1. Postfix without header logging -------------------------------------------------

describe('Postfix without header logging', () => {
  test('the lab log with its cleanup "warning: header" lines removed: header From gap, header_checks remedy', async () => {
    const log = without(
      'postfix-report-only.log',
      / postfix\/cleanup\[\d{1,10}\]: [0-9A-F]{6,20}: warning: header /,
    );
    const r = await runCoverage([log], { config });
    const n = sentCounts('report-only');
    const remedy = assertHeaderFromGap(r, 'postfix', 'mx');
    assert.equal(remedy, POSTFIX_HEADER_CHECKS);
    assert.match(remedy, /^header_checks = regexp:\/etc\/postfix\/header_checks$/m);
    assert.match(remedy, /^\/\^From:\/\s+WARN$/m);
    assert.equal(field(r, 'header.from').total, n.accepted);
    // What the milters and policyd-spf log themselves is still there.
    assertNoAuthGaps(r);
    assert.equal(field(r, 'auth.dkim').share, 1);
    assert.equal(field(r, 'auth.dmarc').share, 1);
    assert.equal(field(r, 'auth.spf').share, 1);
    assert.equal(field(r, 'message-id').share, 1, 'cleanup logs message-id= without header_checks');
    // The optional header gaps fold into the header From gap (its remedy logs them too).
    assert.equal(gapOf(r, 'header.reply-to'), undefined);
    const text = renderCoverage(r, 'text');
    assert.match(text, /header From\s+0% \(0\/\d+\)/);
    assert.match(text, /\[high\] header\.from on mx/);
  });

  test('a hand-written plain Postfix log: header From gap, header_checks remedy, no auth gap', async () => {
    const lines: string[] = [];
    const senders = [
      ['mail.example.net', '192.0.2.10', 'news@example.net', 'example.net', '3F1A2B4C5D'],
      ['out.example.org', '198.51.100.20', 'billing@example.org', 'example.org', '4B2C3D4E6F'],
      ['smtp.example.net', '203.0.113.30', 'ceo@example.com', 'example.com', '5C3D4E5F70'],
    ] as const;
    senders.forEach(([host, ip, from, dom, qid], i) => {
      const t = `Nov 20 08:0${i}:0`;
      const pid = 2101 + i * 10;
      const spf = dom === 'example.com' ? 'Fail' : 'Pass';
      lines.push(
        `${t}1 mx1 postfix/smtpd[${pid}]: connect from ${host}[${ip}]`,
        `${t}1 mx1 policyd-spf[${pid + 1}]: prepend Received-SPF: ${spf} (mailfrom) identity=mailfrom; client-ip=${ip}; helo=${host}; envelope-from=${from}; receiver=alice@example.com`,
        `${t}1 mx1 postfix/smtpd[${pid}]: ${qid}: client=${host}[${ip}]`,
        `${t}1 mx1 postfix/cleanup[${pid + 2}]: ${qid}: message-id=<2026112008000${i}.${qid}@${dom}>`,
        `${t}2 mx1 opendkim[812]: ${qid}: ${host} [${ip}] not internal`,
        // OpenDKIM without LogWhy logs nothing more for an unsigned message.
        ...(dom === 'example.com'
          ? []
          : [
              `${t}2 mx1 opendkim[812]: ${qid}: DKIM verification successful`,
              `${t}2 mx1 opendkim[812]: ${qid}: s=sel1 d=${dom} SSL`,
            ]),
        `${t}2 mx1 opendmarc[813]: ${qid}: ${dom} ${dom === 'example.com' ? 'fail' : 'pass'}`,
        `${t}2 mx1 postfix/qmgr[790]: ${qid}: from=<${from}>, size=${2048 + i}, nrcpt=1 (queue active)`,
        `${t}2 mx1 postfix/smtpd[${pid}]: disconnect from ${host}[${ip}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5`,
        `${t}3 mx1 postfix/local[${pid + 3}]: ${qid}: to=<alice@example.com>, relay=local, delay=0.6, delays=0.2/0/0/0.4, dsn=2.0.0, status=sent (delivered to mailbox)`,
        `${t}3 mx1 postfix/qmgr[790]: ${qid}: removed`,
      );
    });
    const r = await runCoverage([tempLog(lines)]);
    assert.deepEqual(r.inventory.mtas, ['postfix']);
    assert.equal(r.inventory.recognised, r.inventory.lines, 'every hand-written line is recognised');
    assert.equal(r.inventory.messages.total, 3);
    assert.equal(r.inventory.messages.inbound, 3);
    const remedy = assertHeaderFromGap(r, 'postfix', 'mx1');
    assert.equal(remedy, POSTFIX_HEADER_CHECKS);
    assertNoAuthGaps(r);
    // The unsigned message: no DKIM line, but OpenDMARC's verdict shows it was checked.
    assert.deepEqual(
      [field(r, 'auth.spf').share, field(r, 'auth.dkim').share, field(r, 'auth.dmarc').share],
      [1, 1, 1],
    );
    // With no OpenDKIM line at all, nothing shows DKIM is checked: a gap, with the milter setup.
    const noDkim = await runCoverage([tempLog(lines.filter((l) => !l.includes(' opendkim[')))]);
    assert.equal(field(noDkim, 'auth.dkim').share, 0);
    const dkimGap = gapOf(noDkim, 'auth.dkim');
    assert.ok(dkimGap, 'DKIM gap');
    assert.equal(dkimGap.severity, 'high');
    assert.match(dkimGap.remedy, /^smtpd_milters = inet:127\.0\.0\.1:8891/m);
    assert.match(dkimGap.remedy, /^SyslogSuccess\s+yes$/m);
  });
});

// --- 2. The lab's Postfix logs: nothing missing -----------------------------------------

describe('the lab Postfix logs (header_checks, OpenDKIM, OpenDMARC, policyd-spf)', () => {
  for (const mode of ['report-only', 'content-filter', 'haproxy-report-only']) {
    const name = truth.logs[mode] ?? `postfix-${mode}.log`;
    test(`${name}: no header From, SPF, DKIM or DMARC gap; per-field shares`, async () => {
      const r = await runCoverage([join(FIXTURES, name)], { config });
      const n = sentCounts(mode);
      assert.deepEqual(r.inventory.mtas, ['postfix']);
      for (const m of ['opendkim', 'opendmarc', 'policyd-spf']) assert.ok(r.inventory.milters.includes(m), m);
      assert.equal(r.inventory.recognisedShare, 1);
      assert.equal(r.inventory.messages.total, n.sent);
      assert.equal(r.inventory.messages.accepted, n.accepted);
      assert.equal(gapOf(r, 'header.from'), undefined);
      assertNoAuthGaps(r);
      assert.deepEqual(field(r, 'header.from'), {
        ...field(r, 'header.from'),
        present: n.accepted,
        total: n.accepted,
        share: 1,
      });
      for (const id of ['auth.spf', 'auth.dkim', 'auth.dmarc']) {
        const f = field(r, id);
        assert.equal(f.total, n.inboundAccepted, `${id}: over the accepted mail from outside`);
        assert.equal(f.share, 1, `${id}: ${f.present}/${f.total}`);
      }
      assert.equal(field(r, 'client.ip').share, 1);
      assert.equal(field(r, 'client.ip').total, n.sent);
      assert.equal(field(r, 'message-id').share, 1);
      // One scenario carries a Reply-To: an optional header, logged when present.
      assert.ok(field(r, 'header.reply-to').present >= 1);
      if (mode === 'content-filter') assert.equal(r.inventory.contentFilters, true);
      if (mode === 'haproxy-report-only') {
        assert.deepEqual(r.inventory.proxies, ['haproxy', 'postscreen']);
        assert.equal(gapOf(r, 'proxy.peer'), undefined);
      }
    });
  }

  test('without the config, the lab loopback clients count as ours: the auth shares have nothing to measure', async () => {
    const log = join(FIXTURES, 'postfix-report-only.log');
    const bare = await runCoverage([log]);
    assert.equal(bare.inventory.messages.inbound, 0);
    assert.equal(field(bare, 'auth.dkim').share, null);
    const withCfg = await runCoverage([log], { config });
    assert.equal(withCfg.inventory.messages.inbound, sentCounts('report-only').inboundAccepted);
    assert.equal(withCfg.inventory.messages.outbound, 1, 'the trusted application server');
  });
});

// --- 3. Sendmail and Exim --------------------------------------------------------------

const SENDMAIL_HEADER_LINE = / (?:sendmail|sm-mta)\[\d{1,10}\]: [0-9A-Za-z]{8,20}: header\./;

describe('Sendmail', () => {
  const labLog = join(FIXTURES, truth.logs['sendmail-report-only'] ?? 'sendmail-report-only.log');
  const skip = existsSync(labLog) ? false : `no lab Sendmail log at ${labLog}`;

  test('the lab Sendmail log (header ruleset): no header From gap', { skip }, async () => {
    const r = await runCoverage([labLog], { config });
    assert.deepEqual(r.inventory.mtas, ['sendmail']);
    assert.equal(gapOf(r, 'header.from'), undefined);
    assert.equal(field(r, 'header.from').share, 1);
    for (const id of ['auth.spf', 'auth.dkim', 'auth.dmarc']) assert.equal(gapOf(r, id), undefined, id);
    // Clients without a reverse name are logged as relay=[IP]: known, not a gap.
    assert.equal(gapOf(r, 'client.rdns'), undefined);
    // Sendmail logs no HELO: the gap says so instead of pointing at a log level.
    const helo = gapOf(r, 'helo');
    if (field(r, 'helo').share === 0) {
      assert.ok(helo, 'HELO gap');
      assert.match(helo.remedy, /Sendmail does not log the HELO/);
    }
  });

  test(
    'the lab Sendmail log without its header ruleset: header From gap, the .mc remedy',
    { skip },
    async () => {
      const r = await runCoverage([without(labLog.slice(FIXTURES.length + 1), SENDMAIL_HEADER_LINE)], {
        config,
      });
      const remedy = assertHeaderFromGap(r, 'sendmail', 'mx');
      assert.ok(remedy.includes(SENDMAIL_HEADER_LOGGING_MC), remedy);
      assert.doesNotMatch(remedy, /header_checks/);
      assert.equal(gapOf(r, 'auth.dkim'), undefined);
    },
  );

  test('hand-written Sendmail 8.17 lines: header From gap with the .mc / milter remedy', async () => {
    const lines: string[] = [];
    const msgs = [
      ['mail.example.net', '192.0.2.20', 'billing@example.net', 'example.net', '5AKA0100003101'],
      ['out.example.org', '198.51.100.21', 'hr@example.org', 'example.org', '5AKA0200003115'],
    ] as const;
    msgs.forEach(([host, ip, from, dom, qid], i) => {
      const t = `Nov 20 10:0${i}:0`;
      const pid = 3101 + i * 14;
      lines.push(
        `${t}1 mx2 sm-mta[${pid}]: STARTTLS=server, relay=${host} [${ip}], version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256`,
        `${t}1 mx2 sm-mta[${pid}]: ${qid}: from=<${from}>, size=${3120 + i}, class=0, nrcpts=1, msgid=<20261120100${i}01.${qid}@${dom}>, bodytype=8BITMIME, proto=ESMTPS, daemon=MTA, tls_verify=NONE, auth=NONE, relay=${host} [${ip}]`,
        `${t}1 mx2 opendkim[1201]: ${qid}: ${host} [${ip}] not internal`,
        `${t}1 mx2 opendkim[1201]: ${qid}: DKIM verification successful`,
        `${t}1 mx2 opendkim[1201]: ${qid}: s=sel1 d=${dom} SSL`,
        `${t}1 mx2 sm-mta[${pid}]: ${qid}: Milter (opendkim) insert (0): header: Authentication-Results: mx2.example.com;\\n\\tdkim=pass (2048-bit key) header.d=${dom} header.i=@${dom} header.b=AbCd123${i}`,
        `${t}1 mx2 opendmarc[1202]: ${qid}: ${dom} pass`,
        `${t}1 mx2 sm-mta[${pid}]: ${qid}: Milter (opendmarc) insert (0): header: Authentication-Results: mx2.example.com; dmarc=pass (p=reject dis=none) header.from=${dom}`,
        `${t}2 mx2 sm-mta[${pid + 1}]: ${qid}: to=<bob@example.com>, delay=00:00:01, xdelay=00:00:00, mailer=local, pri=33120, dsn=2.0.0, stat=Sent`,
      );
    });
    // A sender refused at MAIL FROM still gets a Sendmail queue id, but sends no header.
    lines.push(
      'Nov 20 10:05:01 mx2 sm-mta[3150]: 5AKA0500003150: ruleset=check_mail, arg1=<x@nx.example.net>, relay=dsl.example.net [203.0.113.40], reject=553 5.1.8 <x@nx.example.net>... Domain of sender address x@nx.example.net does not exist',
      'Nov 20 10:05:01 mx2 sm-mta[3150]: 5AKA0500003150: from=<x@nx.example.net>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=dsl.example.net [203.0.113.40]',
    );
    const r = await runCoverage([tempLog(lines)]);
    assert.deepEqual(r.inventory.mtas, ['sendmail']);
    assert.equal(r.inventory.messages.total, 3);
    assert.equal(r.inventory.messages.accepted, 2);
    assert.equal(r.inventory.messages.rejected, 1);
    assert.equal(field(r, 'header.from').total, 2, 'the refused sender is not counted as a missing From');
    const remedy = assertHeaderFromGap(r, 'sendmail', 'mx2');
    assert.ok(remedy.includes(SENDMAIL_HEADER_LOGGING_MC), remedy);
    assert.match(remedy, /Sendmail cannot log the header From by itself/);
    assert.doesNotMatch(remedy, /header_checks/);
    assert.equal(field(r, 'auth.dkim').share, 1);
    assert.equal(field(r, 'auth.dmarc').share, 1);
    // No SPF checker in these logs: the SPF gap names a Sendmail milter, not policyd-spf.
    const spf = gapOf(r, 'auth.spf');
    assert.ok(spf, 'SPF gap');
    assert.match(spf.remedy, /INPUT_MAIL_FILTER/);
    assert.doesNotMatch(spf.remedy, /policyd-spf_time_limit/);
  });
});

describe('Exim', () => {
  const name = truth.logs['exim-report-only'] ?? 'exim-report-only.log';

  test(`${name}: no header From, SPF or DKIM gap; DMARC as the host logs it`, async () => {
    const r = await runCoverage([join(FIXTURES, name)], { config });
    const n = sentCounts('exim-report-only');
    assert.deepEqual(r.inventory.mtas, ['exim']);
    assert.equal(gapOf(r, 'header.from'), undefined);
    assert.equal(field(r, 'header.from').present, n.accepted);
    for (const id of ['auth.spf', 'auth.dkim', 'client.rdns']) assert.equal(gapOf(r, id), undefined, id);
    // Exim logs a line per DKIM signature it checks: unsigned mail is known unsigned.
    assert.deepEqual(
      [field(r, 'auth.dkim').present, field(r, 'auth.dkim').total],
      [n.inboundAccepted, n.inboundAccepted],
    );
    // DMARC: a gap exactly when the host logs it for too few messages, with Exim's own advice.
    const dmarc = field(r, 'auth.dmarc');
    const gap = gapOf(r, 'auth.dmarc');
    if ((dmarc.share ?? 1) < 0.9) {
      assert.ok(gap, `DMARC ${dmarc.present}/${dmarc.total}: a gap`);
      assert.match(gap.remedy, /authresults/);
      // SPF and DKIM are logged, so the derived check still runs: said, and not "high".
      assert.match(gap.impact, /dmarc-fail-derived still judges alignment/);
      assert.equal(gap.severity, 'medium');
      assert.doesNotMatch(gap.remedy, /opendmarc\.conf/);
    } else assert.equal(gap, undefined);
  });

  test(`${name} without its ACL header lines: header From gap, the Exim ACL / log_selector advice`, async () => {
    const r = await runCoverage([without(name, / exim\[\d{1,10}\]: [0-9A-Za-z-]{16,23} header /)], {
      config,
    });
    const remedy = assertHeaderFromGap(r, 'exim', 'mx');
    assert.ok(remedy.includes(EXIM_LOGGING_ADVICE), remedy);
    assert.match(remedy, /logwrite = :main:header From: \$h_from:/);
    assert.match(remedy, /^log_selector = /m);
    assert.doesNotMatch(remedy, /header_checks|sendmail\.mc/);
  });
});

describe('spoofwatch coverage --config', () => {
  test('the lab config makes the lab clients inbound, as scan judges them', async () => {
    const log = join(FIXTURES, 'postfix-report-only.log');
    const cfg = join(FIXTURES, 'spoofwatch.yaml');
    const [withCfg, short, bare] = await Promise.all([
      runCli(['coverage', '--config', cfg, '-f', 'json', log], { cwd: tmp }),
      runCli(['coverage', '-c', cfg, log], { cwd: tmp }),
      runCli(['coverage', '-f', 'json', log], { cwd: tmp }),
    ]);
    assert.equal(withCfg.code, 0, withCfg.stderr);
    const n = sentCounts('report-only');
    const r = JSON.parse(withCfg.stdout) as CoverageReport;
    assert.equal(r.inventory.messages.inbound, n.inboundAccepted);
    assert.equal(field(r, 'auth.dmarc').share, 1);
    assert.equal(short.code, 0, short.stderr);
    assert.match(
      short.stdout,
      new RegExp(`DMARC result\\s+100% \\(${n.inboundAccepted}/${n.inboundAccepted}\\)`),
    );
    // No config (and none in the working directory): as scan, every client but 127.0.0.1 is
    // from outside, the application server too (trustedNetworks is what makes it ours).
    assert.equal(bare.code, 0, bare.stderr);
    assert.equal((JSON.parse(bare.stdout) as CoverageReport).inventory.messages.inbound, n.sent);
  });

  test("a missing config file is the user's mistake: exit 2, named on stderr", async () => {
    const res = await runCli(
      ['coverage', '-c', join(tmp, 'nope.yaml'), join(FIXTURES, 'postfix-report-only.log')],
      {
        cwd: tmp,
      },
    );
    assert.equal(res.code, 2);
    assert.match(res.stderr, /nope\.yaml/);
    assert.equal(res.stdout, '');
  });
});
