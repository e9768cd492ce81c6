/**
 * What a run needs of the configuration: the built-in defaults, and a spoofwatch.yaml read
 * and validated. The schema (config.ts) needs zod and yaml, about a third of scan's
 * start-up; most runs have no config file, so the schema is loaded only to read one.
 */
import type { Config } from './config.js';
import { DEFAULT_THRESHOLDS } from './rule-ids.js';

export const DEFAULT_CAMPAIGN = { windowSeconds: 600, distinctFromDomains: 10 } as const;

/** The configuration of an empty file (config.test.ts holds it equal to the schema's defaults). */
export function defaultConfig(): Config {
  return {
    protectedDomains: [],
    trustedNetworks: [],
    authservId: [],
    trustedForwarders: [],
    trustedArcSealers: [],
    mailingLists: [],
    thirdPartySenders: {},
    vips: [],
    freemailDomains: [],
    weights: {},
    thresholds: { ...DEFAULT_THRESHOLDS },
    campaign: { ...DEFAULT_CAMPAIGN },
    alignment: 'relaxed',
  };
}

/** Reads and validates spoofwatch.yaml (config.ts loadConfig), loading the schema first. */
export async function readConfigFile(path: string): Promise<Config> {
  const { loadConfig } = await import('./config.js');
  return loadConfig(path);
}
