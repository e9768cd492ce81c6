// PLACEHOLDER: replaced by the Postfix parser work.
import type { LogLine } from '../../ingest/line.js';
import type { LogEvent } from '../event.js';
import { unrecognised } from '../base.js';

const DAEMONS = new Set([
  'smtpd',
  'smtp',
  'lmtp',
  'cleanup',
  'qmgr',
  'pickup',
  'local',
  'virtual',
  'pipe',
  'error',
  'bounce',
  'postscreen',
  'dnsblog',
  'anvil',
  'tlsmgr',
  'master',
  'scache',
  'verify',
  'trivial-rewrite',
  'discard',
  'postsuper',
  'sendmail',
  'postqueue',
  'postdrop',
  'tlsproxy',
  'showq',
  'flush',
  'proxymap',
  'retry',
  'defer',
  'trace',
  'oqmgr',
  'spawn',
  'policy-spf',
  'postfix-script',
  'postlog',
  'postmap',
  'policyd-spf',
]);
export function isPostfixDaemon(d: string): boolean {
  return DAEMONS.has(d);
}
export function parsePostfix(line: LogLine, daemon: string, instance: string): LogEvent {
  return unrecognised(line, 'postfix', daemon, instance);
}
