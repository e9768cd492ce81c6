/**
 * The lab suite, shared by test/lab/lab.test.ts (a fresh capture in lab/work) and
 * test/unit/lab-fixtures.test.ts (the committed fixtures): for every mode's log it runs the
 * real pipeline with the lab's spoofwatch.yaml and checks each sent message against the
 * truth file -- its verdict, and whether the MTA delivered or blocked it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findVerdict, loadTruth, scanLog } from './lab-verdicts.js';
import { knownGap } from './known-gaps.js';

export interface LabSuiteOptions {
  /** Folder holding postfix-<mode>.log and truth.json. */
  dir: string;
  configPath: string;
}

export async function defineLabSuite(opts: LabSuiteOptions): Promise<void> {
  const truth = loadTruth(join(opts.dir, 'truth.json'));
  for (const mode of truth.modes) {
    const log = join(opts.dir, truth.logs[mode] ?? `postfix-${mode}.log`);
    const sent = truth.messages.filter((m) => m.mode === mode);
    const verdicts = existsSync(log) ? await scanLog(log, opts.configPath) : [];

    describe(`lab ${mode}`, () => {
      test('the log exists and every sent message became a record', () => {
        assert.ok(existsSync(log), `${log} is missing`);
        assert.ok(sent.length > 0, 'the truth file lists messages for this mode');
        const lost = sent.filter((m) => findVerdict(verdicts, m) === undefined).map((m) => m.scenario);
        assert.deepEqual(lost, [], 'messages with no record');
      });

      for (const m of sent) {
        const v = findVerdict(verdicts, m);
        const gap = knownGap(mode, m.scenario);
        test(`${m.scenario}: verdict ${m.verdict}`, gap === undefined ? {} : { todo: gap }, () => {
          assert.ok(v, 'no record');
          const why = v.findings
            .filter((f) => f.weight > 0 || f.guard !== undefined)
            .map((f) => `${f.rule}:${f.weight}${f.guard ? `(${f.guard.name})` : ''}`)
            .join(' ');
          assert.equal(v.verdict, m.verdict, `score ${v.score}; ${why}; missing ${v.missing.join(',')}`);
        });

        test(`${m.scenario}: ${m.expected.disposition}${m.expected.stage ? ` at ${m.expected.stage}` : ''}`, () => {
          assert.ok(v, 'no record');
          assert.equal(v.record.disposition, m.expected.disposition);
          if (m.expected.disposition === 'rejected') {
            const rej = v.record.actions.find((a) => a.action === 'rejected');
            assert.ok(rej, 'a rejected record carries its reject action');
            if (m.expected.stage !== undefined) assert.equal(rej.stage, m.expected.stage);
          }
          if (m.expected.stage === 'rcpt') {
            assert.equal(v.record.queueId, undefined, 'an RCPT reject never got a queue id');
          } else {
            assert.equal(v.record.queueId ?? v.record.queueIds[0], m.smtp.queueId ?? v.record.queueIds[0]);
          }
        });

        if (mode.startsWith('haproxy-')) {
          test(`${m.scenario}: the HAProxy session in front of it is joined`, () => {
            assert.ok(v, 'no record');
            const proxy = v.record.session.proxy;
            assert.ok(proxy, 'record.session.proxy');
            assert.equal(proxy.peerIp, m.clientIp);
            assert.notEqual(proxy.clientMismatch, true);
          });
        }

        if (mode === 'content-filter' && m.smtp.accepted) {
          test(`${m.scenario}: both queue ids of the re-injected message are one record`, () => {
            assert.ok(v, 'no record');
            assert.ok(v.record.queueIds.length >= 2, `queue ids ${v.record.queueIds.join(',')}`);
          });
        }
      }
    });
  }
}
