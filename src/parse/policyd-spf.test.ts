import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { LogEvent, SpfEvent } from './event.js';
import { parsePolicydSpf, SAMPLES } from './policyd-spf.js';
import { syslogLine } from './test-lines.js';

function L(message: string, program = 'policyd-spf'): LogLine {
  return syslogLine(program, 30640, message);
}
function spf(ev: LogEvent): SpfEvent {
  assert.equal(ev.kind, 'auth.spf');
  return ev as SpfEvent;
}

test('prepend Received-SPF: every field, no queue id', () => {
  const ev = spf(
    parsePolicydSpf(
      L(
        'prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.com; envelope-from=alice@Example.com; receiver=<UNKNOWN>',
      ),
    ),
  );
  assert.equal(ev.result, 'pass');
  assert.equal(ev.scope, 'mfrom');
  assert.equal(ev.clientIp, '192.0.2.10');
  assert.equal(ev.helo, 'mail.example.com');
  assert.equal(ev.envelopeFrom, 'alice@Example.com');
  assert.equal(ev.domain, 'example.com');
  assert.equal(ev.receiver, '<UNKNOWN>');
  assert.equal(ev.action, 'prepend');
  assert.equal(ev.reason, 'mailfrom');
  assert.equal(ev.queueId, undefined);
  assert.equal(ev.producer, 'policyd-spf');
});

test('helo scope and the null sender take the domain from the HELO', () => {
  const ev = spf(
    parsePolicydSpf(
      L(
        'prepend Received-SPF: None (no SPF record) identity=helo; client-ip=198.51.100.7; helo=mx.example.net; envelope-from=<>; receiver=<UNKNOWN>',
      ),
    ),
  );
  assert.equal(ev.scope, 'helo');
  assert.equal(ev.result, 'none');
  assert.equal(ev.envelopeFrom, '');
  assert.equal(ev.domain, 'mx.example.net');
  // the odd `identity=no SPF record` of some versions
  const odd = spf(
    parsePolicydSpf(
      L(
        'prepend Received-SPF: None (no SPF record) identity=no SPF record; client-ip=198.51.100.7; helo=main.example.org; envelope-from=<>; receiver=<UNKNOWN>',
      ),
    ),
  );
  assert.equal(odd.scope, 'unknown');
  assert.equal(odd.domain, 'main.example.org');
  // an address-literal HELO is no domain
  const lit = spf(
    parsePolicydSpf(
      L(
        'Softfail; identity=helo; client-ip=203.0.113.9; helo=[203.0.113.9]; envelope-from=<>; receiver=<UNKNOWN>',
      ),
    ),
  );
  assert.equal(lit.domain, undefined);
});

test('debug forms', () => {
  const a = spf(
    parsePolicydSpf(
      L(
        'Action: prepend: Text: Received-SPF: Permerror (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=example.com; envelope-from=ops@example.com; receiver=<UNKNOWN>  Reject action: 550 5.7.23 210',
      ),
    ),
  );
  assert.equal(a.result, 'permerror');
  assert.equal(a.action, 'prepend');
  assert.equal(a.receiver, '<UNKNOWN>');
  const b = spf(
    parsePolicydSpf(
      L(
        'Softfail; identity=mailfrom; client-ip=192.0.2.10; helo=corp.example.com; envelope-from=user@example.com; receiver=<UNKNOWN> 120',
      ),
    ),
  );
  assert.equal(b.result, 'softfail');
  assert.equal(b.receiver, '<UNKNOWN>');
  assert.equal(b.action, undefined);
});

test('rejection with the Why? link', () => {
  const ev = spf(
    parsePolicydSpf(
      L(
        '550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.9;r=<UNKNOWN>',
      ),
    ),
  );
  assert.equal(ev.result, 'fail');
  assert.equal(ev.action, 'reject');
  assert.equal(ev.scope, 'mfrom');
  assert.equal(ev.envelopeFrom, 'ceo@example.com');
  assert.equal(ev.domain, 'example.com');
  assert.equal(ev.clientIp, '203.0.113.9');
  assert.equal(ev.receiver, '<UNKNOWN>');
  assert.equal(ev.reason, 'SPF fail - not authorized');
  const helo = spf(
    parsePolicydSpf(
      L(
        '550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=helo;id=mx.example.net;ip=203.0.113.9;r=<UNKNOWN>',
      ),
    ),
  );
  assert.equal(helo.scope, 'helo');
  assert.equal(helo.helo, 'mx.example.net');
  assert.equal(helo.domain, 'mx.example.net');
  const temp = spf(parsePolicydSpf(L('451 4.4.3 SPF Temporary Error: DNS Timeout')));
  assert.equal(temp.result, 'temperror');
  assert.equal(temp.action, 'defer');
});

test('perl policy server wording', () => {
  const ev = spf(
    parsePolicydSpf(
      L(
        "Policy action=PREPEND Received-SPF: pass (example.com: 192.0.2.10 is authorized to use 'alice@example.com' in 'mfrom' identity (mechanism 'ip4:192.0.2.0/24' matched)) receiver=mx.example.org; identity=mailfrom; envelope-from=\"alice@example.com\"; helo=mail.example.com; client-ip=192.0.2.10",
        'postfix/policy-spf',
      ),
    ),
  );
  assert.equal(ev.result, 'pass');
  assert.equal(ev.scope, 'mfrom');
  assert.equal(ev.envelopeFrom, 'alice@example.com');
  assert.equal(ev.clientIp, '192.0.2.10');
  assert.equal(ev.helo, 'mail.example.com');
  assert.equal(ev.action, 'prepend');
  assert.equal(ev.daemon, 'policy-spf');
  assert.equal(ev.instance, 'postfix');
  assert.match(ev.reason ?? '', /is authorized/);
  const rej = spf(
    parsePolicydSpf(
      L(
        'Policy action=550 Please see http://www.openspf.org/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.9;r=mx.example.org',
        'postfix/policy-spf',
      ),
    ),
  );
  assert.equal(rej.action, 'reject');
  assert.equal(rej.clientIp, '203.0.113.9');
});

test('an envelope-from key inside the reason text does not win over the real field', () => {
  const ev = spf(
    parsePolicydSpf(
      L(
        'prepend Received-SPF: Fail (xenvelope-from=ceo@example.com) identity=mailfrom; client-ip=203.0.113.9; helo=x.example.net; envelope-from=bounce@example.net; receiver=<UNKNOWN>',
      ),
    ),
  );
  assert.equal(ev.envelopeFrom, 'bounce@example.net');
  assert.equal(ev.domain, 'example.net');
});

test('debug lines are noise; unknown lines unrecognised; never throws', () => {
  for (const m of [
    "Config: {'debugLevel': 3}",
    "spfcheck: pyspf result: \"['Pass', 'sender SPF authorized', 'mailfrom']\"",
    'Starting',
    'SPF Helo check skipped - Helo_reject is set to Off',
    'skipping SPF check for 127.0.0.1',
  ]) {
    assert.equal(parsePolicydSpf(L(m)).kind, 'noise', m);
  }
  assert.equal(spf(parsePolicydSpf(L("SPF none (Mechanism 'default')"))).result, 'none');
  assert.equal(parsePolicydSpf(L('completely different text')).kind, 'unrecognised');
  for (const m of [
    'Received-SPF: ',
    'prepend Received-SPF: Pass',
    '550 ',
    'Pass; identity=',
    'z'.repeat(70000),
  ]) {
    assert.doesNotThrow(() => parsePolicydSpf(L(m)));
  }
  const huge = spf(parsePolicydSpf(L('Received-SPF: Pass (x) identity=mailfrom; helo=' + 'h'.repeat(5000))));
  assert.equal(huge.helo, undefined);
});

test('every sample parses to its kind', () => {
  for (const s of SAMPLES) assert.equal(parsePolicydSpf(L(s.message, s.program)).kind, s.kind, s.message);
});

test('rejection wordings of softfail and neutral policies', () => {
  const soft = parsePolicydSpf(
    L(
      '550 5.7.1 Message rejected due to: domain owner discourages use of this host. Please see http://www.openspf.net/Why?s=helo;id=mx-out.example.net;ip=203.0.113.9;r=<UNKNOWN>',
    ),
  );
  assert.equal((soft as SpfEvent).result, 'softfail');
  assert.equal((soft as SpfEvent).scope, 'helo');
  const pol = parsePolicydSpf(L('550 5.7.23 Message rejected due to: Receiver policy for SPF Softfail'));
  assert.equal((pol as SpfEvent).result, 'softfail');
  const neu = parsePolicydSpf(L('550 5.7.23 Message rejected due to: Receiver policy for SPF Neutral'));
  assert.equal((neu as SpfEvent).result, 'neutral');
});

test('a receiver that is an address (Hide_Receiver = No) is the recipient', () => {
  const ev = parsePolicydSpf(
    L(
      'prepend Received-SPF: Fail (mailfrom) identity=mailfrom; client-ip=203.0.113.9; helo=x.example.net; envelope-from=ceo@example.com; receiver=cfo@example.com',
    ),
  ) as SpfEvent;
  assert.equal(ev.to, 'cfo@example.com');
  const hidden = parsePolicydSpf(
    L(
      'prepend Received-SPF: Fail (mailfrom) identity=mailfrom; client-ip=203.0.113.9; helo=x.example.net; envelope-from=ceo@example.com; receiver=<UNKNOWN>',
    ),
  ) as SpfEvent;
  assert.equal(hidden.to, undefined);
  const rej = parsePolicydSpf(
    L(
      '550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.9;r=cfo@example.com',
    ),
  ) as SpfEvent;
  assert.equal(rej.to, 'cfo@example.com');
});

test('spf-engine 3.x wordings: QueueID prefix, milter reject/defer codes, unprepended and AR headers', () => {
  const q = parsePolicydSpf(
    L(
      '4F9D195432: prepend Received-SPF: Fail (mailfrom) identity=mailfrom; client-ip=203.0.113.9; helo=x.example.net; envelope-from=ceo@example.com; receiver=<UNKNOWN>',
    ),
  ) as SpfEvent;
  assert.equal(q.kind, 'auth.spf');
  assert.equal(q.queueId, '4F9D195432');
  assert.equal(q.result, 'fail');
  const m = parsePolicydSpf(
    L(
      '5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.9;r=<UNKNOWN>',
      'pyspf-milter',
    ),
  ) as SpfEvent;
  assert.equal(m.result, 'fail');
  assert.equal(m.action, 'reject');
  assert.equal(m.envelopeFrom, 'ceo@example.com');
  const plain = parsePolicydSpf(L('550 Message rejected due to: SPF fail - not authorized.')) as SpfEvent;
  assert.equal(plain.action, 'reject');
  const def = parsePolicydSpf(
    L(
      'defer_if_permit 4.7.24 SPF Temporary Error: DNS Timeout. Please see http://www.openspf.net/Why?s=mfrom;id=a@example.com;ip=192.0.2.10;r=<UNKNOWN>',
    ),
  ) as SpfEvent;
  assert.equal(def.result, 'temperror');
  assert.equal(def.action, 'defer');
  assert.equal(def.clientIp, '192.0.2.10');
  const np = parsePolicydSpf(
    L(
      'Header field not prepended: Received-SPF: Neutral (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.com; envelope-from=a@example.com; receiver=<UNKNOWN>',
    ),
  ) as SpfEvent;
  assert.equal(np.result, 'neutral');
  assert.equal(np.action, undefined);
  const ar = parsePolicydSpf(
    L(
      'prepend Authentication-Results: mx.example.org; spf=softfail (domain owner discourages use of this host) smtp.mailfrom=example.com (client-ip=203.0.113.9; helo=x.example.net; envelope-from=ceo@example.com; receiver=<UNKNOWN>)',
    ),
  ) as SpfEvent;
  assert.equal(ar.kind, 'auth.spf');
  assert.equal(ar.result, 'softfail');
  assert.equal(ar.scope, 'mfrom');
  assert.equal(ar.clientIp, '203.0.113.9');
  assert.equal(ar.helo, 'x.example.net');
  assert.equal(ar.envelopeFrom, 'ceo@example.com');
  assert.equal(ar.receiver, '<UNKNOWN>');
  assert.equal(ar.domain, 'example.com');
  assert.equal(ar.action, 'prepend');
  const skipped = parsePolicydSpf(
    L(
      'prepend X-Comment: SPF skipped for whitelisted relay - client-ip=192.0.2.25; helo=relay.example.com; envelope-from=a@example.com; receiver=<UNKNOWN> ',
    ),
  );
  assert.equal(skipped.kind, 'noise');
  assert.equal(parsePolicydSpf(L('4F9D195432: something else')).kind, 'unrecognised');
});

test('QueueID option before the queue file exists: an empty id written as ": "', () => {
  const ev = parsePolicydSpf(
    L(
      ': 550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=statements@example.com;ip=198.51.100.10;r=cfo@example.org',
    ),
  ) as SpfEvent;
  assert.equal(ev.kind, 'auth.spf');
  assert.equal(ev.result, 'fail');
  assert.equal(ev.queueId, undefined);
  assert.equal(ev.to, 'cfo@example.org');
  const p = parsePolicydSpf(
    L(
      ': prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=198.51.100.10; helo=mail.example.com; envelope-from=a@example.com; receiver=b@example.org',
    ),
  ) as SpfEvent;
  assert.equal(p.result, 'pass');
  assert.equal(p.to, 'b@example.org');
});

test("policyd-spf: the one-literal usual Received-SPF event keeps the general path's fields and their order", () => {
  const keys = (ev: object) => Object.keys(ev).join(',');
  const base = 'kind,line,producer,daemon,instance,result,scope';
  const usual =
    'prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1; helo=mx.a.example; envelope-from=x@A.example; receiver=<UNKNOWN>';
  const ev = spf(parsePolicydSpf(L(usual)));
  assert.equal(keys(ev), `${base},reason,clientIp,helo,envelopeFrom,receiver,domain,action`);
  assert.deepEqual([ev.result, ev.scope, ev.reason, ev.domain], ['pass', 'mfrom', 'mailfrom', 'a.example']);
  assert.equal(
    keys(parsePolicydSpf(L(usual.replace('<UNKNOWN>', 'bob@b.example')))),
    `${base},reason,clientIp,helo,envelopeFrom,receiver,to,domain,action`,
  );
  assert.equal(
    keys(parsePolicydSpf(L(usual.replace(' (mailfrom)', '')))),
    `${base},clientIp,helo,envelopeFrom,receiver,domain,action`,
  );
  assert.equal(
    keys(parsePolicydSpf(L(usual.replace('envelope-from=x@A.example; ', '')))),
    `${base},reason,clientIp,helo,receiver,domain,action`,
  );
});
