// PLACEHOLDER (contract only): replaced by the detect work (zod schema + yaml with line numbers).
export interface Config {
  protectedDomains: string[];
}
export function defaultConfig(): Config {
  return { protectedDomains: [] };
}
/** Reads and validates spoofwatch.yaml; throws SpoofwatchError('CONFIG_INVALID') naming the key and line. */
export function loadConfig(_path: string): Config {
  throw new Error('not implemented');
}
