import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxOf, hv, rec } from '../test-support.js';
import { messageIdDomain } from './message-id-domain.js';

test('protected From with a Message-ID of an unrelated organisation', () => {
  const r = rec({ headers: { from: hv('<ceo@example.com>') }, messageId: '<abc.123@bulk.attacker.test>' });
  const [f] = messageIdDomain(ctxOf(r));
  assert.equal(f?.weight, 4);
  assert.equal(f?.fields.message_id_domain, 'bulk.attacker.test');
});

test('spared: our own Message-ID, unprotected From, missing or odd Message-ID', () => {
  assert.deepEqual(
    messageIdDomain(
      ctxOf(rec({ headers: { from: hv('<ceo@example.com>') }, messageId: '<1@mail.example.com>' })),
    ),
    [],
  );
  assert.deepEqual(messageIdDomain(ctxOf(rec({ messageId: '<1@attacker.test>' }))), []);
  assert.deepEqual(messageIdDomain(ctxOf(rec({ headers: { from: hv('<ceo@example.com>') } }))), []);
  assert.deepEqual(
    messageIdDomain(ctxOf(rec({ headers: { from: hv('<ceo@example.com>') }, messageId: '<1@localhost>' }))),
    [],
  );
});
