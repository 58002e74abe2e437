import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The web as the tests see it: an HTTP server on 127.0.0.1 serving the pages in
 * tests/fixtures/web (written for these tests) and the awkward answers a fetcher must survive: a
 * redirect chain, a slow drip, oversized bodies, a PDF and an image. Tests add feeds with `route`.
 */

export const PAGES = join(import.meta.dirname, '..', 'fixtures', 'web');
export const page = (name: string) => readFileSync(join(PAGES, name), 'utf8');

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Every request, in order: its path and headers. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Serves `path` with `handler` (replacing what it served before). */
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export const html = (body: string, type = 'text/html; charset=utf-8'): Handler => (_req, res) => void res.writeHead(200, { 'content-type': type }).end(body);

/** A page of `bytes` bytes of filler paragraphs. */
export const filler = (bytes: number) => `<html><body><article>${'<p>The harbour wall was painted again on Monday, the crew said. </p>'.repeat(Math.ceil(bytes / 66))}</article></body></html>`;

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Handler>();
  const requests: FixtureServer['requests'] = [];
  const drips = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: `${url.pathname}${url.search}`, headers: req.headers });
    const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (hop) {
      // /hop/n redirects n times (relative, then absolute locations), then lands on the ferry story.
      const left = Number(hop[1]);
      return void res.writeHead(left % 2 ? 302 : 301, { location: left > 1 ? (left % 2 ? `/hop/${left - 1}` : `http://127.0.0.1:${port}/hop/${left - 1}`) : '/news/ferry-strike' }).end();
    }
    const handler = routes.get(url.pathname);
    if (!handler) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    handler(req, res, url);
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const origin = `http://127.0.0.1:${port}`;

  const defaults: Record<string, Handler> = {
    '/news/ferry-strike': html(page('ferry-strike.html')),
    '/news/library': html(page('library-reopens.html')),
    '/': html(page('front-page.html')),
    '/sign-in': html(page('sign-in.html')),
    '/report.pdf': (_req, res) => void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4\n% an invented report\n'),
    '/photo.png': (_req, res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    '/redirect': (_req, res, url) => void res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end(),
    // A byte every 100 ms, for ever: only a cap on the whole fetch ends it.
    '/drip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => res.write('.'), 100);
      drips.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        drips.delete(timer);
      });
    },
    '/big': html(filler(200_000)),
    // Says nothing of its size, and sends it in small pieces.
    '/big-unannounced': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const piece = filler(4_000);
      let sent = 0;
      const more = () => {
        while (sent < 200_000 && res.write(piece)) sent += piece.length;
        if (sent >= 200_000) res.end();
      };
      res.on('drain', more);
      more();
    },
    // 200 KB of text in a few hundred compressed bytes.
    '/gzip-bomb': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync(filler(200_000))),
    '/gzipped': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync(page('ferry-strike.html'))),
  };
  for (const [path, handler] of Object.entries(defaults)) routes.set(path, handler);

  return {
    origin,
    port,
    requests,
    route: (path, handler) => void routes.set(path, handler),
    async close() {
      for (const timer of drips) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
