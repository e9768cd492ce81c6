// PLACEHOLDER (contract only): replaced by the detect work.
import type { MessageRecord } from '../correlate/record.js';
import type { Verdict } from './verdict.js';
import type { Config } from './config.js';

export interface Detector {
  detect(record: MessageRecord): Verdict;
  /** Notes for the user (e.g. "no protected domains configured: guessed example.com from recipients"). */
  notes(): string[];
}

export function createDetector(_config: Config): Detector {
  throw new Error('not implemented');
}
