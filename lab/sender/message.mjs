// Builds one scenario's RFC 5322 message and applies its steps: DKIM signing, tampering,
// mailing-list processing and ARC sealing, all real (mailauth 4.13.3 over the lab's DNS).
import { randomBytes, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mailauth from 'mailauth';

const { dkimSign, sealMessage, authenticate } = mailauth;
const CRLF = '\r\n';

/** A message as an ordered header list + body (CRLF line ends throughout). */
export class Message {
  constructor(headers, body) {
    /** @type {[string, string][]} name, value (value may hold folded CRLF+WSP) */
    this.headers = headers;
    this.body = body;
  }
  get(name) {
    const h = this.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
    return h ? h[1] : undefined;
  }
  set(name, value) {
    const i = this.headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (i >= 0) this.headers[i] = [name, value];
    else this.headers.push([name, value]);
  }
  prepend(name, value) {
    this.headers.unshift([name, value]);
  }
  append(name, value) {
    this.headers.push([name, value]);
  }
  /** Prepend raw header block text (as returned by mailauth: "Name: value\r\n..."). */
  prependRaw(block) {
    const parsed = parseHeaderBlock(block);
    this.headers.unshift(...parsed);
  }
  toString() {
    return this.headers.map(([n, v]) => `${n}: ${v}${CRLF}`).join('') + CRLF + this.body;
  }
}

function parseHeaderBlock(block) {
  const out = [];
  for (const line of block.split(CRLF)) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      out[out.length - 1][1] += CRLF + line;
    } else {
      const c = line.indexOf(':');
      out.push([line.slice(0, c), line.slice(c + 1).replace(/^ /, '')]);
    }
  }
  return out;
}

const crlf = (s) => s.replace(/\r?\n/g, CRLF);

export function domainOf(addr) {
  const m = /@([^\s>@]+)>?\s*$/.exec(addr);
  return m ? m[1].toLowerCase() : 'lab.invalid';
}

/** Opaque Message-ID: never reveals the scenario (that is the truth file's job). */
export function newMessageId(domain) {
  return `<${Date.now().toString(36)}.${randomBytes(6).toString('hex')}@${domain}>`;
}

/** A plausible SRS0 address (postsrsd shape): SRS0=HHHH=TT=orig-domain=local@forwarder. */
export function srs0(original, forwarderDomain) {
  const [local, domain] = original.split('@');
  const tt = Math.floor(Date.now() / 86400000) % 1024;
  const ttb = (tt >> 5).toString(32).toUpperCase() + (tt & 31).toString(32).toUpperCase();
  const hash = createHmac('sha1', 'lab-srs-secret')
    .update(`${ttb}${domain}${local}`)
    .digest('base64')
    .slice(0, 4);
  return `SRS0=${hash}=${ttb}=${domain}=${local}@${forwarderDomain}`;
}

export function buildBase(sc, ctx) {
  const headers = [];
  const date = new Date().toUTCString().replace('GMT', '+0000');
  for (const [name, value] of Object.entries(sc.headers ?? {})) headers.push([name, String(value)]);
  if (!headers.some(([n]) => n === 'Date')) headers.push(['Date', date]);
  headers.push(['Message-ID', ctx.messageId]);
  headers.push(['MIME-Version', '1.0']);
  headers.push(['Content-Type', 'text/plain; charset=utf-8']);
  headers.push(['Content-Transfer-Encoding', '7bit']);
  // The scenario id travels in a header the MTA does not log: it helps a person reading the
  // delivered mailbox, and stays out of every log line the detector sees.
  headers.push(['X-Lab-Case', `${sc.id} ${ctx.mode}`]);
  return new Message(headers, crlf(sc.body ?? 'Hello.\n'));
}

function keyFor(keys, d, s) {
  const file = keys[`${d}/${s}`];
  if (!file) throw new Error(`no DKIM key for ${d}/${s}`);
  return readFileSync(file);
}

/** Applies one step to the message in place. */
export async function applyStep(msg, step, ctx) {
  const [op, arg] = Object.entries(step)[0];
  switch (op) {
    case 'sign': {
      const { signatures, errors } = await dkimSign(msg.toString(), {
        canonicalization: arg.c ?? 'relaxed/relaxed',
        signatureData: [
          { signingDomain: arg.d, selector: arg.s, privateKey: keyFor(ctx.keys, arg.d, arg.s) },
        ],
      });
      if (errors?.length) throw new Error(`dkimSign ${arg.d}: ${JSON.stringify(errors)}`);
      msg.prependRaw(signatures);
      return;
    }
    case 'body-append':
      msg.body = msg.body.trimEnd() + CRLF + crlf(arg);
      return;
    case 'set-header':
      msg.set(arg.name, arg.value);
      return;
    case 'add-header':
      msg.prepend(arg.name, arg.value);
      return;
    case 'append-header':
      msg.append(arg.name, arg.value);
      return;
    case 'arc-seal': {
      // The forwarder authenticates the message as it received it, adds its own
      // Authentication-Results, then seals (ARC-Seal, ARC-Message-Signature, ARC-A-R).
      const raw = msg.toString();
      const res = await authenticate(raw, {
        ip: arg.ip,
        helo: arg.helo,
        sender: arg.mailFrom,
        mta: arg.mta,
        trustReceived: false,
      });
      const seal = await sealMessage(Buffer.from(res.headers + raw), {
        signingDomain: arg.d,
        selector: arg.s,
        privateKey: keyFor(ctx.keys, arg.d, arg.s),
        authResults: res.arc.authResults,
        cv: res.arc.status.result,
      });
      msg.prependRaw(res.headers);
      msg.prependRaw(seal.toString());
      ctx.notes.push(
        `arc: upstream spf=${res.spf?.status?.result} dkim=${res.dkim?.results?.map((r) => r.status.result).join(',')} dmarc=${res.dmarc?.status?.result} cv=${res.arc.status.result}`,
      );
      return;
    }
    case 'received':
      msg.prepend(
        'Received',
        `from ${arg.from} (${arg.from} [${arg.ip}])${CRLF}\tby ${arg.by} with ESMTPS; ${new Date().toUTCString()}`,
      );
      return;
    default:
      throw new Error(`unknown step ${op}`);
  }
}
