import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../ingest/line.js';
import type { LogEvent } from './event.js';
import { parseHaproxy, SAMPLES } from './haproxy.js';

function line(message: string): LogLine {
  return {
    time: Date.UTC(2026, 10, 20, 10, 0, 1),
    host: 'lb1',
    program: 'haproxy',
    pid: 123,
    message,
    raw: `Nov 20 10:00:01 lb1 haproxy[123]: ${message}`,
    src: { file: 'test', line: 1 },
  };
}

function proxy(message: string): Extract<LogEvent, { kind: 'proxy' }> {
  const ev = parseHaproxy(line(message));
  assert.equal(ev.kind, 'proxy', message);
  return ev as Extract<LogEvent, { kind: 'proxy' }>;
}

test('every sample parses to its stated kind, as producer haproxy', () => {
  for (const s of SAMPLES) {
    const ev = parseHaproxy(line(s.message));
    assert.equal(ev.kind, s.kind, s.message);
    assert.equal(ev.producer, 'haproxy');
  }
});

test('tcplog: client, frontend, backend, server, timers, bytes, termination state', () => {
  const ev = proxy(
    '192.0.2.1:43210 [20/Nov/2026:10:00:01.123] fe_smtp be_smtp/postfix1 1/0/5012 1234 -- 1/1/0/0/0 0/0',
  );
  assert.equal(ev.action, 'session');
  assert.equal(ev.clientIp, '192.0.2.1');
  assert.equal(ev.clientPort, 43210);
  assert.equal(ev.frontend, 'fe_smtp');
  assert.equal(ev.backend, 'be_smtp');
  assert.equal(ev.server, 'postfix1');
  assert.equal(ev.durationMs, 5012);
  assert.equal(ev.bytesRead, 1234);
  assert.equal(ev.termState, '--');
  assert.match(ev.detail ?? '', /Tw\/Tc\/Tt=1\/0\/5012/u);
});

test('tcplog: -1 timers, <NOSRV>, logasap "+" values, IPv6 clients', () => {
  const nosrv = proxy(
    '203.0.113.5:51000 [20/Nov/2026:10:00:02.456] fe_smtp be_smtp/<NOSRV> -1/-1/3 0 SC 2/2/0/0/0 0/0',
  );
  assert.equal(nosrv.server, '<NOSRV>');
  assert.equal(nosrv.termState, 'SC');
  assert.equal(nosrv.durationMs, 3);
  const v6 = proxy(
    '2001:db8::25:40000 [20/Nov/2026:10:00:03.789] fe_smtp~ be_smtp/postfix2 0/1/+120 +512 -- 3/3/1/1/+1 0/0',
  );
  assert.equal(v6.clientIp, '2001:db8::25');
  assert.equal(v6.clientPort, 40000);
  assert.equal(v6.durationMs, 120);
  assert.equal(v6.bytesRead, 512);
});

test('legacy Connect line, connection errors, HTTP lines and state changes', () => {
  const c = proxy('Connect from 192.0.2.1:43210 to 198.51.100.2:25 (fe_smtp/TCP)');
  assert.equal(c.action, 'connect');
  assert.equal(c.clientIp, '192.0.2.1');
  assert.equal(c.serverIp, '198.51.100.2');
  assert.equal(c.serverPort, 25);
  assert.equal(c.frontend, 'fe_smtp');
  const err = proxy('203.0.113.6:52000 [20/Nov/2026:10:00:05.001] fe_smtps/1: SSL handshake failure');
  assert.equal(err.action, 'other');
  assert.equal(err.detail, 'SSL handshake failure');
  assert.equal(err.frontend, 'fe_smtps');
  assert.equal(
    parseHaproxy(
      line(
        '198.51.100.9:33317 [20/Nov/2026:10:00:04.655] fe_http be_web/web1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
      ),
    ).kind,
    'noise',
  );
  assert.equal(parseHaproxy(line('Proxy fe_smtp started.')).kind, 'noise');
  assert.equal(
    parseHaproxy(line('Server be_smtp/postfix1 is UP, reason: Layer4 check passed')).kind,
    'noise',
  );
  assert.equal(parseHaproxy(line('192.0.2.1:43210 [garbage')).kind, 'unrecognised');
  assert.equal(parseHaproxy(line('hello world')).kind, 'unrecognised');
});

test('hostile lines: bounded time, one event each', () => {
  const lines = [
    '192.0.2.1:1 [' + ' '.repeat(60_000),
    'Connect from ' + ':'.repeat(60_000),
    '192.0.2.1:1 [x] ' + 'a/'.repeat(30_000),
    '1'.repeat(60_000),
  ];
  for (const m of lines) {
    const t0 = performance.now();
    const ev = parseHaproxy(line(m));
    const ms = performance.now() - t0;
    assert.equal(typeof ev.kind, 'string');
    assert.ok(ms < 500, `${ms.toFixed(1)} ms for ${m.slice(0, 40)}`);
  }
});
