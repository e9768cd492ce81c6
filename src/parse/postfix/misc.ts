/**
 * The remaining Postfix programs: pickup (local submission), bounce/defer/trace
 * (notifications), postsuper (queue surgery) and the housekeeping daemons (master,
 * anvil, scache, tlsmgr, trivial-rewrite, verify, postfix-script, sendmail, postdrop,
 * proxymap, ...) whose lines are recognised and kept as notes or noise.
 */
import type { LogEvent } from '../event.js';
import {
  type Ctx,
  type Sample,
  messageClosedEv,
  messageNoteEv,
  noiseEv,
  queueIdLength,
  unrecognisedEv,
} from './common.js';
import { pickupLine } from './cleanup.js';
import { notificationNote } from './delivery.js';
import { generic } from './smtpd.js';

export const SAMPLES: readonly Sample[] = [
  {
    program: 'postfix/bounce',
    message: '4F9D195432: sender delay notification: 5C2E3F4A1B',
    kind: 'message.note',
  },
  {
    program: 'postfix/defer',
    message: '4F9D195432: postmaster non-delivery notification: 5C2E3F4A1B',
    kind: 'message.note',
  },
  { program: 'postfix/postsuper', message: 'Requeued: 3 messages', kind: 'noise' },
  { program: 'postfix/postsuper', message: 'Placed on hold: 1 message', kind: 'noise' },
  { program: 'postfix/master', message: 'reload configuration /etc/postfix', kind: 'noise' },
  {
    program: 'postfix/master',
    message: 'warning: process /usr/lib/postfix/sbin/smtpd pid 4321 exit status 1',
    kind: 'noise',
  },
  {
    program: 'postfix/postfix-script',
    message: 'the Postfix mail system is running: PID: 812',
    kind: 'noise',
  },
  {
    program: 'postfix/proxymap',
    message:
      'warning: mysql:/etc/postfix/mysql-virtual.cf: connect to mysql server 127.0.0.1: Connection refused',
    kind: 'noise',
  },
  {
    program: 'postfix/pickup',
    message: 'warning: 4F9D195432: message has been queued for 1 days',
    kind: 'message.note',
  },

  { program: 'postfix/pickup', message: '4F9D195432: uid=1000 from=<alice>', kind: 'message.pickup' },
  {
    program: 'postfix/bounce',
    message: '4F9D195432: sender non-delivery notification: 5C2E3F4A1B',
    kind: 'message.note',
  },
  {
    program: 'postfix/bounce',
    message: '4F9D195432: sender delivery status notification: 5C2E3F4A1B',
    kind: 'message.note',
  },
  { program: 'postfix/postsuper', message: '4F9D195432: removed', kind: 'message.closed' },
  { program: 'postfix/postsuper', message: '4F9D195432: placed on hold', kind: 'message.note' },
  { program: 'postfix/postsuper', message: '4F9D195432: released from hold', kind: 'message.note' },
  { program: 'postfix/postsuper', message: '4F9D195432: requeued', kind: 'message.note' },
  { program: 'postfix/postsuper', message: 'Deleted: 12 messages', kind: 'noise' },
  {
    program: 'postfix/master',
    message: 'daemon started -- version 3.7.11, configuration /etc/postfix',
    kind: 'noise',
  },
  {
    program: 'postfix/master',
    message: 'reload -- version 3.7.11, configuration /etc/postfix',
    kind: 'noise',
  },
  { program: 'postfix/master', message: 'terminating on signal 15', kind: 'noise' },
  {
    program: 'postfix/anvil',
    message: 'statistics: max connection rate 3/60s for (smtp:198.51.100.7) at Nov 27 10:15:00',
    kind: 'noise',
  },
  { program: 'postfix/scache', message: 'statistics: start interval Nov 27 10:15:00', kind: 'noise' },
  { program: 'postfix/postfix-script', message: 'starting the Postfix mail system', kind: 'noise' },
  { program: 'postfix/postfix-script', message: 'refreshing the Postfix mail system', kind: 'noise' },
  {
    program: 'postfix/trivial-rewrite',
    message: 'warning: do not list domain example.com in BOTH mydestination and virtual_alias_domains',
    kind: 'noise',
  },
  {
    program: 'postfix/sendmail',
    message: 'fatal: alice(1000): No recipient addresses found in message header',
    kind: 'noise',
  },
  {
    program: 'postfix/postdrop',
    message: 'warning: unable to look up public/pickup: No such file or directory',
    kind: 'noise',
  },
  {
    program: 'postfix/tlsmgr',
    message:
      'warning: request to update table btree:/var/lib/postfix/smtpd_scache in non-postfix directory /var/lib/postfix',
    kind: 'noise',
  },
  {
    program: 'postfix/verify',
    message: 'cache btree:/var/lib/postfix/verify_cache full cleanup: retained=20 dropped=3 entries',
    kind: 'noise',
  },
];

export function parsePickup(c: Ctx, s: string): LogEvent {
  const n = queueIdLength(s);
  if (n === 0) return generic(c, s);
  const qid = s.slice(0, n);
  const ev = pickupLine(c, qid, s.slice(n + 2));
  return ev ?? unrecognisedEv(c, qid);
}

/** bounce, defer, trace: notifications about a queued message. */
export function parseBounce(c: Ctx, s: string): LogEvent {
  const n = queueIdLength(s);
  if (n === 0) return generic(c, s);
  const qid = s.slice(0, n);
  const r = s.slice(n + 2);
  const ev = notificationNote(c, qid, r);
  if (ev !== null) return ev;
  if (r.startsWith('warning: ')) return messageNoteEv(c, qid, r);
  return unrecognisedEv(c, qid);
}

export function parsePostsuper(c: Ctx, s: string): LogEvent {
  const n = queueIdLength(s);
  if (n > 0) {
    const qid = s.slice(0, n);
    const r = s.slice(n + 2);
    if (r === 'removed') return messageClosedEv(c, qid, 'removed');
    // Notes lead with the queue action word (hold, release, requeue, expire) so the
    // correlator can tell a held message from a mere remark; Postfix's words follow.
    if (r === 'placed on hold') return messageNoteEv(c, qid, 'hold: placed on hold');
    if (r === 'released from hold') return messageNoteEv(c, qid, 'release: released from hold');
    if (r === 'requeued') return messageNoteEv(c, qid, 'requeue: requeued');
    if (r === 'expired') return messageNoteEv(c, qid, 'expire: expired');
    return unrecognisedEv(c, qid);
  }
  // Deleted: N messages / Requeued: N messages / Placed on hold: N / Released from hold: N
  const colon = s.indexOf(': ');
  if (colon > 0 && colon < 20 && (s.endsWith(' message') || s.endsWith(' messages'))) {
    const head = s.slice(0, colon);
    if (
      head === 'Deleted' ||
      head === 'Requeued' ||
      head === 'Placed on hold' ||
      head === 'Released from hold' ||
      head === 'Expired'
    ) {
      return noiseEv(c, head);
    }
  }
  return generic(c, s);
}

/** master, anvil, scache, tlsmgr, trivial-rewrite, verify, postfix-script, sendmail, postdrop, ... */
export function parseHousekeeping(c: Ctx, s: string): LogEvent {
  if (s.startsWith('daemon started -- ') || s.startsWith('reload -- '))
    return noiseEv(c, 'master start/reload');
  if (s.startsWith('terminating on signal ')) return noiseEv(c, 'terminating');
  if (s.startsWith('master exit time has arrived')) return noiseEv(c, 'terminating');
  if (s.startsWith('reload configuration ')) return noiseEv(c, 'master start/reload');
  if (c.daemon === 'postfix-script') {
    if (
      s.endsWith(' the Postfix mail system') ||
      s.startsWith('waiting for the Postfix mail system') ||
      s.startsWith('the Postfix mail system is ')
    ) {
      return noiseEv(c, 'postfix-script');
    }
  }
  return generic(c, s);
}
