/** The result words of RFC 8601 (Authentication-Results) and RFC 7208 (SPF), in one place. */
import type { AuthResult } from './event.js';

const RESULT_WORDS: ReadonlySet<string> = new Set([
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
  'policy',
]);

/** The standard result a word names (any case), or undefined for anything else. */
export function authResultWord(word: string): AuthResult | undefined {
  const w = word.toLowerCase();
  return RESULT_WORDS.has(w) ? (w as AuthResult) : undefined;
}
