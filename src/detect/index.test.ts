import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageRecord } from '../correlate/record.js';
import { ATTACK, createDetector, RULE_IDS, RULE_INFO } from './index.js';
import type { VerdictLevel } from './verdict.js';
import { config, dkimPass, dmarc, hv, rec, spfPass } from './test-support.js';

const CONFIG = config({
  protectedDomains: ['example.com'],
  trustedNetworks: ['192.0.2.0/24'],
  authservId: ['mx1.example.com'],
  vips: ['Jane Doe'],
});

interface Case {
  name: string;
  record: MessageRecord;
  level: VerdictLevel;
  /** Rules that must be among the findings with weight > 0. */
  rules?: string[];
  guard?: string;
}

const CASES: Case[] = [
  {
    name: 'direct legitimate mail, everything aligned',
    record: rec({ auth: { spf: [spfPass()], dkim: [dkimPass()], dmarc: dmarc('pass') } }),
    level: 'clean',
  },
  {
    name: 'ESP newsletter with aligned DKIM',
    record: rec({
      headers: { from: hv('Example News <news@news.shop.test>') },
      envelope: { from: 'bounce-8812@esp.mailer.test' },
      session: { clientIp: '198.51.100.40', clientHost: 'o1.esp.mailer.test', helo: 'o1.esp.mailer.test' },
      auth: {
        spf: [spfPass('esp.mailer.test')],
        dkim: [dkimPass('news.shop.test'), dkimPass('esp.mailer.test')],
        dmarc: dmarc('pass', 'news.shop.test'),
      },
    }),
    level: 'clean',
    rules: ['header-from-envelope-mismatch'],
  },
  {
    name: 'forwarded via SRS, SPF checked against the forwarder, DKIM intact',
    record: rec({
      envelope: { from: 'SRS0=x7Rt=4Q=sender.test=alice@fwd.forwarder.test' },
      session: { clientIp: '198.51.100.7', clientHost: 'fwd.forwarder.test', helo: 'fwd.forwarder.test' },
      auth: { spf: [spfPass('fwd.forwarder.test')], dkim: [dkimPass()], dmarc: dmarc('pass') },
    }),
    level: 'clean',
  },
  {
    name: 'forwarded without SRS: SPF fails, DKIM and DMARC pass',
    record: rec({
      session: { clientIp: '198.51.100.7', clientHost: 'fwd.forwarder.test', helo: 'fwd.forwarder.test' },
      auth: {
        spf: [{ result: 'fail', scope: 'mfrom', domain: 'sender.test', source: 'policyd-spf' }],
        dkim: [dkimPass()],
        dmarc: dmarc('pass'),
      },
    }),
    level: 'clean',
  },
  {
    name: 'mailing list post with broken DKIM and DMARC fail',
    record: rec({
      headers: {
        from: hv('Alice Sender <alice@sender.test>'),
        'list-id': hv('Dev <dev.lists.project.test>'),
        'list-unsubscribe': hv('<mailto:dev-leave@lists.project.test>'),
        'reply-to': hv('<dev@lists.project.test>'),
      },
      envelope: { from: 'dev-bounces+bob=example.com@lists.project.test' },
      session: { clientIp: '198.51.100.60', clientHost: 'lists.project.test', helo: 'lists.project.test' },
      auth: {
        spf: [spfPass('lists.project.test')],
        dkim: [
          { result: 'fail', domain: 'sender.test', failure: 'body', source: 'opendkim' },
          dkimPass('lists.project.test'),
        ],
        dmarc: dmarc('fail', 'sender.test', 'reject'),
      },
    }),
    level: 'clean',
    guard: 'mailing-list',
  },
  {
    name: 'internal relay from a trusted network, no auth results',
    record: rec({
      headers: { from: hv('Alice <alice@example.com>') },
      envelope: { from: 'alice@example.com' },
      session: { clientIp: '192.0.2.25', clientHost: 'relay.example.com', helo: 'relay.example.com' },
    }),
    level: 'clean',
  },
  {
    name: 'domain without any auth records',
    record: rec({
      headers: { from: hv('Shop <info@smallshop.test>') },
      envelope: { from: 'info@smallshop.test' },
      auth: {
        spf: [{ result: 'none', scope: 'mfrom', domain: 'smallshop.test', source: 'policyd-spf' }],
        dmarc: dmarc('none', 'smallshop.test'),
      },
    }),
    level: 'unknown',
  },
  {
    name: 'header From / envelope mismatch spoof of a p=reject domain',
    record: rec({
      headers: { from: hv('Bank <service@bank.test>') },
      envelope: { from: 'x9@attacker.test' },
      session: { clientIp: '203.0.113.66', clientHost: 'unknown', helo: 'attacker.test' },
      auth: { spf: [spfPass('attacker.test')], dmarc: dmarc('fail', 'bank.test', 'reject', 'none') },
    }),
    level: 'spoof',
    rules: ['dmarc-fail', 'header-from-envelope-mismatch'],
  },
  {
    name: 'SPF fail for a domain without DMARC enforcement',
    record: rec({
      auth: {
        spf: [{ result: 'fail', scope: 'mfrom', domain: 'sender.test', source: 'policyd-spf' }],
        dmarc: dmarc('fail', 'sender.test', 'none'),
      },
    }),
    level: 'suspicious',
    rules: ['spf-fail', 'dmarc-fail'],
  },
  {
    name: 'DKIM replay with edited headers',
    record: rec({
      envelope: { from: 'bulk@replay.test' },
      session: { clientIp: '203.0.113.80', clientHost: 'vps.replay.test', helo: 'vps.replay.test' },
      auth: {
        spf: [spfPass('replay.test')],
        dkim: [{ result: 'fail', domain: 'sender.test', failure: 'header', source: 'opendkim' }],
        dmarc: dmarc('fail', 'sender.test', 'reject'),
      },
    }),
    level: 'spoof',
    rules: ['dkim-fail', 'dmarc-fail'],
  },
  {
    name: 'own domain from outside, unauthenticated',
    record: rec({
      headers: { from: hv('CEO <ceo@example.com>') },
      envelope: { from: 'ceo@example.com' },
      session: { clientIp: '203.0.113.23', clientHost: 'unknown', helo: 'example.com' },
      auth: { spf: [{ result: 'softfail', scope: 'mfrom', domain: 'example.com', source: 'policyd-spf' }] },
    }),
    level: 'spoof',
    rules: ['own-domain-from-outside', 'helo-anomaly'],
  },
  {
    name: 'display-name impersonation of a VIP from free-mail',
    record: rec({
      headers: { from: hv('"Jane Doe" <jane.doe.office@gmail.com>') },
      envelope: { from: 'jane.doe.office@gmail.com' },
      session: { clientIp: '203.0.113.90', clientHost: 'mail-x.google.test', helo: 'mail-x.google.test' },
      auth: { spf: [spfPass('gmail.com')], dkim: [dkimPass('gmail.com')], dmarc: dmarc('pass', 'gmail.com') },
    }),
    level: 'suspicious',
    rules: ['display-name-vip'],
  },
  {
    name: 'look-alike domain, authenticated by its owner',
    record: rec({
      headers: { from: hv('Example IT <it@examp1e.com>') },
      envelope: { from: 'it@examp1e.com' },
      auth: {
        spf: [spfPass('examp1e.com')],
        dkim: [dkimPass('examp1e.com')],
        dmarc: dmarc('pass', 'examp1e.com'),
      },
    }),
    level: 'suspicious',
    rules: ['lookalike-domain'],
  },
  {
    name: 'look-alike domain with a free-mail Reply-To',
    record: rec({
      headers: { from: hv('Example IT <it@examp1e.com>'), 'reply-to': hv('<example.it.desk@gmail.com>') },
      envelope: { from: 'it@examp1e.com' },
      auth: {
        spf: [spfPass('examp1e.com')],
        dkim: [dkimPass('examp1e.com')],
        dmarc: dmarc('pass', 'examp1e.com'),
      },
    }),
    level: 'spoof',
    rules: ['lookalike-domain', 'reply-to-divergence'],
  },
  {
    name: 'Reply-To hijack on an authenticated vendor message',
    record: rec({
      headers: {
        from: hv('Vendor Billing <billing@vendor.test>'),
        'reply-to': hv('<vendor.billing.dept@outlook.com>'),
      },
      envelope: { from: 'billing@vendor.test' },
      auth: {
        spf: [spfPass('vendor.test')],
        dkim: [dkimPass('vendor.test')],
        dmarc: dmarc('pass', 'vendor.test'),
      },
    }),
    level: 'suspicious',
    rules: ['reply-to-divergence'],
  },
  {
    name: 'forged Authentication-Results with our authserv-id',
    record: rec({
      headers: {
        from: hv('<alice@sender.test>'),
        'authentication-results': hv('mx1.example.com; spf=pass; dkim=pass header.d=example.com; dmarc=pass'),
      },
      auth: { spf: [spfPass()] },
    }),
    level: 'spoof',
    rules: ['forged-auth-results'],
  },
  {
    name: 'forged Authentication-Results claiming DMARC pass for our own domain',
    record: rec({
      headers: {
        from: hv('CEO <ceo@example.com>'),
        'authentication-results': hv(
          'mx1.example.com; dkim=pass header.d=example.com; dmarc=pass header.from=example.com',
        ),
      },
      envelope: { from: 'ceo@example.com' },
      auth: {
        spf: [],
        dkim: [{ result: 'pass', domain: 'example.com', source: 'header:mx1.example.com' }],
        dmarc: { result: 'pass', domain: 'example.com', source: 'header:mx1.example.com' },
      },
    }),
    level: 'spoof',
    rules: ['forged-auth-results', 'own-domain-from-outside'],
  },
  {
    name: 'evasion: p=reject spoof dressed up with a List-Id header',
    record: rec({
      headers: {
        from: hv('Bank <service@bank.test>'),
        'list-id': hv('<news.bank.test>'),
        precedence: hv('bulk'),
      },
      envelope: { from: 'x9@attacker.test' },
      auth: { spf: [spfPass('attacker.test')], dmarc: dmarc('fail', 'bank.test', 'reject') },
    }),
    level: 'spoof',
    rules: ['dmarc-fail'],
  },
  {
    name: 'evasion: p=reject spoof behind a made-up SRS envelope',
    record: rec({
      headers: { from: hv('Bank <service@bank.test>') },
      envelope: { from: 'SRS0=abcd=ZZ=bank.test=service@attacker.test' },
      auth: { spf: [spfPass('attacker.test')], dmarc: dmarc('fail', 'bank.test', 'reject') },
    }),
    level: 'spoof',
    rules: ['dmarc-fail'],
  },
  {
    name: 'connection rejected at CONNECT, nothing else known',
    record: rec({
      id: 'mx1.example.com/NOQUEUE/1',
      queueIds: [],
      headers: {},
      envelope: { recipients: [] },
      actions: [
        {
          action: 'rejected',
          stage: 'connect',
          code: 554,
          reason: 'Client host [203.0.113.9] blocked using zen.dnsbl.test',
          time: null,
        },
      ],
      disposition: 'rejected',
    }),
    level: 'unknown',
  },
  {
    name: 'NOQUEUE reject for SPF fail: a blocked spoof',
    record: rec({
      id: 'mx1.example.com/NOQUEUE/2',
      queueIds: [],
      headers: {},
      envelope: { from: 'ceo@partner.test', recipients: ['bob@example.com'] },
      actions: [
        {
          action: 'rejected',
          stage: 'rcpt',
          code: 550,
          reason: '5.7.23 Message rejected due to: SPF fail - not authorized',
          time: null,
        },
      ],
      disposition: 'rejected',
    }),
    level: 'spoof',
    rules: ['spf-fail'],
  },
];

for (const c of CASES) {
  test(`whole record: ${c.name} -> ${c.level}`, () => {
    const v = createDetector(CONFIG).detect(c.record);
    const detail = `score ${v.score}: ${v.findings.map((f) => `${f.rule}=${f.weight}`).join(', ')}`;
    assert.equal(v.verdict, c.level, detail);
    for (const r of c.rules ?? [])
      assert.ok(
        v.findings.some((f) => f.rule === r && f.weight > 0),
        `${r} missing in ${detail}`,
      );
    if (c.guard !== undefined)
      assert.ok(
        v.findings.some((f) => f.guard?.name === c.guard),
        `guard ${c.guard} missing in ${detail}`,
      );
    for (const f of v.findings) {
      assert.ok(f.attack.includes('T1672') && f.attack.includes('T1684.002'));
      assert.ok(f.weight <= f.baseWeight);
    }
    assert.equal(v.orgDomainMethod, 'psl');
  });
}

test('a blocked spoof says so in its findings', () => {
  const v = createDetector(CONFIG).detect(CASES.find((c) => c.name.startsWith('NOQUEUE'))!.record);
  assert.match(v.findings[0]?.summary ?? '', /message rejected/);
  assert.equal(v.findings[0]?.fields.disposition, 'rejected');
});

test('without config, protected domains are guessed from inbound recipients and said so', () => {
  const d = createDetector(config({}));
  const spoof = rec({
    headers: { from: hv('CEO <ceo@example.com>') },
    envelope: { from: 'ceo@example.com', recipients: ['staff@example.com'] },
  });
  const v = d.detect(spoof);
  assert.ok(
    v.findings.some((f) => f.rule === 'own-domain-from-outside' && f.fields.protected_guessed === true),
  );
  assert.equal(v.verdict, 'spoof');
  const notes = d.notes();
  assert.ok(
    notes.some((n) => /no protectedDomains configured: guessed 1 .*example\.com/.test(n)),
    notes.join('\n'),
  );
  assert.ok(notes.some((n) => /authservId not configured/.test(n)));
});

test('outbound mail does not teach protected domains', () => {
  const d = createDetector(config({}));
  d.detect(
    rec({
      session: { clientIp: '203.0.113.4', saslUsername: 'bob' },
      envelope: { from: 'bob@example.com', recipients: ['x@partner.test'] },
    }),
  );
  const v = d.detect(
    rec({
      headers: { from: hv('<y@partner.test>') },
      envelope: { from: 'y@partner.test', recipients: ['bob@example.com'] },
    }),
  );
  assert.ok(!v.findings.some((f) => f.rule === 'own-domain-from-outside'));
});

test('(From org, envelope org) pairs with DMARC pass are learned and lower later mismatches', () => {
  const d = createDetector(CONFIG);
  const esp = (dm: 'pass' | 'none') =>
    rec({
      headers: { from: hv('<news@news.shop.test>') },
      envelope: { from: 'b@esp.mailer.test' },
      auth: {
        spf: [spfPass('esp.mailer.test')],
        dkim: [dkimPass('esp.mailer.test')],
        dmarc: dmarc(dm, 'news.shop.test'),
      },
    });
  const before = d.detect(esp('none')).findings.find((f) => f.rule === 'header-from-envelope-mismatch');
  assert.equal(before?.guard, undefined);
  d.detect(esp('pass'));
  const after = d.detect(esp('none')).findings.find((f) => f.rule === 'header-from-envelope-mismatch');
  assert.equal(after?.guard?.name, 'learned-sender');
  assert.ok(d.notes().some((n) => /learned 1 third-party sender pair/.test(n)));
});

test('a configured third party may send as our domain; a list cannot clear own-domain', () => {
  const d = createDetector(
    config({
      protectedDomains: ['example.com'],
      thirdPartySenders: { 'example.com': { domains: ['esp.mailer.test'] } },
    }),
  );
  const viaEsp = d.detect(
    rec({
      headers: { from: hv('<news@example.com>') },
      envelope: { from: 'b@esp.mailer.test' },
      auth: { spf: [spfPass('esp.mailer.test')] },
    }),
  );
  assert.notEqual(viaEsp.verdict, 'spoof');
  assert.equal(
    viaEsp.findings.find((f) => f.rule === 'own-domain-from-outside')?.guard?.name,
    'third-party-sender',
  );
  const viaList = d.detect(
    rec({
      headers: {
        from: hv('<ceo@example.com>'),
        'list-id': hv('<x.lists.attacker.test>'),
        precedence: hv('list'),
      },
      envelope: { from: 'x-bounces@lists.attacker.test' },
    }),
  );
  assert.equal(viaList.verdict, 'spoof');
  assert.equal(viaList.findings.find((f) => f.rule === 'own-domain-from-outside')?.weight, 50);
});

test('configured weights and thresholds apply', () => {
  const d = createDetector(
    config({
      protectedDomains: ['example.com'],
      weights: { 'reply-to-divergence': 0 },
      thresholds: { suspicious: 5, spoof: 90 },
    }),
  );
  const r = rec({
    headers: { from: hv('<a@sender.test>'), 'reply-to': hv('<b@gmail.com>') },
    auth: { spf: [spfPass()] },
  });
  const v = d.detect(r);
  assert.equal(v.findings[0]?.weight, 0);
  assert.equal(v.verdict, 'clean');
});

test('hostile header values never throw and stay bounded', () => {
  const d = createDetector(CONFIG);
  const big = 'A'.repeat(100_000);
  const v = d.detect(
    rec({
      headers: {
        from: hv(`"${big}" <${big}@${big}>`, '=?utf-8?B?' + big + '?=', '<<<>>>@@@'),
        'reply-to': hv(big),
        sender: hv(`<${big}@c.test>`),
        'return-path': hv(`<${big}@c.test>`),
        'authentication-results': hv(big),
        'arc-seal': hv(big),
        'list-id': hv(big),
      },
      envelope: { from: big },
      session: { clientIp: big, helo: big },
      messageId: big,
    }),
  );
  assert.ok(['spoof', 'suspicious', 'unknown', 'clean'].includes(v.verdict));
  for (const f of v.findings) {
    assert.ok(f.summary.length <= 1024 + 40, `${f.rule} summary ${f.summary.length}`);
    for (const x of Object.values(f.fields)) if (typeof x === 'string') assert.ok(x.length <= 1024, f.rule);
  }
});

test('mail from private addresses does not teach protected domains (our hosts sending out)', () => {
  const d = createDetector(config({}));
  d.detect(
    rec({
      session: { clientIp: '10.1.2.3' },
      envelope: { from: 'app@example.com', recipients: ['x@partner.test'] },
    }),
  );
  const v = d.detect(
    rec({
      headers: { from: hv('<y@partner.test>') },
      envelope: { from: 'y@partner.test', recipients: ['bob@example.com'] },
    }),
  );
  assert.ok(!v.findings.some((f) => f.rule === 'own-domain-from-outside'));
});

test('private clients outside trustedNetworks are pointed out', () => {
  const d = createDetector(CONFIG);
  d.detect(rec({ session: { clientIp: '10.20.30.40', helo: 'app.internal.test' } }));
  assert.ok(d.notes().some((n) => /1 message\(s\) came from private addresses .*10\.20\.30\.40/.test(n)));
});

test('every rule has a title, and every finding rule id is a known one', () => {
  for (const id of RULE_IDS) assert.ok(RULE_INFO[id].title.length > 0, id);
  const d = createDetector(CONFIG);
  for (const c of CASES)
    for (const f of d.detect(c.record).findings) assert.ok((RULE_IDS as string[]).includes(f.rule), f.rule);
  assert.equal(ATTACK['T1684.002']?.version, 'v19');
});

test('rejected relay attempts do not teach protected domains', () => {
  const d = createDetector(config({}));
  d.detect(
    rec({
      id: 'mx1.example.com/NOQUEUE/9',
      queueIds: [],
      envelope: { from: 'x@spam.test', recipients: ['victim@gmail.com'] },
      actions: [{ action: 'rejected', stage: 'rcpt', code: 554, reason: 'Relay access denied', time: null }],
      disposition: 'rejected',
    }),
  );
  const v = d.detect(
    rec({
      headers: { from: hv('<friend@gmail.com>') },
      envelope: { from: 'friend@gmail.com', recipients: ['bob@example.com'] },
    }),
  );
  assert.ok(!v.findings.some((f) => f.rule === 'own-domain-from-outside'));
  assert.ok(d.notes().some((n) => /guessed 1 .*example\.com/.test(n)));
});
