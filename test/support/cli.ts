/** Runs the CLI from source (through tsx) as a user would, capturing stdout/stderr/exit code. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS_DIR = join(REPO_ROOT, '..', 'shared', 'corpus', 'public');
export const corpusPresent = existsSync(CORPUS_DIR);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak RSS in MiB when /usr/bin/time is available, else null. */
  peakRssMiB: number | null;
}

const TIME = '/usr/bin/time';
/** tsx's loader by absolute URL: `--import tsx` would resolve from the child's cwd (a temp dir in some tests). */
const TSX = import.meta.resolve('tsx');

export function runCli(
  args: string[],
  opts: {
    /** Text piped on stdin; null: stdin is /dev/null (as under cron); default: an empty pipe. */
    stdin?: string | Buffer | null;
    env?: NodeJS.ProcessEnv;
    measureRss?: boolean;
    cwd?: string;
  } = {},
): Promise<CliResult> {
  const entry = join(REPO_ROOT, 'src', 'cli', 'entry.ts');
  // The same heap cap as bin/spoofwatch.js, so memory is measured as users run it.
  const nodeArgs = ['--max-old-space-size=128', '--import', TSX, entry, ...args];
  const useTime = opts.measureRss === true && existsSync(TIME);
  const [cmd, argv] = useTime
    ? [TIME, ['-f', '@@RSS %M', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, NO_COLOR: '', CI: '', FORCE_COLOR: '', ...opts.env },
      stdio: [opts.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      let stderr = Buffer.concat(err).toString('utf8');
      let peakRssMiB: number | null = null;
      const m = /@@RSS (\d+)\s*$/.exec(stderr);
      if (m) {
        peakRssMiB = Number(m[1]) / 1024;
        stderr = stderr.slice(0, m.index);
      }
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr, peakRssMiB });
    });
    if (opts.stdin === null) return;
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();
  });
}
