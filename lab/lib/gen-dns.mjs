#!/usr/bin/env node
// Generates the lab's DKIM keys (node:crypto, kept across runs in lab/work/keys) and the
// nsd configuration + zone files serving every fake domain: A, MX, PTR, SPF, DKIM, DMARC.
// Usage: node lab/lib/gen-dns.mjs WORKDIR
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTS, ZONES, DKIM_KEYS, NS_IP } from './topology.mjs';

const work = process.argv[2];
if (!work) {
  console.error('usage: gen-dns.mjs WORKDIR');
  process.exit(2);
}
const keyDir = join(work, 'keys');
const nsdDir = join(work, 'nsd');
const zoneDir = join(nsdDir, 'zones');
for (const d of [keyDir, nsdDir, zoneDir, join(work, 'logs')]) mkdirSync(d, { recursive: true });

/** Longest zone origin that `name` is in. */
function zoneOf(name) {
  let best = null;
  for (const z of Object.keys(ZONES)) {
    if ((name === z || name.endsWith(`.${z}`)) && (best === null || z.length > best.length)) best = z;
  }
  return best;
}
const records = new Map(Object.keys(ZONES).map((z) => [z, [...ZONES[z]]]));
records.set('127.in-addr.arpa', []);
function add(fqdn, type, data) {
  const z = zoneOf(fqdn);
  if (z === null) throw new Error(`no zone for ${fqdn}`);
  const owner = fqdn === z ? '@' : fqdn.slice(0, -(z.length + 1));
  records.get(z).push([owner, type, data]);
}

// Hosts: A + PTR (forward-confirmed unless the topology says otherwise).
for (const h of HOSTS) {
  const rev = h.ip.split('.').slice(1).reverse().join('.');
  if (h.ptr !== false) records.get('127.in-addr.arpa').push([rev, 'PTR', `${h.ptr ?? h.name}.`]);
  if (h.ptr !== false && !h.noA) add(h.name, 'A', h.ip);
}

// DKIM keys.
const keys = {};
for (const [domain, selectors] of Object.entries(DKIM_KEYS)) {
  for (const s of selectors) {
    const file = join(keyDir, `${domain}.${s}.pem`);
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    const pem = readFileSync(file, 'utf8');
    const pub = createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
    add(`${s}._domainkey.${domain}`, 'TXT', `v=DKIM1; k=rsa; p=${pub}`);
    keys[`${domain}/${s}`] = file;
  }
}
writeFileSync(join(keyDir, 'keys.json'), JSON.stringify(keys, null, 2));

function rdata(type, data) {
  if (type !== 'TXT') return data;
  const parts = [];
  for (let i = 0; i < data.length; i += 250) parts.push(`"${data.slice(i, i + 250)}"`);
  return parts.length > 1 ? `( ${parts.join(' ')} )` : parts[0];
}
let conf = `server:
  ip-address: ${NS_IP}
  port: 53
  do-ip6: no
  username: ""
  chroot: ""
  database: ""
  zonesdir: "${zoneDir}"
  zonelistfile: "${join(nsdDir, 'zone.list')}"
  pidfile: "${join(nsdDir, 'nsd.pid')}"
  xfrdfile: "${join(nsdDir, 'xfrd.state')}"
  xfrdir: "${nsdDir}"
  logfile: "${join(work, 'logs', 'nsd.log')}"
  server-count: 1
  verbosity: 1
  hide-version: yes
remote-control:
  control-enable: no
`;
for (const [zone, rrs] of records) {
  const lines = [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    `@ IN SOA ns.corp.example. hostmaster.corp.example. 1 3600 600 86400 300`,
    `@ IN NS ns.corp.example.`,
    ...rrs.map(([o, t, d]) => `${o} IN ${t} ${rdata(t, d)}`),
    '',
  ];
  writeFileSync(join(zoneDir, `${zone}.zone`), lines.join('\n'));
  conf += `zone:\n  name: "${zone}"\n  zonefile: "${zone}.zone"\n`;
}
writeFileSync(join(nsdDir, 'nsd.conf'), conf);
console.log(`gen-dns: ${records.size} zones, ${Object.keys(keys).length} DKIM keys`);
