import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadAttachment } from '../../src/discord/download.js';

/** Attachment downloads against a local server standing in for Discord's CDN. */

let server: Server;
let origin: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/ok.txt') return res.writeHead(200, { 'content-length': '5' }).end('hello');
    if (req.url === '/same-host') return res.writeHead(302, { location: '/ok.txt' }).end();
    if (req.url === '/chunked-big') {
      // No content-length: the size is only known as the bytes arrive.
      res.writeHead(200);
      res.write('x'.repeat(600));
      res.end('x'.repeat(600));
      return;
    }
    if (req.url === '/stall') return res.writeHead(200).write('a'); // never ends
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const limits = () => ({ origins: [origin], maxBytes: 1000, timeoutMs: 300 });

describe('downloadAttachment', () => {
  it('GIVEN a file on the allowed origin THEN returns its bytes, following a redirect within that origin', async () => {
    expect(Buffer.from(await downloadAttachment(`${origin}/ok.txt`, limits())).toString()).toBe('hello');
    expect(Buffer.from(await downloadAttachment(`${origin}/same-host`, limits())).toString()).toBe('hello');
  });

  it('GIVEN a URL on any other origin THEN refuses without fetching it', async () => {
    const before = hits.length;
    await expect(downloadAttachment('http://127.0.0.1:9/evil.txt', limits())).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', userMessage: expect.stringContaining("not on Discord's servers") });
    await expect(downloadAttachment('not a url', limits())).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect(hits.length).toBe(before);
  });

  it('GIVEN a body larger than the cap without a length header THEN stops reading and says it is too large', async () => {
    await expect(downloadAttachment(`${origin}/chunked-big`, limits())).rejects.toMatchObject({ userMessage: expect.stringContaining('larger than the 1 KiB limit') });
  });

  it('GIVEN a server that stops sending THEN gives up at the time cap', async () => {
    await expect(downloadAttachment(`${origin}/stall`, limits())).rejects.toMatchObject({ userMessage: expect.stringContaining('took longer than') });
  });

  it('GIVEN a 404 THEN says Discord did not serve it', async () => {
    await expect(downloadAttachment(`${origin}/gone.txt`, limits())).rejects.toMatchObject({ userMessage: expect.stringContaining('HTTP 404') });
  });
});
