/**
 * Small, realistic mail logs for the CLI's end-to-end tests, written for this project
 * (documentation names and addresses only: example.com/.net/.org, *.test, 192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24). Each builder returns log text ending in a newline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'spoofwatch-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The protected domain of these fixtures and a config that says so. */
export const PROTECTED = 'example.com';
export const CONFIG_YAML = `# the mail admin of example.com
protectedDomains:
  - example.com
trustedNetworks:
  - 192.0.2.0/24
authservId:
  - mx1.example.com
`;

function hdr(
  qid: string,
  pid: number,
  header: string,
  client: string,
  from: string,
  to: string,
  helo: string,
) {
  return `postfix/cleanup[${pid}]: ${qid}: warning: header ${header} from ${client}; from=<${from}> to=<${to}> proto=ESMTP helo=<${helo}>`;
}

/**
 * A newsletter from a third party that passes SPF, DKIM and DMARC, aligned: the logs carry
 * everything the decision needs.
 */
export function cleanMessage(day = 'Nov 27', qid = '3F2A1C0D5E', hh = '10'): string {
  const client = 'mail.shop.test[198.51.100.7]';
  const from = 'bounce-41@shop.test';
  const to = 'bob@example.com';
  const helo = 'mail.shop.test';
  const t = (s: string) => `${day} ${hh}:00:${s} mx1`;
  return [
    `${t('01')} postfix/smtpd[1201]: connect from ${client}`,
    `${t('01')} policyd-spf[1210]: : prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=198.51.100.7; helo=${helo}; envelope-from=${from}; receiver=example.com `,
    `${t('01')} postfix/smtpd[1201]: ${qid}: client=${client}`,
    `${t('01')} ${hdr(qid, 1202, 'From: "Shop Test" <news@shop.test>', client, from, to, helo)}`,
    `${t('01')} ${hdr(qid, 1202, 'Subject: Your weekly offers', client, from, to, helo)}`,
    `${t('01')} postfix/cleanup[1202]: ${qid}: message-id=<20261127${hh}0001.41@shop.test>`,
    `${t('01')} opendkim[900]: ${qid}: DKIM verification successful`,
    `${t('01')} opendkim[900]: ${qid}: s=sel1 d=shop.test a=rsa-sha256 SSL`,
    `${t('01')} opendmarc[901]: ${qid}: shop.test pass`,
    `${t('01')} postfix/qmgr[1100]: ${qid}: from=<${from}>, size=2048, nrcpt=1 (queue active)`,
    `${t('02')} postfix/smtpd[1201]: disconnect from ${client} ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5`,
    `${t('02')} postfix/local[1203]: ${qid}: to=<${to}>, relay=local, delay=0.5, delays=0.1/0.1/0/0.3, dsn=2.0.0, status=sent (delivered to mailbox)`,
    `${t('02')} postfix/qmgr[1100]: ${qid}: removed`,
    '',
  ].join('\n');
}

/** A message forging the CEO of example.com from outside, failing SPF and DMARC, delivered. */
export function deliveredSpoof(day = 'Nov 27', qid = '7A1B2C3D4E'): string {
  const client = 'unknown[203.0.113.66]';
  const from = 'ceo@example.com';
  const to = 'finance@example.com';
  const helo = 'example.com';
  const t = (s: string) => `${day} 10:10:${s} mx1`;
  return [
    `${t('00')} postfix/smtpd[1401]: connect from ${client}`,
    `${t('00')} policyd-spf[1410]: : prepend Received-SPF: Fail (mailfrom) identity=mailfrom; client-ip=203.0.113.66; helo=${helo}; envelope-from=${from}; receiver=example.com `,
    `${t('00')} postfix/smtpd[1401]: ${qid}: client=${client}`,
    `${t('00')} ${hdr(qid, 1402, 'From: "Jane Doe" <ceo@example.com>', client, from, to, helo)}`,
    `${t('00')} ${hdr(qid, 1402, 'Reply-To: jane.doe.ceo@mailbox.test', client, from, to, helo)}`,
    `${t('00')} ${hdr(qid, 1402, 'Subject: Urgent wire transfer', client, from, to, helo)}`,
    `${t('00')} postfix/cleanup[1402]: ${qid}: message-id=<x81.2261@example.com>`,
    `${t('00')} opendkim[900]: ${qid}: no signature data`,
    `${t('00')} opendmarc[901]: ${qid}: example.com fail`,
    `${t('00')} postfix/qmgr[1100]: ${qid}: from=<${from}>, size=3120, nrcpt=1 (queue active)`,
    `${t('01')} postfix/smtpd[1401]: disconnect from ${client} ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5`,
    `${t('01')} postfix/local[1403]: ${qid}: to=<${to}>, relay=local, delay=0.6, delays=0.2/0.1/0/0.3, dsn=2.0.0, status=sent (delivered to mailbox)`,
    `${t('01')} postfix/qmgr[1100]: ${qid}: removed`,
    '',
  ].join('\n');
}

/** The same forgery refused at RCPT by policyd-spf: a NOQUEUE record. */
export function rejectedSpoof(day = 'Nov 27'): string {
  const t = (s: string) => `${day} 10:20:${s} mx1`;
  return [
    `${t('00')} postfix/smtpd[1501]: connect from unknown[203.0.113.50]`,
    `${t('01')} policyd-spf[1510]: 550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.50;r=<UNKNOWN>`,
    `${t('01')} postfix/smtpd[1501]: NOQUEUE: reject: RCPT from unknown[203.0.113.50]: 550 5.7.23 <bob@example.com>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=ceo@example.com;ip=203.0.113.50;r=<UNKNOWN>; from=<ceo@example.com> to=<bob@example.com> proto=ESMTP helo=<example.com>`,
    `${t('01')} postfix/smtpd[1501]: disconnect from unknown[203.0.113.50] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4`,
    '',
  ].join('\n');
}

/** A message whose logs carry no authentication result and no header From: undecidable. */
export function bareMessage(day = 'Nov 27', qid = '9C8D7E6F5A'): string {
  const t = (s: string) => `${day} 10:30:${s} mx1`;
  return [
    `${t('00')} postfix/qmgr[1100]: ${qid}: from=<orders@supplier.test>, size=1800, nrcpt=1 (queue active)`,
    `${t('01')} postfix/local[1603]: ${qid}: to=<carol@example.com>, relay=local, delay=0.3, delays=0.1/0.1/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
    `${t('01')} postfix/qmgr[1100]: ${qid}: removed`,
    '',
  ].join('\n');
}

/** A message passed through Amavis and re-injected: two queue ids, one message. */
export function contentFilterMessage(day = 'Nov 27'): string {
  const t = (s: string) => `${day} 11:00:${s} mx1`;
  return [
    `${t('00')} postfix/smtpd[2001]: connect from mail.example.org[198.51.100.20]`,
    `${t('00')} postfix/smtpd[2001]: 4B1C2D3E4F: client=mail.example.org[198.51.100.20]`,
    `${t('00')} postfix/cleanup[2002]: 4B1C2D3E4F: message-id=<m1.7781@example.org>`,
    `${t('00')} postfix/qmgr[1100]: 4B1C2D3E4F: from=<alice@example.org>, size=3000, nrcpt=1 (queue active)`,
    `${t('00')} postfix/smtpd[2001]: disconnect from mail.example.org[198.51.100.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5`,
    `${t('01')} postfix/smtpd[2010]: connect from localhost[127.0.0.1]`,
    `${t('01')} postfix/smtpd[2010]: 5C2D3E4F5A: client=localhost[127.0.0.1]`,
    `${t('01')} postfix/cleanup[2002]: 5C2D3E4F5A: message-id=<m1.7781@example.org>`,
    `${t('01')} postfix/qmgr[1100]: 5C2D3E4F5A: from=<alice@example.org>, size=3500, nrcpt=1 (queue active)`,
    `${t('01')} amavis[3000]: (03000-01) Passed CLEAN {RelayedInbound}, [198.51.100.20]:40000 [198.51.100.20] <alice@example.org> -> <bob@example.com>, Queue-ID: 4B1C2D3E4F, Message-ID: <m1.7781@example.org>, mail_id: abcDEF123456, Hits: -1.0, size: 3000, queued_as: 5C2D3E4F5A, 850 ms`,
    `${t('01')} postfix/smtp[2003]: 4B1C2D3E4F: to=<bob@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=1.2, delays=0.1/0/0.1/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5C2D3E4F5A)`,
    `${t('01')} postfix/qmgr[1100]: 4B1C2D3E4F: removed`,
    `${t('01')} postfix/smtpd[2010]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5`,
    `${t('02')} postfix/local[2004]: 5C2D3E4F5A: to=<bob@example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
    `${t('02')} postfix/qmgr[1100]: 5C2D3E4F5A: removed`,
    '',
  ].join('\n');
}

/** One line nobody's parser knows, to count as unrecognised. */
export const UNRECOGNISED_LINE =
  'Nov 27 10:40:00 mx1 sshd[777]: Accepted publickey for admin from 192.0.2.10 port 50022 ssh2\n';

/** The four verdict fixtures together: clean, delivered spoof, rejected spoof, unknown. */
export function mixedLog(): string {
  return cleanMessage() + deliveredSpoof() + rejectedSpoof() + bareMessage();
}
