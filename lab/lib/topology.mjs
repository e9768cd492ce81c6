// The lab's fake Internet: every host is a /32 on the namespace's loopback, every domain a
// zone served by nsd. Reserved names only (RFC 2606 / RFC 6761): *.example, *.test.

export const NETNS = 'swlab';
export const NS_IP = '127.0.53.53';
export const MX = { name: 'mx.corp.example', ip: '127.0.10.25' };
/** HAProxy in front of a postscreen on the MX (the haproxy-report-only mode). */
export const EDGE = { name: 'edge.corp.example', ip: '127.0.10.30' };
/** Exim 4.96 (Debian chroot) as a second MX (the exim-* modes). */
export const EXIM = { name: 'mx2.corp.example', ip: '127.0.10.26' };
/** Sendmail 8.17 (Debian chroot) as a third MX, with the lab's milters (the sendmail-* modes). */
export const SENDMAIL = { name: 'mx3.corp.example', ip: '127.0.10.27' };
export const AUTHSERV_ID = 'mx.corp.example';
export const PROTECTED = 'corp.example';

/**
 * Hosts: name -> address. `ptr: false` = no PTR record (rDNS "unknown"); `ptr: 'name'` =
 * a PTR that does not resolve back (not forward-confirmed).
 */
export const HOSTS = [
  { name: 'ns.corp.example', ip: NS_IP },
  { name: MX.name, ip: MX.ip },
  { name: EDGE.name, ip: EDGE.ip },
  { name: EXIM.name, ip: EXIM.ip },
  { name: SENDMAIL.name, ip: SENDMAIL.ip },
  { name: 'app.corp.example', ip: '127.0.20.5' },
  { name: 'mail.bank.example', ip: '127.0.11.10' },
  { name: 'o1.esp.example', ip: '127.0.12.10' },
  { name: 'mail.partner.example', ip: '127.0.13.10' },
  { name: 'mx.fwd.example', ip: '127.0.14.10' },
  { name: 'mail.lists.example', ip: '127.0.15.10' },
  { name: 'mail.univ.example', ip: '127.0.16.10' },
  { name: 'mail.pay.example', ip: '127.0.17.10' },
  { name: 'mail.oldco.example', ip: '127.0.18.10' },
  { name: 'smtp.freemail.example', ip: '127.0.19.10' },
  { name: 'smtp2.freemail.example', ip: '127.0.19.11' },
  { name: 'dsl-40-7.isp.example', ip: '127.0.40.7' },
  { name: 'mail.attacker.test', ip: '127.0.66.11' },
  { name: '(none)', ip: '127.0.66.10', ptr: false },
  { name: 'vps12.attacker.test', ip: '127.0.66.12', ptr: 'vps12.hosting.test', noA: true },
  { name: 'vps13.attacker.test', ip: '127.0.66.13' },
  { name: '(none)', ip: '127.0.66.14', ptr: false },
  { name: 'vps15.attacker.test', ip: '127.0.66.15' },
  { name: 'vps16.attacker.test', ip: '127.0.66.16' },
  { name: '(none)', ip: '127.0.66.20', ptr: false },
  { name: 'mail.c0rp.example', ip: '127.0.67.10' },
  { name: 'mail.corp.example.attacker.test', ip: '127.0.68.10' },
  { name: 'mail.corp-example.test', ip: '127.0.69.10' },
];

/** DKIM keys the lab generates: domain -> selectors. */
export const DKIM_KEYS = {
  'corp.example': ['lab2026'],
  'bank.example': ['s2026'],
  'esp.example': ['s1'],
  'shop.example': ['esp1'],
  'partner.example': ['mail'],
  'fwd.example': ['arc'],
  'lists.example': ['list'],
  'univ.example': ['u1'],
  'pay.example': ['pay'],
  'freemail.example': ['fm1'],
  'attacker.test': ['x'],
  'c0rp.example': ['k1'],
  'corp.example.attacker.test': ['k1'],
  'corp-example.test': ['k1'],
};

/** Zones: origin -> records beyond the generated A/PTR/DKIM ones. Owner "@" is the origin. */
export const ZONES = {
  'corp.example': [
    ['@', 'MX', `10 ${MX.name}.`],
    ['@', 'TXT', 'v=spf1 ip4:127.0.10.25 ip4:127.0.20.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=reject; rua=mailto:dmarc-reports@corp.example'],
  ],
  'bank.example': [
    ['@', 'MX', '10 mail.bank.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.11.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=reject; adkim=r; aspf=r'],
  ],
  'esp.example': [
    ['@', 'MX', '10 o1.esp.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.12.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=none'],
  ],
  'shop.example': [
    ['@', 'MX', '10 mx.shop.example.'],
    ['mx', 'A', '127.0.21.10'],
    ['@', 'TXT', 'v=spf1 include:esp.example -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=quarantine'],
  ],
  'partner.example': [
    ['@', 'MX', '10 mail.partner.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.13.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=reject'],
  ],
  'fwd.example': [
    ['@', 'MX', '10 mx.fwd.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.14.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=none'],
  ],
  'lists.example': [
    ['@', 'MX', '10 mail.lists.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.15.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=none'],
  ],
  'univ.example': [
    ['@', 'MX', '10 mail.univ.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.16.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=none; rua=mailto:dmarc@univ.example'],
  ],
  'pay.example': [
    ['@', 'MX', '10 mail.pay.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.17.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=quarantine'],
  ],
  'oldco.example': [['@', 'MX', '10 mail.oldco.example.']],
  'freemail.example': [
    ['@', 'MX', '10 smtp.freemail.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.19.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=none'],
  ],
  'isp.example': [],
  'attacker.test': [
    ['@', 'MX', '10 mail.attacker.test.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.66.0/24 ~all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=none'],
    ['corp.example', 'MX', '10 mail.corp.example.attacker.test.'],
    ['corp.example', 'TXT', 'v=spf1 ip4:127.0.68.0/24 -all'],
    ['_dmarc.corp.example', 'TXT', 'v=DMARC1; p=none'],
  ],
  'hosting.test': [],
  'c0rp.example': [
    ['@', 'MX', '10 mail.c0rp.example.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.67.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=reject'],
  ],
  'corp-example.test': [
    ['@', 'MX', '10 mail.corp-example.test.'],
    ['@', 'TXT', 'v=spf1 ip4:127.0.69.0/24 -all'],
    ['_dmarc', 'TXT', 'v=DMARC1; p=none'],
  ],
};

/** Every address the lab puts on the namespace's lo (besides 127.0.0.1). */
export function labAddresses() {
  return [...new Set(HOSTS.map((h) => h.ip))];
}
