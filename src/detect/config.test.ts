import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpoofwatchError } from '../errors.js';
import { ConfigSchema, defaultConfig, loadConfig, parseConfig } from './config.js';
import { readConfigFile } from './config-load.js';

function invalid(text: string): string {
  try {
    parseConfig(text, 'sw.yaml');
  } catch (err) {
    assert.ok(err instanceof SpoofwatchError);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err.message;
  }
  assert.fail('expected CONFIG_INVALID');
}

test('defaults: nothing protected, loopback-only trust is implicit, thresholds set', () => {
  const c = defaultConfig();
  assert.deepEqual(c.protectedDomains, []);
  assert.deepEqual(c.thresholds, { suspicious: 15, spoof: 50 });
  assert.deepEqual(c.campaign, { windowSeconds: 600, distinctFromDomains: 10 });
  assert.equal(c.alignment, 'relaxed');
});

test('a valid file is read and domains are normalised', () => {
  const c = parseConfig(
    [
      'protectedDomains: [Example.COM, exämple.org]',
      'trustedNetworks: [192.0.2.0/24, "2001:db8::/32"]',
      'thirdPartySenders:',
      '  example.com:',
      '    domains: [esp.example.net]',
      'weights:',
      '  dmarc-fail: 70',
    ].join('\n'),
  );
  assert.deepEqual(c.protectedDomains, ['example.com', 'xn--exmple-cua.org']);
  assert.equal(c.weights['dmarc-fail'], 70);
  assert.deepEqual(c.thirdPartySenders['example.com']?.domains, ['esp.example.net']);
});

test('an unknown key is named with its line and column', () => {
  const msg = invalid('protectedDomains: [example.com]\n\nprotectedDomain: [example.org]\n');
  assert.match(msg, /sw\.yaml:3:1: protectedDomain: unknown key/);
});

test('a nested unknown key points at the key itself', () => {
  const msg = invalid('thresholds:\n  suspicious: 10\n  spooof: 40\n');
  assert.match(msg, /sw\.yaml:3:3: thresholds\.spooof: unknown key/);
});

test('a bad CIDR in a list names the element and its line', () => {
  const msg = invalid('trustedNetworks:\n  - 192.0.2.0/24\n  - 198.51.100.0/33\n');
  assert.match(msg, /sw\.yaml:3:5: trustedNetworks\[1\]: not an IP address or CIDR network/);
});

test('wrong types and unknown rule ids in weights are reported', () => {
  assert.match(invalid('campaign:\n  windowSeconds: soon\n'), /sw\.yaml:2:18: campaign\.windowSeconds:/);
  assert.match(invalid('weights:\n  no-such-rule: 3\n'), /sw\.yaml:2:3: weights\.no-such-rule: unknown key/);
  assert.match(invalid('protectedDomains: ["not a domain"]\n'), /protectedDomains\[0\]: not a domain name/);
});

test('thresholds must be ordered', () => {
  assert.match(
    invalid('thresholds: {suspicious: 60, spoof: 50}\n'),
    /thresholds: thresholds\.suspicious must be below/,
  );
});

test('YAML syntax errors carry a line', () => {
  assert.match(
    invalid('protectedDomains: [example.com\nvips: x\n'),
    /invalid YAML in sw\.yaml:\n {2}sw\.yaml:\d+:\d+:/,
  );
  assert.match(invalid('a: 1\na: 2\n'), /sw\.yaml:2:1:/);
});

test('a top-level list is not a config', () => {
  assert.match(invalid('- example.com\n'), /\(top level\)/);
});

test('an empty file gives the defaults', () => {
  assert.deepEqual(parseConfig(''), defaultConfig());
});

test('the built-in defaults (written out, to start without the schema) are the schema defaults', () => {
  assert.deepEqual(defaultConfig(), ConfigSchema.parse({}));
  // Each call is a fresh object: a caller that changes its copy changes no other run's.
  const a = defaultConfig();
  a.protectedDomains.push('example.com');
  a.thresholds.spoof = 1;
  assert.deepEqual(defaultConfig(), ConfigSchema.parse({}));
});

test('readConfigFile validates as loadConfig does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-config-'));
  const p = join(dir, 'sw.yaml');
  writeFileSync(p, 'protectedDomains: [Example.COM.]\n');
  assert.deepEqual((await readConfigFile(p)).protectedDomains, ['example.com']);
  writeFileSync(p, 'protectedDomain: [example.com]\n');
  await assert.rejects(
    readConfigFile(p),
    (e: unknown) =>
      e instanceof SpoofwatchError && e.code === 'CONFIG_INVALID' && /unknown key/.test(e.message),
  );
  await assert.rejects(
    readConfigFile(join(dir, 'missing.yaml')),
    (e: unknown) => e instanceof SpoofwatchError && e.code === 'CONFIG_UNREADABLE',
  );
});

test('unreadable file is CONFIG_UNREADABLE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-config-'));
  assert.throws(
    () => loadConfig(join(dir, 'missing.yaml')),
    (e: unknown) => e instanceof SpoofwatchError && e.code === 'CONFIG_UNREADABLE',
  );
  assert.throws(
    () => loadConfig(dir),
    (e: unknown) => e instanceof SpoofwatchError && e.code === 'CONFIG_UNREADABLE',
  );
  const p = join(dir, 'ok.yaml');
  writeFileSync(p, 'protectedDomains: [example.com]\n');
  assert.deepEqual(loadConfig(p).protectedDomains, ['example.com']);
});

test('the shipped example config is valid', () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const path = resolve(here, '../../spoofwatch.example.yaml');
  const c = parseConfig(readFileSync(path, 'utf8'), path);
  assert.ok(c.protectedDomains.length > 0);
});

test('an alias bomb is refused, not expanded', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++)
    lines.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}]`,
    );
  const t = Date.now();
  assert.throws(
    () => parseConfig(lines.join('\n'), 'bomb.yaml'),
    (e: unknown) => e instanceof SpoofwatchError && e.code === 'CONFIG_INVALID',
  );
  assert.ok(Date.now() - t < 2000);
});
