/** Every guard; all decisions are collected, and each finding takes the strongest that explains it. */
import { bounceGuard } from './bounce.js';
import { forwardingGuard } from './forwarding.js';
import type { Guard } from './guard.js';
import { internalGuard } from './internal.js';
import { mailingListGuard } from './mailing-list.js';
import { thirdPartyGuard } from './third-party.js';

export const GUARDS: readonly Guard[] = [
  internalGuard,
  forwardingGuard,
  mailingListGuard,
  thirdPartyGuard,
  bounceGuard,
];
