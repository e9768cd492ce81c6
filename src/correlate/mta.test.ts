import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, run } from './fixture.js';

test('Exim: <= opens with the client, => delivers, Completed closes', () => {
  const r = run();
  const exim = (t: number) => ({ t, prog: 'exim', pid: null, host: 'mx2.example.org' });
  const id = '1rABCd-000123-4x';
  r.push(
    ev(exim(0), 'envelope', {
      queueId: id,
      from: 'ceo@example.com',
      size: 3210,
      clientHost: 'mail.example.net',
      clientIp: '192.0.2.33',
      clientPort: 41000,
      helo: 'mail.example.net',
      proto: 'esmtps',
      tlsCipher: 'TLS1.3:TLS_AES_256_GCM_SHA384:256',
      messageId: '<e1@example.com>',
    }),
    ev(exim(0), 'auth.spf', {
      queueId: id,
      result: 'softfail',
      scope: 'mfrom',
      domain: 'example.com',
      envelopeFrom: 'ceo@example.com',
    }),
    ev(exim(1), 'delivery', { queueId: id, to: 'cfo@example.org', relay: 'dovecot', status: 'sent' }),
    ev(exim(1), 'message.closed', { queueId: id, reason: 'completed' }),
  );
  assert.equal(r.out.length, 1, 'no session to wait for: emitted at once');
  const rec = r.out[0]!;
  assert.equal(rec.id, `mx2.example.org/${id}`);
  assert.equal(rec.mta, 'exim');
  assert.equal(rec.messageId, '<e1@example.com>');
  assert.equal(rec.session.clientIp, '192.0.2.33');
  assert.equal(rec.session.helo, 'mail.example.net');
  assert.equal(rec.session.tlsCipher, 'TLS1.3:TLS_AES_256_GCM_SHA384:256');
  assert.equal(rec.auth.spf[0]?.source, 'exim');
  assert.equal(rec.disposition, 'delivered');
});

test('Sendmail: from= opens with the relay, to= lines deliver, the last final status closes', () => {
  const r = run();
  const sm = (t: number, pid = 4242) => ({ t, prog: 'sm-mta', pid });
  r.push(
    ev(sm(0), 'session.connect', { clientHost: 'mail.example.net', clientIp: '198.51.100.12' }),
    ev(sm(1), 'envelope', {
      queueId: 'x5QABC012345',
      from: 'ceo@example.com',
      size: 2048,
      nrcpt: 2,
      messageId: '<s1@example.com>',
      proto: 'ESMTP',
      clientHost: 'mail.example.net',
      clientIp: '198.51.100.12',
    }),
    ev(sm(1), 'filter', {
      queueId: 'x5QABC012345',
      action: 'add-header',
      detail: 'Milter add: header: X-Spam-Status',
    }),
    ev(sm(2, 4243), 'delivery', {
      queueId: 'x5QABC012345',
      to: 'a@example.org',
      status: 'sent',
      relay: 'local',
    }),
  );
  assert.equal(r.out.length, 0, 'one recipient still without a final status');
  r.push(
    ev(sm(3, 4243), 'delivery', {
      queueId: 'x5QABC012345',
      to: 'b@example.org',
      status: 'bounced',
      dsn: '5.1.1',
    }),
  );
  r.push(ev(sm(4), 'session.disconnect', { clientIp: '198.51.100.12' }));
  const recs = r.flush();
  assert.equal(recs.length, 1);
  const rec = recs[0]!;
  assert.equal(rec.mta, 'sendmail');
  assert.equal(rec.agedOut, undefined, 'closed, not aged out');
  assert.equal(rec.session.clientIp, '198.51.100.12');
  assert.deepEqual(rec.envelope.recipients, ['a@example.org', 'b@example.org']);
  assert.equal(rec.disposition, 'delivered');
  assert.deepEqual(rec.filters, [{ source: 'sendmail', action: 'add-header' }]);
});

test('Sendmail: one to= line with several recipients counts each of them', () => {
  const r = run();
  const sm = (t: number) => ({ t, prog: 'sm-mta', pid: 5000 });
  r.push(
    ev(sm(0), 'envelope', { queueId: 'x5QDEF', from: 'a@example.net', nrcpt: 2, clientIp: '192.0.2.50' }),
    ev(sm(1), 'delivery', {
      queueId: 'x5QDEF',
      to: 'b@example.org',
      recipients: ['b@example.org', 'c@example.org'],
      status: 'sent',
    }),
  );
  assert.equal(r.out.length, 1);
  assert.deepEqual(r.out[0]?.envelope.recipients, ['b@example.org', 'c@example.org']);
});

test('Rspamd auth facts fold into auth.* with source rspamd; a log-native DMARC is kept', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'postfix/smtpd', pid: 100 }, 'message.client', {
      queueId: 'RS001',
      clientIp: '192.0.2.60',
    }),
    ev({ t: 1, prog: 'rspamd', pid: 1 }, 'filter', {
      queueId: 'RS001',
      action: 'reject',
      score: 16.2,
      threshold: 15,
      symbols: {
        R_SPF_FAIL: { score: 1 },
        DMARC_POLICY_REJECT: { score: 2, options: ['example.com', 'reject'] },
      },
      auth: {
        spf: 'fail',
        dkim: [{ result: 'fail', domain: 'example.com' }],
        dmarc: { result: 'fail', domain: 'example.com', policy: 'reject' },
        arc: 'none',
      },
      envelopeFrom: 'ceo@example.com',
    }),
  );
  const [rec] = r.flush();
  assert.deepEqual(rec?.auth.spf, [
    { result: 'fail', scope: 'mfrom', source: 'rspamd', envelopeFrom: 'ceo@example.com' },
  ]);
  assert.deepEqual(rec?.auth.dkim, [{ result: 'fail', domain: 'example.com', source: 'rspamd' }]);
  assert.deepEqual(rec?.auth.dmarc, {
    result: 'fail',
    domain: 'example.com',
    policy: 'reject',
    source: 'rspamd',
  });
  assert.deepEqual(rec?.auth.arc, { result: 'none', source: 'rspamd' });
  assert.equal(rec?.filters[0]?.score, 16.2);
  assert.equal(rec?.disposition, 'rejected');
});

test('spamd results with no queue id join by Message-ID (with or without angle brackets)', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
      queueId: 'SP001',
      messageId: '<sp1@example.net>',
    }),
    ev({ t: 1, prog: 'spamd', pid: 3 }, 'filter', {
      action: 'spam',
      score: 9.1,
      threshold: 5,
      messageId: '<sp1@example.net>',
    }),
    ev({ t: 1, prog: 'spamd', pid: 3 }, 'filter', {
      action: 'clean',
      score: 0.1,
      messageId: '<other@example.net>',
    }),
  );
  const [rec] = r.flush();
  assert.deepEqual(rec?.filters, [{ source: 'spamd', action: 'spam', score: 9.1 }]);
  assert.equal(r.stats().orphanEvents, 1);
});

test('two open messages claiming one Message-ID: a spamd line with only that id joins neither', () => {
  const r = run();
  r.push(
    ev({ t: 0, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
      queueId: 'DUP1',
      messageId: 'same@example.com',
    }),
    ev({ t: 0, prog: 'postfix/cleanup', pid: 200 }, 'message.id', {
      queueId: 'DUP2',
      messageId: 'same@example.com',
    }),
    ev({ t: 1, prog: 'spamd', pid: 3 }, 'filter', {
      action: 'clean',
      score: 0.1,
      messageId: '<same@example.com>',
    }),
  );
  r.flush();
  assert.deepEqual(r.byQueueId('DUP1')[0]?.filters, []);
  assert.deepEqual(r.byQueueId('DUP2')[0]?.filters, []);
  assert.equal(r.stats().orphanEvents, 1);
});
