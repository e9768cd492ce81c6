/**
 * Header values outlive their lines (a message record keeps them until the message closes),
 * so a value cut from a long line must not keep that line alive: measured on the heap, with
 * a margin of four between the two outcomes (2,000 lines of 60 KB: 120 MB kept by slices,
 * at most 2000 x 8 KiB of values without them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseLine } from './index.js';
import { syslogLine } from './test-lines.js';
import { detached, DETACH_FROM_LINE_CHARS } from './base.js';
import { MAX_HEADER_VALUE_CHARS } from '../limits.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LINES = 2000;
const FILL = 60_000;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function keptValues(make: (i: number, fill: string) => { program: string; message: string }): string[] {
  const kept: string[] = [];
  for (let i = 0; i < LINES; i++) {
    // A fresh fill per line, as lines read from a file are: no string shared between lines.
    const { program, message } = make(i, String.fromCharCode(97 + (i % 26)).repeat(FILL - (i % 7)));
    const ev = parseLine(syslogLine(program, 77, message));
    assert.equal(ev.kind, 'header');
    if (ev.kind === 'header') kept.push(ev.name, ev.value);
  }
  return kept;
}

const shapes = {
  'postfix header_checks': (i: number, fill: string) => ({
    program: 'postfix/cleanup',
    message: `4F9D195432: warning: header X-H${i}: ${fill} from unknown[203.0.113.1]; from=<x@example.net> to=<a@example.org> proto=ESMTP helo=<h>`,
  }),
  'postfix header_checks, short value on a long line': (i: number, fill: string) => ({
    program: 'postfix/cleanup',
    message: `4F9D195432: warning: header X-H${i}: short value ${i} from unknown[203.0.113.1]; from=<${fill}@example.net> to=<a@example.org> proto=ESMTP helo=<h>`,
  }),
};

for (const [name, make] of Object.entries(shapes)) {
  test(`${name}: header values kept from ${LINES} lines of 60 KB do not hold the lines`, () => {
    const before = heapAfterGc();
    const kept = keptValues(make);
    const held = heapAfterGc() - before;
    assert.equal(kept.length, 2 * LINES);
    assert.ok(
      held < (LINES * FILL) / 4,
      `${(held / 1048576).toFixed(1)} MiB held for values of at most ${((LINES * MAX_HEADER_VALUE_CHARS) / 1048576).toFixed(1)} MiB`,
    );
  });
}

test('detached: same text, a copy only when cut from a long line', () => {
  const line = 'x'.repeat(DETACH_FROM_LINE_CHARS + 1) + 'value';
  const v = line.slice(DETACH_FROM_LINE_CHARS + 1);
  assert.equal(detached(v, line.length), 'value');
  assert.equal(detached('', line.length), '');
  assert.equal(detached(v, 100), v);
});
