/**
 * spoofwatch.yaml: the detector's configuration, validated strictly with zod (unknown keys
 * are errors). Errors name the key path and the line:column in the YAML file.
 * Every key is documented in spoofwatch.example.yaml at the repository root.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { SpoofwatchError } from '../errors.js';
import { normalizeDomain } from './domains.js';
import { parseNetwork } from './networks.js';
import { DEFAULT_THRESHOLDS, RULE_IDS } from './rule-ids.js';
import { DEFAULT_CAMPAIGN } from './config-load.js';

export { defaultConfig } from './config-load.js';

const MAX_LIST = 10_000;

const domain = z
  .string()
  .max(253)
  .transform((s, ctx) => {
    const d = normalizeDomain(s);
    if (d === undefined || !d.includes('.')) {
      ctx.addIssue({ code: 'custom', message: `not a domain name: ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return d;
  });

const network = z
  .string()
  .max(64)
  .refine((s) => parseNetwork(s) !== undefined, { message: 'not an IP address or CIDR network' });

/** An IP / CIDR network, or a host name ("mx.example.net", ".example.net", "*.example.net"). */
const hostOrNetwork = z
  .string()
  .min(1)
  .max(253)
  .refine((s) => parseNetwork(s) !== undefined || normalizeDomain(s.replace(/^\*?\./, '')) !== undefined, {
    message: 'not an IP address, CIDR network or host name',
  });

const list = <T extends z.ZodType>(t: T) => z.array(t).max(MAX_LIST).default([]);

const thirdParty = z.strictObject({
  /** Envelope (MAIL FROM) domains the provider sends with. */
  domains: list(domain),
  /** DKIM d= domains the provider signs with. */
  dkimDomains: list(domain),
  /** Networks (or host names) the provider sends from. */
  networks: list(hostOrNetwork),
});

export const ConfigSchema = z
  .strictObject({
    protectedDomains: list(domain),
    trustedNetworks: list(network),
    authservId: list(z.string().min(1).max(253)),
    trustedForwarders: list(hostOrNetwork),
    trustedArcSealers: list(domain),
    mailingLists: list(z.string().min(1).max(253)),
    thirdPartySenders: z.record(z.string().max(253), thirdParty).default({}),
    vips: list(z.string().min(3).max(128)),
    freemailDomains: list(domain),
    weights: z.partialRecord(z.enum(RULE_IDS), z.number().min(0).max(1000)).default({}),
    thresholds: z
      .strictObject({
        suspicious: z.number().min(0).max(10_000).default(DEFAULT_THRESHOLDS.suspicious),
        spoof: z.number().min(0).max(10_000).default(DEFAULT_THRESHOLDS.spoof),
      })
      .default({ ...DEFAULT_THRESHOLDS })
      .refine((t) => t.suspicious < t.spoof, {
        message: 'thresholds.suspicious must be below thresholds.spoof',
      }),
    campaign: z
      .strictObject({
        windowSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_CAMPAIGN.windowSeconds),
        distinctFromDomains: z
          .number()
          .int()
          .min(2)
          .max(10_000)
          .default(DEFAULT_CAMPAIGN.distinctFromDomains),
      })
      .default({ ...DEFAULT_CAMPAIGN }),
    alignment: z.enum(['relaxed', 'strict']).default('relaxed'),
  })
  .superRefine((cfg, ctx) => {
    for (const key of Object.keys(cfg.thirdPartySenders)) {
      const d = normalizeDomain(key);
      if (d === undefined || !d.includes('.')) {
        ctx.addIssue({
          code: 'custom',
          path: ['thirdPartySenders', key],
          message: 'key is not a domain name',
        });
      }
    }
  });

/** The validated configuration (defaults filled in). */
export type Config = z.infer<typeof ConfigSchema>;
/** What a user may write (everything optional). */
export type ConfigInput = z.input<typeof ConfigSchema>;

type PathKey = PropertyKey;

/** line:column of the YAML node at `path`, or of its nearest ancestor that exists. */
function locate(doc: Document, lc: LineCounter, path: readonly PathKey[], unknownKey?: string): string {
  const keys = path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  for (let n = keys.length; n >= 0; n--) {
    const sub = keys.slice(0, n);
    const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
    if (node === undefined || node === null) continue;
    let offset: number | undefined;
    if (unknownKey !== undefined && n === keys.length && isMap(node)) {
      for (const item of node.items) {
        const k = item.key as { value?: unknown; range?: [number, number, number] } | null;
        if (k !== null && typeof k === 'object' && String(k.value) === unknownKey && k.range)
          offset = k.range[0];
      }
    }
    if (offset === undefined) {
      const r = (node as { range?: [number, number, number] | null }).range;
      if (r) offset = r[0];
    }
    if (offset !== undefined) {
      const pos = lc.linePos(offset);
      return `${pos.line}:${pos.col}`;
    }
  }
  return '1:1';
}

function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out === '' ? '(top level)' : out;
}

/**
 * Validates config text. `name` is used in messages (the file path).
 * Throws SpoofwatchError('CONFIG_INVALID') naming key path and line:column of each problem.
 */
export function parseConfig(text: string, name = 'config'): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const msgs = doc.errors.slice(0, 5).map((e) => {
      const pos = lc.linePos(e.pos[0]);
      return `${name}:${pos.line}:${pos.col}: ${e.message.split('\n')[0] ?? ''}`;
    });
    throw new SpoofwatchError('CONFIG_INVALID', `invalid YAML in ${name}:\n  ${msgs.join('\n  ')}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new SpoofwatchError('CONFIG_INVALID', `invalid YAML in ${name}: ${(err as Error).message}`);
  }
  if (data === null || data === undefined) data = {};
  const result = ConfigSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 20).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((k) => {
          const at = locate(doc, lc, issue.path, k);
          const p = formatPath([...issue.path, k]);
          return `${name}:${at}: ${p}: unknown key`;
        })
        .join('\n  ');
    }
    const at = locate(doc, lc, issue.path);
    return `${name}:${at}: ${formatPath(issue.path)}: ${issue.message}`;
  });
  throw new SpoofwatchError('CONFIG_INVALID', `invalid configuration in ${name}:\n  ${lines.join('\n  ')}`);
}

/** Reads and validates spoofwatch.yaml; throws SpoofwatchError('CONFIG_INVALID') naming the key and line. */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SpoofwatchError('CONFIG_UNREADABLE', `cannot read config ${path}: ${code}`);
  }
  return parseConfig(text, path);
}
