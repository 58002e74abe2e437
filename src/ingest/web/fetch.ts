import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ErrorCode, FootnoteError } from '../../errors.js';
import { refusedKind } from './address.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface ConnectTarget extends ResolvedAddress {
  port: number;
  /** The name in the link: what TLS checks the certificate against. */
  hostname: string;
  secure: boolean;
}

/**
 * How a fetch reaches the network: resolving a name, and connecting to one address it has checked.
 * Apart so that tests can map their host names to addresses of their choosing and make sure a
 * refused address is never connected to.
 */
export interface Network {
  resolve(hostname: string): Promise<ResolvedAddress[]>;
  connect(target: ConnectTarget): Socket;
}

export const systemNetwork: Network = {
  resolve: (hostname) => lookup(hostname, { all: true, verbatim: true }),
  // The socket goes to the address that was checked, never to a second resolution of the name (DNS rebinding).
  connect: ({ address, port, hostname, secure }) =>
    secure ? tlsConnect({ host: address, port, ...(isIP(hostname) ? {} : { servername: hostname }), ALPNProtocols: ['http/1.1'] }) : netConnect({ host: address, port }),
};

export interface FetchLimits {
  /** MAX_FILE_BYTES: counted on the decoded bytes as they arrive, whatever Content-Length says. */
  maxBytes: number;
  /** For the whole fetch, redirects and body included. */
  timeoutMs: number;
  /** ALLOW_PRIVATE_URLS: for a bot on a private network (and the tests, whose server is on 127.0.0.1). */
  allowPrivate: boolean;
}

/** What is fetched, and the only content types taken for it. */
const KINDS = {
  page: { name: 'a web page', types: ['text/html', 'application/xhtml+xml'] },
  feed: { name: 'a feed', types: ['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/json', 'application/xml', 'text/xml', 'application/rdf+xml'] },
} as const;
export type ContentKind = keyof typeof KINDS;

/** What a server sends when a feed has not changed since the last poll (ETag, Last-Modified). */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface Fetched extends Validators {
  status: 'ok';
  /** Where the content came from, after redirects. */
  url: string;
  /** Lower case, without parameters: `text/html`. */
  contentType: string;
  charset?: string;
  body: Buffer;
}

export type FetchOutcome = Fetched | { status: 'not-modified'; url: string };

/** Redirects followed at most, each one checked like the first link. */
export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'Footnote/0.1 (self-hosted news bot)';

const refused = (message: string) => new FootnoteError(ErrorCode.LinkRefused, message);
const failed = (message: string, cause?: unknown) => new FootnoteError(ErrorCode.FetchFailed, message, cause === undefined ? {} : { cause });

/** What a content type is, in words ("a PDF document"). */
function describeType(type: string): string {
  if (type === 'application/pdf') return 'a PDF document';
  const [major] = type.split('/');
  if (major === 'image' || major === 'video' || major === 'audio') return `${major === 'image' ? 'an' : 'a'} ${major} (${type})`;
  return type ? `${type} content` : 'content of no stated type';
}

/** A link Footnote may fetch: http or https, no user name or password in it. */
export function parseLink(link: string): URL {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    throw refused('That is not a web address (it should start with https://).');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(`Only http and https links are fetched (this one is ${url.protocol.replace(/:$/, '')}).`);
  if (url.username || url.password) throw refused('Links with a user name or password in them are not fetched.');
  url.hash = '';
  return url;
}

/**
 * Fetches web pages and feeds for the bot without letting a link reach what it should not: only
 * http(s); every host name resolved, every address checked, and the connection made to the checked
 * address (for each redirect, at most five); the size counted as bytes arrive; one time cap for
 * the whole; only the content types asked for. Never runs or loads anything the content refers to.
 */
export class WebFetcher {
  constructor(
    private readonly limits: FetchLimits,
    private readonly network: Network = systemNetwork,
  ) {}

  async get(link: string, { kind, validators = {} }: { kind: ContentKind; validators?: Validators }): Promise<FetchOutcome> {
    const accept: readonly string[] = KINDS[kind].types;
    let url = parseLink(link);
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    const headers = {
      'user-agent': USER_AGENT,
      accept: accept.join(', '),
      'accept-encoding': 'gzip, deflate, br',
      ...(validators.etag ? { 'if-none-match': validators.etag } : {}),
      ...(validators.lastModified ? { 'if-modified-since': validators.lastModified } : {}),
    };
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await this.open(url, headers, signal);
        const status = response.statusCode ?? 0;
        if (REDIRECTS.has(status)) {
          response.destroy();
          const location = response.headers.location;
          if (!location) throw failed(`${url.host} redirected without saying where to.`);
          if (redirects === MAX_REDIRECTS) throw failed(`${url.host} redirected more than ${MAX_REDIRECTS} times; the link was not followed further.`);
          url = parseLink(new URL(location, url).href);
          continue;
        }
        if (status === 304 && (validators.etag || validators.lastModified)) {
          response.destroy();
          return { status: 'not-modified', url: url.href };
        }
        if (status < 200 || status >= 300 || status === 204 || status === 206) {
          response.destroy();
          throw failed(`${url.host} answered HTTP ${status}${status === 401 || status === 403 ? ' (it asks to sign in, or refuses bots)' : ''}.`);
        }
        const [type = '', ...parameters] = String(response.headers['content-type'] ?? '').split(';');
        const contentType = type.trim().toLowerCase();
        if (!accept.includes(contentType)) {
          response.destroy();
          throw failed(`${url.host} sent ${describeType(contentType)}, not ${KINDS[kind].name}.`);
        }
        if (Number(response.headers['content-length'] ?? 0) > this.limits.maxBytes) {
          response.destroy();
          throw this.tooLarge(url);
        }
        const charset = parameters.map((p) => /^\s*charset\s*=\s*"?([^";\s]+)/i.exec(p)?.[1]).find(Boolean);
        const etag = response.headers.etag;
        const lastModified = response.headers['last-modified'];
        return {
          status: 'ok',
          url: url.href,
          contentType,
          ...(charset ? { charset: charset.toLowerCase() } : {}),
          body: await this.read(response, url),
          ...(etag ? { etag } : {}),
          ...(lastModified ? { lastModified } : {}),
        };
      }
    } catch (error) {
      if (error instanceof FootnoteError) throw error;
      if (signal.aborted) throw failed(`${url.host} took longer than ${Number((this.limits.timeoutMs / 1000).toFixed(1))} s to send it; nothing was kept.`, error);
      throw failed(`${url.host} could not be reached (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, error);
    }
  }

  private tooLarge(url: URL): FootnoteError {
    return failed(`${url.host} sent more than the ${Math.round(this.limits.maxBytes / 1024)} KiB limit (MAX_FILE_BYTES); nothing was kept.`);
  }

  /** The addresses of `url`'s host, every one of them checked: a name that resolves to one private address among public ones is refused too. */
  private async addresses(url: URL, signal: AbortSignal): Promise<ResolvedAddress[]> {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const family = isIP(hostname);
    const addresses = family
      ? [{ address: hostname, family }]
      : await this.resolve(hostname, signal).catch((error: NodeJS.ErrnoException) => {
          if (signal.aborted) throw error;
          throw failed(`${url.host} could not be found (${error.code ?? error.message}).`, error);
        });
    if (!addresses.length) throw failed(`${url.host} could not be found.`);
    if (!this.limits.allowPrivate) {
      for (const { address } of addresses) {
        const kind = refusedKind(address);
        if (kind) throw refused(`${url.host} is a ${kind} address${family ? '' : ` (${address})`}: links to this machine or its network are not fetched (ALLOW_PRIVATE_URLS is off).`);
      }
    }
    return addresses;
  }

  /** The name's addresses, or the time cap's error: a resolver that never answers is held to it like the rest (a lookup itself cannot be aborted). */
  private resolve(hostname: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const abort = () => reject(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      this.network
        .resolve(hostname)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', abort));
    });
  }

  private async open(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
    const [target] = await this.addresses(url, signal);
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)({
        hostname,
        port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        // Without an agent Node would write the default port into Host (news.test:80), which some servers refuse.
        headers: { host: url.host, ...headers },
        signal,
        createConnection: () => this.network.connect({ ...target!, port, hostname, secure }),
      });
      request.once('response', resolve);
      request.once('error', reject);
      request.end();
    });
  }

  /** The body, decoded (gzip, deflate, br) and counted as it arrives: a server that lies about its size, or a compressed bomb, stops at the cap. */
  private async read(response: IncomingMessage, url: URL): Promise<Buffer> {
    const encoding = String(response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const decoder = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress }[encoding];
    if (!decoder && encoding !== 'identity') {
      response.destroy();
      throw failed(`${url.host} sent it encoded as ${encoding}, which Footnote does not read.`);
    }
    const body: Readable = decoder ? pipeline(response, decoder(), () => undefined) : response;
    try {
      return await readCapped(body, this.limits.maxBytes, () => this.tooLarge(url));
    } finally {
      response.destroy();
    }
  }
}

/** The bytes of a body, counted as they arrive: past `maxBytes` it stops and throws `tooLarge()`, whatever the headers said. */
export async function readCapped(body: AsyncIterable<Uint8Array>, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of body) {
    size += part.length;
    if (size > maxBytes) throw tooLarge();
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** The text of fetched bytes, in the charset the server or the page names (UTF-8 otherwise). */
export function decodeText(fetched: Pick<Fetched, 'body' | 'charset'>): string {
  // A page may name its charset in a <meta> near the top instead of the header.
  const named = fetched.charset ?? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(fetched.body.subarray(0, 2048).toString('latin1'))?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(named ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(fetched.body);
}
