import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoverageCollector, renderCoverage, runCoverage, type CoverageReport } from './index.js';
import { BASE_TIME, postfixMessage, sendmailMessage, type BuiltMessage } from './test-support.js';

const HOUR = 3_600_000;

function collect(messages: BuiltMessage[], windowDays?: number): CoverageReport {
  const col = new CoverageCollector();
  for (const m of messages) for (const e of m.events) col.onEvent(e);
  for (const m of messages) col.onRecord(m.record);
  return col.finish(null, { files: ['mail.log'], ...(windowDays !== undefined ? { windowDays } : {}) });
}

function field(r: CoverageReport, id: string) {
  const f = r.fields.find((x) => x.field === id);
  assert.ok(f, `field ${id}`);
  return f;
}

test('Postfix without header logging: names the missing header From and gives the header_checks remedy', () => {
  const msgs = Array.from({ length: 25 }, (_, i) =>
    postfixMessage({ queueId: `4F2A1C0B${String(i).padStart(2, '0')}`, time: BASE_TIME + i * HOUR }),
  );
  const r = collect(msgs);
  assert.deepEqual(r.inventory.mtas, ['postfix']);
  assert.deepEqual(r.inventory.milters, ['opendkim', 'opendmarc', 'policyd-spf']);
  assert.equal(r.inventory.messages.total, 25);
  assert.equal(r.inventory.messages.inbound, 25);
  assert.equal(r.inventory.hosts[0]!.host, 'mx1');
  assert.ok((r.inventory.hosts[0]!.programs['postfix/smtpd'] ?? 0) === 25);

  assert.equal(field(r, 'header.from').share, 0);
  assert.equal(field(r, 'client.ip').share, 1);
  assert.equal(field(r, 'auth.dmarc').share, 1);
  assert.equal(field(r, 'header.from').byHost.mx1?.total, 25);

  const gap = r.gaps.find((g) => g.field === 'header.from');
  assert.ok(gap, 'header From gap');
  assert.equal(gap.severity, 'high');
  assert.equal(gap.mta, 'postfix');
  assert.deepEqual(gap.hosts, ['mx1']);
  assert.ok(gap.rules.includes('header-from-envelope-mismatch'));
  assert.ok(gap.rules.includes('lookalike-domain'));
  assert.match(gap.impact, /rules that go blind: .*own-domain-from-outside/);
  assert.match(gap.remedy, /header_checks = regexp:\/etc\/postfix\/header_checks/);
  assert.match(gap.remedy, /\/\^From:\/\s+WARN/);
  assert.ok(
    !r.gaps.some((g) => g.field === 'auth.dmarc' || g.field === 'auth.spf' || g.field === 'client.ip'),
  );
  // Setup-wide gaps the logs cannot close are stated plainly.
  const paths = r.gaps.find((g) => g.field === 'mail-paths');
  assert.equal(paths?.closable, false);
  assert.match(paths!.impact, /cloud gateways/);

  const text = renderCoverage(r, 'text');
  assert.match(text, /header From\s+0% \(0\/25\)/);
  assert.match(text, /\[high\] header\.from on mx1/);
  assert.match(text, /\/\^From:\/\s+WARN/);
  const md = renderCoverage(r, 'md');
  assert.match(md, /### \d+\. header\.from \(high\) on mx1/);
  assert.match(
    md,
    /```text\n# \/etc\/postfix\/main\.cf\nheader_checks = regexp:\/etc\/postfix\/header_checks/,
  );
  const json = JSON.parse(renderCoverage(r, 'json')) as CoverageReport;
  assert.ok(Array.isArray(json.gaps) && json.fields.length > 0 && json.inventory.hosts.length === 1);
});

test('Postfix with header logging: no header From gap', () => {
  const msgs = Array.from({ length: 25 }, (_, i) =>
    postfixMessage({
      queueId: `5B3C2D1E${String(i).padStart(2, '0')}`,
      time: BASE_TIME + i * HOUR,
      headerFrom: '"Sender" <sender@example.net>',
      replyTo: i % 5 === 0 ? 'replies@example.net' : undefined,
    }),
  );
  const r = collect(msgs);
  assert.equal(field(r, 'header.from').share, 1);
  assert.equal(field(r, 'header.reply-to').present, 5);
  assert.ok(!r.gaps.some((g) => g.field === 'header.from'));
  assert.ok(!r.gaps.some((g) => g.field === 'header.reply-to'), 'Reply-To seen: logged');
  assert.equal(r.inventory.hosts[0]!.headersLogged.from, 25);
  assert.ok(
    r.notes.some((n) => /200 characters/.test(n)),
    'mentions the 200-character cut',
  );
});

test('Postfix missing milters on part of the mail: partial SPF/DKIM/DMARC gap with a wiring hint', () => {
  const msgs = Array.from({ length: 10 }, (_, i) =>
    postfixMessage({
      queueId: `6C4D3E2F${String(i).padStart(2, '0')}`,
      time: BASE_TIME + i * HOUR,
      headerFrom: 'a@example.net',
      milters: i < 5,
    }),
  );
  const r = collect(msgs);
  const dkim = r.gaps.find((g) => g.field === 'auth.dkim');
  assert.ok(dkim);
  assert.equal(dkim.severity, 'medium');
  assert.match(dkim.impact, /only 50%/);
  assert.match(dkim.impact, /non_smtpd_milters/);
  assert.match(dkim.remedy, /smtpd_milters = inet:127\.0\.0\.1:8891,inet:127\.0\.0\.1:8893/);
  assert.match(dkim.remedy, /milter_default_action = accept/);
  assert.match(dkim.remedy, /SyslogSuccess yes/);
  const spf = r.gaps.find((g) => g.field === 'auth.spf');
  assert.match(spf!.remedy, /check_policy_service unix:private\/policyd-spf/);
});

test('authenticated submission is outbound and does not count against inbound SPF/DKIM/DMARC', () => {
  const msgs = [
    postfixMessage({ queueId: 'AAAA000001', time: BASE_TIME, headerFrom: 'x@example.net' }),
    postfixMessage({
      queueId: 'AAAA000002',
      time: BASE_TIME + HOUR,
      sasl: 'alice',
      milters: false,
      headerFrom: 'alice@example.com',
    }),
  ];
  // The MTA's own bounce notification: null sender, no SMTP client to log.
  const bounce = postfixMessage({
    queueId: 'AAAA000003',
    time: BASE_TIME + 2 * HOUR,
    envelopeFrom: '',
    milters: false,
  });
  bounce.record.session = {};
  msgs.push(bounce);
  const r = collect(msgs);
  assert.equal(r.inventory.messages.outbound, 2, 'the submission and the bounce notification');
  assert.equal(r.inventory.messages.inbound, 1);
  assert.equal(field(r, 'client.ip').share, 1, 'a bounce notification has no client to log');
  assert.ok(!r.gaps.some((g) => g.field === 'client.ip' || g.field === 'helo'));
  assert.equal(field(r, 'auth.dmarc').total, 1);
  assert.equal(field(r, 'auth.dmarc').share, 1);
});

test('Sendmail: header From gap with the Sendmail remedy', () => {
  const msgs = Array.from({ length: 3 }, (_, i) =>
    sendmailMessage({ queueId: `2AR9fXq3${String(i).padStart(6, '0')}`, time: BASE_TIME + i * HOUR }),
  );
  const r = collect(msgs);
  assert.deepEqual(r.inventory.mtas, ['sendmail']);
  const gap = r.gaps.find((g) => g.field === 'header.from');
  assert.ok(gap);
  assert.equal(gap.mta, 'sendmail');
  assert.deepEqual(gap.hosts, ['mail2']);
  assert.match(gap.remedy, /Sendmail cannot log the header From by itself/);
  assert.match(gap.remedy, /INPUT_MAIL_FILTER|HFrom:/);
  assert.doesNotMatch(gap.remedy, /header_checks/);
  const dkim = r.gaps.find((g) => g.field === 'auth.dkim');
  assert.match(dkim!.remedy, /INPUT_MAIL_FILTER\(`opendkim', `S=inet:8891@127\.0\.0\.1, F=T'\)dnl/);
  assert.match(dkim!.remedy, /define\(`confLOG_LEVEL', `14'\)dnl/);
});

test('retention shorter than the window is a gap the logs cannot close', () => {
  const msgs = [
    postfixMessage({ queueId: 'BBBB000001', time: BASE_TIME, headerFrom: 'a@example.net' }),
    postfixMessage({ queueId: 'BBBB000002', time: BASE_TIME + 2 * 24 * HOUR, headerFrom: 'a@example.net' }),
  ];
  const r = collect(msgs, 30);
  const gap = r.gaps.find((g) => g.field === 'retention');
  assert.ok(gap);
  assert.equal(gap.closable, false);
  assert.match(gap.impact, /span 2\.0 day\(s\) but the analysis window is 30 day\(s\)/);
  assert.equal(
    collect(msgs, 1).gaps.find((g) => g.field === 'retention'),
    undefined,
  );
});

test('no MTA lines: a high gap, and host names from the log are escaped in text and markdown', () => {
  const m = postfixMessage({
    queueId: 'CCCC000001',
    time: BASE_TIME,
    host: 'evil\x1b[2J|<b>',
    headerFrom: 'a@example.net',
  });
  const col = new CoverageCollector();
  for (const e of m.events) col.onEvent({ ...e, kind: 'unrecognised' } as never);
  col.onRecord(m.record);
  const r = col.finish(null);
  assert.ok(r.gaps.some((g) => g.field === 'mta' && g.severity === 'high'));
  const text = renderCoverage(r, 'text');
  assert.ok(!text.includes('\x1b'));
  assert.ok(text.includes('evil\\x1b[2J'));
  const md = renderCoverage(r, 'md');
  assert.ok(!md.includes('<b>'));
  assert.ok(md.includes('evil\\\\x1b\\[2J\\|&lt;b&gt;'));
});

test('inventory names relays between hosts that are both in the logs', () => {
  const a = postfixMessage({
    queueId: 'DDDD000001',
    time: BASE_TIME,
    host: 'mx1',
    headerFrom: 'a@example.net',
  });
  for (const e of a.events) if (e.kind === 'delivery') e.relay = 'mx2.example.com[192.0.2.5]:25';
  const b = postfixMessage({
    queueId: 'EEEE000001',
    time: BASE_TIME + 1000,
    host: 'mx2.example.com',
    clientIp: '192.0.2.1',
    clientHost: 'mx1.example.com',
    headerFrom: 'a@example.net',
  });
  const r = collect([a, b]);
  assert.deepEqual(r.inventory.internalRelays, [{ from: 'mx1', to: 'mx2.example.com', messages: 1 }]);
  assert.match(renderCoverage(r, 'text'), /relay {8}mx1 → mx2\.example\.com \(1 deliveries\)/);
});

test('runCoverage over real log text: header_checks lines close the header From gap', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoofwatch-cov-'));
  try {
    const lines = (withHeader: boolean): string =>
      [
        'Nov 27 10:00:00 mx1 postfix/smtpd[2001]: connect from mail.example.net[198.51.100.20]',
        'Nov 27 10:00:01 mx1 postfix/smtpd[2001]: 4F2A1C0B7D: client=mail.example.net[198.51.100.20]',
        'Nov 27 10:00:01 mx1 postfix/cleanup[2002]: 4F2A1C0B7D: message-id=<20261127.abc@example.net>',
        ...(withHeader
          ? [
              'Nov 27 10:00:01 mx1 postfix/cleanup[2002]: 4F2A1C0B7D: warning: header From: "Sender" <sender@example.net> from mail.example.net[198.51.100.20]; from=<sender@example.net> to=<bob@example.com> proto=ESMTP helo=<mail.example.net>',
            ]
          : []),
        'Nov 27 10:00:02 mx1 postfix/qmgr[2006]: 4F2A1C0B7D: from=<sender@example.net>, size=1843, nrcpt=1 (queue active)',
        'Nov 27 10:00:02 mx1 postfix/smtpd[2001]: disconnect from mail.example.net[198.51.100.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
        'Nov 27 10:00:03 mx1 postfix/local[2007]: 4F2A1C0B7D: to=<bob@example.com>, relay=local, delay=0.4, delays=0.1/0/0/0.3, dsn=2.0.0, status=sent (delivered to mailbox)',
        'Nov 27 10:00:03 mx1 postfix/qmgr[2006]: 4F2A1C0B7D: removed',
      ].join('\n') + '\n';
    const without = join(dir, 'without.log');
    const withH = join(dir, 'with.log');
    writeFileSync(without, lines(false));
    writeFileSync(withH, lines(true));
    const a = await runCoverage([without]);
    assert.equal(a.inventory.lines, 7);
    assert.equal(a.inventory.messages.total, 1);
    assert.equal(field(a, 'header.from').share, 0);
    assert.match(a.gaps.find((g) => g.field === 'header.from')!.remedy, /\/\^From:\/\s+WARN/);
    const b = await runCoverage([withH]);
    assert.equal(field(b, 'header.from').share, 1);
    assert.equal(field(b, 'helo').share, 1, 'header_checks lines carry helo=<...>');
    assert.ok(!b.gaps.some((g) => g.field === 'header.from'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
