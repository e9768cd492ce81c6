/**
 * Free-mail providers: anyone can open an address there, so a Reply-To or From at one of
 * them says nothing about the sender's organisation. Extended by `freemailDomains` in config.
 * Compared by organisational domain.
 */
export const DEFAULT_FREEMAIL_DOMAINS: readonly string[] = [
  '126.com',
  '163.com',
  'aol.com',
  'fastmail.com',
  'gmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hotmail.com',
  'icloud.com',
  'live.com',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'outlook.com',
  'proton.me',
  'protonmail.com',
  'qq.com',
  'tutanota.com',
  'web.de',
  'yahoo.co.uk',
  'yahoo.com',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
];
