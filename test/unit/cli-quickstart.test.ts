/**
 * The README quick start, as a new user runs it: the package built with its own build
 * config (tsconfig.build.json), then its `bin` (what `npx spoofwatch` runs) over the
 * committed sample log. Built into a temp directory so the working tree's dist/ is untouched.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/cli.js';
import { tempDir } from '../support/mail-fixtures.js';

const SAMPLE = join(REPO_ROOT, 'samples', 'postfix-lab.log');
const skip = existsSync(SAMPLE) ? false : 'samples/postfix-lab.log is not in the repository yet';

function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '', CI: '', FORCE_COLOR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('built package: spoofwatch scan samples/postfix-lab.log', { skip, timeout: 180_000 }, async () => {
  const { dir, cleanup } = tempDir('spoofwatch-pkg-');
  after(cleanup);
  // The installed layout: package.json, bin/, dist/, samples/ and the dependencies.
  copyFileSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(REPO_ROOT, 'bin', 'spoofwatch.js'), join(dir, 'bin', 'spoofwatch.js'));
  symlinkSync(join(REPO_ROOT, 'samples'), join(dir, 'samples'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));

  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = await run(
    process.execPath,
    [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
    REPO_ROOT,
  );
  assert.ok(
    existsSync(join(dir, 'dist', 'src', 'cli', 'entry.js')),
    `build output missing:\n${build.stdout}`,
  );

  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };
  const bin = join(dir, pkg.bin.spoofwatch!);
  const [version, scan] = await Promise.all([
    run(process.execPath, [bin, '--version'], dir),
    run(process.execPath, [bin, 'scan', 'samples/postfix-lab.log'], dir),
  ]);
  assert.equal(version.stdout, `spoofwatch ${pkg.version}\n`, version.stderr);
  assert.equal(scan.code, 0, scan.stderr);
  assert.equal(scan.stderr, '');
  const verdicts = scan.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { verdict: string }).verdict);
  assert.ok(verdicts.length >= 10, `${verdicts.length} messages`);
  assert.ok(verdicts.includes('spoof'), 'the lab sample holds spoofs');
  assert.ok(verdicts.includes('clean'), 'and legitimate mail');
});
