import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageRecord } from '../../correlate/record.js';
import { createDetector } from '../index.js';
import { config, ctxOf, dkimPass, dmarc, hv, rec } from '../test-support.js';
import { dmarcFailDerived } from './dmarc-fail-derived.js';

const exim = (result: 'pass' | 'fail', domain: string, failure?: 'body' | 'header' | 'key') => ({
  result,
  domain,
  source: 'exim',
  ...(failure !== undefined ? { failure } : {}),
});
const spf = (result: 'pass' | 'fail' | 'softfail' | 'none' | 'temperror', domain?: string) => ({
  result,
  scope: 'mfrom' as const,
  source: 'exim',
  ...(domain !== undefined ? { domain } : {}),
});

test('a replayed signature of the From plus a foreign envelope: derived fail at 0.7, policy missing', () => {
  const r = rec({
    envelope: { from: 'bounce@replay.test' },
    auth: { spf: [spf('pass', 'replay.test')], dkim: [exim('fail', 'sender.test', 'body')] },
  });
  const [f, more] = dmarcFailDerived(ctxOf(r));
  assert.equal(more, undefined);
  assert.equal(f?.rule, 'dmarc-fail-derived');
  assert.equal(f?.weight, 35);
  assert.equal(f?.severity, 'high');
  assert.equal(f?.fields.evaluated_by, 'spoofwatch');
  assert.equal(f?.fields.policy, null);
  assert.equal(f?.fields.spf_domain, 'replay.test');
  assert.equal(f?.fields.dkim_domains, 'sender.test=fail(body)');
  assert.equal(f?.fields.from_domain_signed, true);
  assert.deepEqual(f?.missing, ['auth.dmarc', 'auth.dmarc.policy']);
  assert.match(f?.summary ?? '', /derived by spoofwatch .*no DMARC verifier logged.*policy is unknown/i);
});

test('nothing of the owner: no signature of the From organisation, envelope of another: full weight', () => {
  const r = rec({
    envelope: { from: 'mailer@other.test' },
    auth: { spf: [spf('pass')], dkim: [exim('pass', 'other.test')] },
  });
  const [f] = dmarcFailDerived(ctxOf(r));
  assert.equal(f?.weight, 50);
  assert.equal(f?.severity, 'critical');
  // the SPF domain defaults to the envelope sender's, which SPF checked for MAIL FROM
  assert.equal(f?.fields.spf_domain, 'other.test');
});

test("the From's own SPF failing with no signature of its own is a derived fail; SPF none is not", () => {
  const failed = rec({ auth: { spf: [spf('fail', 'sender.test')], dkim: [exim('pass', 'other.test')] } });
  assert.equal(dmarcFailDerived(ctxOf(failed))[0]?.weight, 35);
  const none = rec({ auth: { spf: [spf('none', 'sender.test')], dkim: [exim('pass', 'other.test')] } });
  assert.deepEqual(dmarcFailDerived(ctxOf(none)), []);
  const temp = rec({ auth: { spf: [spf('temperror', 'sender.test')], dkim: [exim('fail', 'sender.test')] } });
  assert.deepEqual(dmarcFailDerived(ctxOf(temp)), []);
});

test('an aligned pass (relaxed: a subdomain of the same organisation) is no failure', () => {
  const dkimSub = rec({
    envelope: { from: 'x@other.test' },
    auth: { spf: [spf('pass')], dkim: [exim('pass', 'mail.sender.test')] },
  });
  assert.deepEqual(dmarcFailDerived(ctxOf(dkimSub)), []);
  const spfSub = rec({
    envelope: { from: 'bounce@bounces.sender.test' },
    auth: { spf: [spf('pass')], dkim: [exim('fail', 'sender.test', 'body')] },
  });
  assert.deepEqual(dmarcFailDerived(ctxOf(spfSub)), []);
});

test('not decided without a DKIM result, with a DMARC result, a null envelope or only a DMARC-derived From', () => {
  const noDkim = rec({ envelope: { from: 'x@other.test' }, auth: { spf: [spf('pass')], dkim: [] } });
  assert.deepEqual(dmarcFailDerived(ctxOf(noDkim)), []);
  const withDmarc = rec({
    envelope: { from: 'x@other.test' },
    auth: { spf: [spf('pass')], dkim: [dkimPass('other.test')], dmarc: dmarc('none') },
  });
  assert.deepEqual(dmarcFailDerived(ctxOf(withDmarc)), []);
  const bounce = rec({ envelope: { from: '' }, auth: { spf: [], dkim: [exim('fail', 'sender.test')] } });
  assert.deepEqual(dmarcFailDerived(ctxOf(bounce)), []);
  const sameOrgNoSpf = rec({ auth: { spf: [], dkim: [exim('fail', 'sender.test', 'body')] } });
  assert.deepEqual(dmarcFailDerived(ctxOf(sameOrgNoSpf)), []);
});

/** What Exim 4.96 with +dkim_verbose, an SPF ACL logwrite and a header-From logwrite gives. */
function eximRecord(
  queueId: string,
  over: Partial<MessageRecord> & { envFrom: string; from: string },
): MessageRecord {
  const { envFrom, from, ...rest } = over;
  return rec({
    id: `mx1.example.com/${queueId}`,
    mta: 'exim',
    queueId,
    queueIds: [queueId],
    producers: ['exim'],
    headers: { from: hv(from) },
    envelope: { from: envFrom },
    auth: { spf: [], dkim: [] },
    ...rest,
  });
}

test('Exim-shaped records: a replayed signature becomes a spoof, a signed list post is not', () => {
  const det = createDetector(
    config({ protectedDomains: ['example.com'], mailingLists: ['team@lists.test'] }),
  );
  const replay = eximRecord('1tXyzA-000Abc-12', {
    envFrom: 'bounce@replay.test',
    from: '"Bank Example" <statements@bank.test>',
    session: { clientIp: '203.0.113.12', clientHost: 'vps12.replay.test', helo: 'vps12.replay.test' },
    auth: {
      spf: [
        {
          result: 'pass',
          scope: 'mfrom',
          source: 'exim',
          reason: '(replay.test: 203.0.113.12 is authorized)',
        },
      ],
      dkim: [{ result: 'fail', domain: 'bank.test', selector: 's1', failure: 'body', source: 'exim' }],
    },
  });
  const v = det.detect(replay);
  assert.equal(v.verdict, 'spoof', v.explanation);
  const d = v.findings.find((f) => f.rule === 'dmarc-fail-derived');
  assert.ok(d);
  assert.deepEqual(d.missing, ['auth.dmarc', 'auth.dmarc.policy']);
  assert.ok(v.missing.includes('auth.dmarc'));

  const list = eximRecord('1tXyzB-000Abd-34', {
    envFrom: 'team-bounces+bob=example.com@lists.test',
    from: 'Carol <carol@univ.test>',
    session: { clientIp: '198.51.100.15', clientHost: 'mail.lists.test', helo: 'mail.lists.test' },
    headers: { from: hv('Carol <carol@univ.test>'), 'list-id': hv('<team.lists.test>') },
    auth: {
      spf: [{ result: 'pass', scope: 'mfrom', source: 'exim' }],
      dkim: [
        { result: 'pass', domain: 'lists.test', source: 'exim' },
        { result: 'fail', domain: 'univ.test', failure: 'body', source: 'exim' },
      ],
    },
  });
  const lv = det.detect(list);
  assert.equal(lv.verdict, 'clean', lv.explanation);
  assert.equal(lv.findings.find((f) => f.rule === 'dmarc-fail-derived')?.guard?.name, 'mailing-list');
});

test('an Exim host seen logging DKIM lines: a message of it without one carried no signature', () => {
  const det = createDetector(config({ protectedDomains: ['example.com'] }));
  const spoof = (q: string) =>
    eximRecord(q, {
      envFrom: 'mailer@other.test',
      from: 'Dan <dan@univ.test>',
      auth: { spf: [{ result: 'pass', scope: 'mfrom', source: 'exim' }], dkim: [] },
    });
  // Before the host showed it logs DKIM verification, the missing DKIM result decides nothing.
  const before = det.detect(spoof('1tXyzC-000Abe-01'));
  assert.equal(before.verdict, 'unknown');
  assert.ok(before.missing.includes('auth.dkim'));
  assert.equal(
    before.findings.find((f) => f.rule === 'dmarc-fail-derived'),
    undefined,
  );

  det.detect(
    eximRecord('1tXyzC-000Abe-02', {
      envFrom: 'news@shop.test',
      from: 'Shop <news@shop.test>',
      auth: {
        spf: [{ result: 'pass', scope: 'mfrom', source: 'exim' }],
        dkim: [{ result: 'pass', domain: 'shop.test', source: 'exim' }],
      },
    }),
  );
  const after = det.detect(spoof('1tXyzC-000Abe-03'));
  assert.equal(after.verdict, 'spoof', after.explanation);
  const d = after.findings.find((f) => f.rule === 'dmarc-fail-derived');
  assert.equal(d?.fields.dkim_absent_on_logging_host, true);
  assert.match(d?.summary ?? '', /logs every signature it verifies/);

  // Another MTA's record without DKIM lines is not judged by what the Exim host logs.
  const postfix = det.detect({ ...spoof('1tXyzC-000Abe-04'), mta: 'postfix' });
  assert.equal(
    postfix.findings.find((f) => f.rule === 'dmarc-fail-derived'),
    undefined,
  );
});
