/** Every rule, in the order findings are reported. */
import type { Rule } from '../finding.js';
import { campaignBurst } from './campaign-burst.js';
import { dkimFail } from './dkim-fail.js';
import { dkimUnaligned } from './dkim-unaligned.js';
import { displayNameAddress } from './display-name-address.js';
import { displayNameVip } from './display-name-vip.js';
import { dmarcFail } from './dmarc-fail.js';
import { dmarcFailDerived } from './dmarc-fail-derived.js';
import { forgedAuthResults } from './forged-auth-results.js';
import { fromMalformed } from './from-malformed.js';
import { headerFromEnvelopeMismatch } from './header-from-envelope-mismatch.js';
import { heloAnomaly } from './helo-anomaly.js';
import { lookalikeDomain } from './lookalike-domain.js';
import { messageIdDomain } from './message-id-domain.js';
import { ownDomainFromOutside } from './own-domain-from-outside.js';
import { proxyClientMismatch } from './proxy-client-mismatch.js';
import { proxyPregreet } from './proxy-pregreet.js';
import { replyToDivergence } from './reply-to-divergence.js';
import { returnPathSenderDivergence } from './return-path-sender-divergence.js';
import { spfFail } from './spf-fail.js';
import { spfSoftfail } from './spf-softfail.js';

export const RULES: readonly Rule[] = [
  dmarcFail,
  dmarcFailDerived,
  ownDomainFromOutside,
  forgedAuthResults,
  spfFail,
  spfSoftfail,
  dkimFail,
  dkimUnaligned,
  headerFromEnvelopeMismatch,
  lookalikeDomain,
  displayNameAddress,
  displayNameVip,
  replyToDivergence,
  returnPathSenderDivergence,
  messageIdDomain,
  heloAnomaly,
  fromMalformed,
  proxyPregreet,
  proxyClientMismatch,
  campaignBurst,
];
