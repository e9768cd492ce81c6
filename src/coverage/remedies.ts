/**
 * The configuration that makes a missing field appear in the logs, per MTA. Each remedy
 * is the exact lines to add; the text says where they go. Wording of the logged lines
 * matches what the parsers read (Postfix `warning: header From: ...` from header_checks
 * WARN; Exim `<id> header From: ...` from an ACL logwrite; Sendmail `Milter add: header:`).
 */
import type { FieldId } from './fields.js';
import { EXIM_LOGGING_ADVICE } from '../parse/exim.js';
import { SENDMAIL_HEADER_LOGGING_MC } from '../parse/sendmail.js';

export type MtaFamily = 'postfix' | 'sendmail' | 'exim' | 'unknown';

const POSTFIX_HEADER_NAMES: Partial<Record<FieldId, string>> = {
  'header.from': 'From',
  'header.reply-to': 'Reply-To',
  'header.sender': 'Sender',
  'header.return-path': 'Return-Path',
  'header.list-id': 'List-Id',
  'message-id': 'Message-ID',
};

export const POSTFIX_HEADER_CHECKS = [
  '# /etc/postfix/main.cf',
  'header_checks = regexp:/etc/postfix/header_checks',
  '# /etc/postfix/header_checks  (WARN logs the header and lets the mail through)',
  '/^From:/          WARN',
  '/^Reply-To:/      WARN',
  '/^Sender:/        WARN',
  '/^Return-Path:/   WARN',
  '/^Message-ID:/    WARN',
  '/^List-Id:/       WARN',
  '# then: postfix reload',
].join('\n');

export const POSTFIX_MILTER_HEADER_CHECKS = [
  '# /etc/postfix/main.cf  (headers added by milters: the results as this host recorded them)',
  'milter_header_checks = regexp:/etc/postfix/milter_header_checks',
  '# /etc/postfix/milter_header_checks',
  '/^Authentication-Results:/   WARN',
  '/^ARC-Authentication-Results:/ WARN',
  '/^Received-SPF:/             WARN',
].join('\n');

export const POSTFIX_MILTERS = [
  '# /etc/postfix/main.cf  (OpenDKIM on 8891, OpenDMARC on 8893; also for locally submitted mail)',
  'smtpd_milters = inet:127.0.0.1:8891,inet:127.0.0.1:8893',
  'non_smtpd_milters = $smtpd_milters',
  'milter_default_action = accept',
  '# /etc/opendkim.conf',
  'Mode          sv',
  'Syslog        yes',
  'SyslogSuccess yes',
  'LogWhy        yes',
  '# /etc/opendmarc.conf',
  'Syslog        true',
  'AuthservID    HOSTNAME',
  '# a content filter (amavis) re-injecting on 127.0.0.1:10025: give that smtpd',
  '# "-o receive_override_options=no_milters" only if the milters ran before the filter',
].join('\n');

export const POSTFIX_POLICYD_SPF = [
  '# /etc/postfix/master.cf',
  'policyd-spf  unix  -       n       n       -       0       spawn',
  '    user=policyd-spf argv=/usr/bin/policyd-spf',
  '# /etc/postfix/main.cf',
  'policyd-spf_time_limit = 3600',
  'smtpd_recipient_restrictions =',
  '    permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination,',
  '    check_policy_service unix:private/policyd-spf',
  '# /etc/postfix-policyd-spf-python/policyd-spf.conf  (log every result, not only rejects)',
  'debugLevel = 1',
].join('\n');

export const POSTFIX_LOGGING_BASICS = [
  '# Postfix logs client, HELO (smtpd reject lines, header_checks lines) and MAIL FROM (qmgr from=)',
  '# by default; if they are missing, check that every postfix/* daemon logs to this file:',
  '# /etc/postfix/main.cf',
  'maillog_file =                 # empty: log through syslog (or name the file you read)',
  'smtpd_helo_required = yes',
  '# rsyslog: mail.* -/var/log/mail.log',
].join('\n');

export const POSTFIX_CUT_NOTE = [
  'Postfix cuts the text that header_checks logs at 200 characters (and logs only the first',
  'line of a folded header). A long From (display name + address), Reply-To or',
  'Authentication-Results is cut: an address or a dkim=/dmarc= result past the cut is lost.',
  'Log Authentication-Results through milter_header_checks (the results this host added',
  'are short), keep OpenDKIM/OpenDMARC/policyd-spf logging their own result lines, or run',
  'a content-filter pass (amavis) that logs the full From.',
].join('\n');

export const SENDMAIL_MILTERS = [
  'dnl /etc/mail/sendmail.mc  (then: m4 sendmail.mc > sendmail.cf; restart sendmail)',
  "define(`confLOG_LEVEL', `14')dnl",
  "define(`confMILTER_LOG_LEVEL', `14')dnl",
  "INPUT_MAIL_FILTER(`opendkim', `S=inet:8891@127.0.0.1, F=T')dnl",
  "INPUT_MAIL_FILTER(`opendmarc', `S=inet:8893@127.0.0.1, F=T')dnl",
  '# /etc/opendkim.conf: Mode sv, SyslogSuccess yes, LogWhy yes',
  '# /etc/opendmarc.conf: Syslog true, AuthservID HOSTNAME',
].join('\n');

export const SENDMAIL_HEADER_FROM = [
  'Sendmail cannot log the header From by itself: it logs the envelope (from=, to=, relay=,',
  'msgid=) and, at LogLevel 14 with milters, the headers milters add ("Milter add: header:").',
  'Add a header ruleset that writes the From (and Reply-To) to syslog under the queue id',
  '("QID: header.From:..."; spoofwatch reads these lines). In /etc/mail/sendmail.mc:',
  SENDMAIL_HEADER_LOGGING_MC,
  'dnl then: m4 sendmail.mc > sendmail.cf; restart sendmail (try it on a staging host first).',
  'Also: OpenDMARC as a milter (INPUT_MAIL_FILTER, below) logs the header From domain it',
  'evaluates, and a content filter (amavis, rspamd) logs the From.',
].join('\n');

export const SENDMAIL_HELO = [
  'Sendmail does not log the HELO/EHLO name on its own lines (from= gives relay=NAME [IP],',
  'the reverse name, not the HELO). It is in the Received: header Sendmail adds, and SPF',
  'milters check it and log it with their result (pyspf-milter: "helo=NAME"); run one:',
  "INPUT_MAIL_FILTER(`spf-milter', `S=unix:/run/spf-milter/spf-milter.sock, F=T')dnl",
].join('\n');

export const SENDMAIL_SPF = [
  'Sendmail has no SPF check of its own: add a milter that logs the result, e.g.',
  "INPUT_MAIL_FILTER(`spf-milter', `S=unix:/run/spf-milter/spf-milter.sock, F=T')dnl",
  '(pyspf-milter / spf-milter log "SPF pass|fail ..." lines), or let OpenDMARC check SPF',
  '(opendmarc.conf: SPFSelfValidate true).',
].join('\n');

export const EXIM_HEADERS = [
  '# Exim configure: log_selector in the main section; the logwrite lines in the DATA ACL',
  '# (acl_smtp_data, e.g. acl_check_data), before "accept". Each is logged as',
  '# "<message id> header From: <value>", which spoofwatch reads.',
  EXIM_LOGGING_ADVICE,
].join('\n');

export const EXIM_LOG_SELECTOR = [
  '# Exim configure, main section:',
  'log_selector = +received_sender +sender_on_delivery +subject +tls_peerdn +dkim_verbose +dmarc_verbose \\',
  '               +incoming_interface +incoming_port +received_recipients +smtp_confirmation \\',
  '               +deliver_time +queue_time +tls_cipher',
].join('\n');

export const EXIM_AUTH = [
  '# Exim 4.93+, built with SPF and DMARC support. acl_check_rcpt (evaluates SPF once):',
  '  warn  spf = pass:fail:softfail:neutral:none:permerror:temperror',
  '# acl_check_data (after dmarc_status has been evaluated), logged as "<id> SPF: ..." and',
  '# "<id> Authentication-Results: ...":',
  '  warn  logwrite = :main:SPF: $spf_result ($spf_header_comment)',
  '  warn  logwrite = :main:${authresults {$primary_hostname}}',
  '# DKIM lines come with log_selector +dkim_verbose, DMARC results with +dmarc_verbose (see below).',
].join('\n');

const GENERIC = [
  'The MTA that wrote these logs was not recognised (or no MTA lines were seen). Log the',
  'header From, the SMTP client and the SPF/DKIM/DMARC results for every accepted message,',
  'or send the MTA logs of every host that receives mail from the Internet.',
].join('\n');

/** The configuration text that adds `field` to the logs of an `mta` host. */
export function remedyFor(field: FieldId, mta: MtaFamily): string {
  switch (mta) {
    case 'postfix':
      if (POSTFIX_HEADER_NAMES[field] !== undefined) return POSTFIX_HEADER_CHECKS;
      if (field === 'header.authentication-results')
        return [
          '# Authentication-Results as received (a forged one carrying your authserv-id is a finding):',
          '# /etc/postfix/header_checks (header_checks = regexp:/etc/postfix/header_checks in main.cf)',
          '/^Authentication-Results:/   WARN',
          '/^ARC-Authentication-Results:/ WARN',
          '# and those your own milters add, told apart from the received ones:',
          POSTFIX_MILTER_HEADER_CHECKS,
        ].join('\n');
      if (field === 'auth.spf') return POSTFIX_POLICYD_SPF;
      if (field === 'auth.dkim' || field === 'auth.dmarc' || field === 'auth.arc')
        return field === 'auth.arc'
          ? `${POSTFIX_MILTERS}\n# ARC: OpenARC (milter) or OpenDMARC 1.4 with ARC support logs the ARC chain result`
          : POSTFIX_MILTERS;
      if (field === 'helo')
        return [
          '# Postfix logs the HELO name only on reject lines and on header_checks lines (helo=<...>):',
          '# the header_checks WARN lines log it for every accepted message.',
          POSTFIX_HEADER_CHECKS,
          '# or (Postfix 2.10+) also log permitted recipients, with their HELO:',
          'smtpd_log_access_permit_actions = static:all',
        ].join('\n');
      if (field === 'proxy.peer')
        return [
          '# /etc/postfix/master.cf: run postscreen in front of smtpd on port 25',
          'smtp      inet  n       -       y       -       1       postscreen',
          'smtpd     pass  -       -       y       -       -       smtpd',
          'dnsblog   unix  -       -       y       -       0       dnsblog',
          'tlsproxy  unix  -       -       y       -       0       tlsproxy',
          '# /etc/postfix/main.cf',
          'postscreen_greet_action = enforce',
        ].join('\n');
      return POSTFIX_LOGGING_BASICS;
    case 'sendmail':
      // One ruleset per header: the .mc lines for From and Reply-To show the pattern.
      if (POSTFIX_HEADER_NAMES[field] !== undefined) return SENDMAIL_HEADER_FROM;
      if (field === 'auth.spf') return SENDMAIL_SPF;
      if (
        field === 'auth.dkim' ||
        field === 'auth.dmarc' ||
        field === 'auth.arc' ||
        field === 'header.authentication-results'
      )
        return SENDMAIL_MILTERS;
      if (field === 'helo') return SENDMAIL_HELO;
      return ['dnl /etc/mail/sendmail.mc', "define(`confLOG_LEVEL', `14')dnl"].join('\n');
    case 'exim':
      if (POSTFIX_HEADER_NAMES[field] !== undefined) return EXIM_HEADERS;
      if (
        field === 'auth.spf' ||
        field === 'auth.dmarc' ||
        field === 'auth.arc' ||
        field === 'header.authentication-results'
      )
        return EXIM_AUTH;
      if (field === 'auth.dkim') return EXIM_LOG_SELECTOR;
      if (field === 'proxy.peer')
        return '# Exim: HAProxy in front with the PROXY protocol (hosts_proxy = <haproxy address>) logs the proxy peer.';
      return EXIM_LOG_SELECTOR;
    default:
      return GENERIC;
  }
}
