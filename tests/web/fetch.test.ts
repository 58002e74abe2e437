import { connect, isIP } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusedKind } from '../../src/ingest/web/address.js';
import { decodeText, systemNetwork, WebFetcher, type Network } from '../../src/ingest/web/fetch.js';
import { startFixtureServer, type FixtureServer } from './server.js';

/**
 * The fetcher against the local fixture server. The guard is tested with names that resolve to
 * private addresses through an injected resolver, and a connect hook that records (and refuses)
 * any connection to an address other than the stand-in public ones, which it sends to 127.0.0.1:
 * even with the guard broken, nothing leaves this machine.
 */

let server: FixtureServer;
beforeAll(async () => (server = await startFixtureServer()));
afterAll(() => server?.close());

/** Documentation addresses (TEST-NET-3) standing in for public servers; the hook sends them to the fixture server. */
const PUBLIC = new Set(['203.0.113.10', '203.0.113.11']);
const HOSTS: Record<string, string[]> = {
  'news.test': ['203.0.113.10'],
  'intranet.test': ['10.0.0.5'],
  'router.test': ['192.168.1.1'],
  'office.test': ['172.20.3.4'],
  'metadata.test': ['169.254.169.254'],
  'loopback.test': ['127.0.0.2'],
  'ula.test': ['fd00:ec2::254'],
  'linklocal6.test': ['fe80::1'],
  'loopback6.test': ['::1'],
  'mapped.test': ['::ffff:10.0.0.5'],
  // One private address among public ones is enough to refuse the name.
  'mixed.test': ['203.0.113.11', '192.168.7.7'],
};

const forbiddenConnects: string[] = [];
const connects: string[] = [];
function testNetwork(hosts: Record<string, string[]> = HOSTS): Network {
  return {
    async resolve(hostname) {
      const addresses = hosts[hostname];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: isIP(address) }));
    },
    connect({ address }) {
      connects.push(address);
      if (!PUBLIC.has(address)) {
        forbiddenConnects.push(address);
        throw new Error(`the test network refuses to connect to ${address}`);
      }
      return connect({ host: '127.0.0.1', port: server.port });
    },
  };
}

const limits = { maxBytes: 50_000, timeoutMs: 5_000, allowPrivate: false };
const guarded = (network = testNetwork()) => new WebFetcher(limits, network);
const open = new WebFetcher({ ...limits, allowPrivate: true }, systemNetwork);

afterEach(() => {
  // Whatever a test asserted, a connection to a refused address fails it.
  expect(forbiddenConnects).toEqual([]);
  connects.length = 0;
});

describe('which links are fetched', () => {
  it.each([
    ['file:///etc/passwd', /Only http and https links are fetched \(this one is file\)/],
    ['ftp://news.test/story.txt', /Only http and https links are fetched \(this one is ftp\)/],
    ['javascript:alert(1)', /Only http and https links are fetched/],
    ['gopher://news.test/', /Only http and https links are fetched/],
    ['http://user:secret@news.test/story', /user name or password/],
    ['not a link at all', /not a web address/],
  ])('GIVEN %s THEN it is refused before any connection', async (link, message) => {
    await expect(guarded().get(link, { kind: 'page' })).rejects.toMatchObject({ code: 'LINK_REFUSED', userMessage: expect.stringMatching(message) });
    expect(connects).toEqual([]);
  });

  it('GIVEN a public host THEN the page comes from the address the name resolved to, and the request names the host', async () => {
    const before = server.requests.length;
    const fetched = await guarded().get('http://news.test/news/ferry-strike', { kind: 'page' });
    expect(fetched).toMatchObject({ status: 'ok', url: 'http://news.test/news/ferry-strike', contentType: 'text/html' });
    expect(connects).toEqual(['203.0.113.10']);
    expect(server.requests.slice(before).map((r) => r.headers.host)).toEqual(['news.test']);
  });
});

describe('no request reaches this machine or its network (ALLOW_PRIVATE_URLS off)', () => {
  it.each(Object.keys(HOSTS).filter((host) => host !== 'news.test'))('GIVEN a name that resolves to a private address (%s) THEN it is refused and never connected to', async (host) => {
    await expect(guarded().get(`http://${host}/admin`, { kind: 'page' })).rejects.toMatchObject({ code: 'LINK_REFUSED', userMessage: expect.stringContaining('links to this machine or its network are not fetched') });
    expect(connects).toEqual([]);
  });

  it.each([
    'http://127.0.0.1/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.0.10:8080/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    // Numbers the URL parser reads as 127.0.0.1.
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0.0.0.0/',
  ])('GIVEN the address itself in the link (%s) THEN it is refused and never connected to', async (link) => {
    await expect(guarded().get(link, { kind: 'page' })).rejects.toMatchObject({ code: 'LINK_REFUSED' });
    expect(connects).toEqual([]);
  });

  it('GIVEN a public page that redirects to a private name, a private address or a file THEN each hop is checked and the redirect is refused', async () => {
    for (const to of ['http://intranet.test/admin', 'http://metadata.test/latest/meta-data/', `http://127.0.0.1:${server.port}/news/ferry-strike`, 'http://[::1]/', 'file:///etc/passwd']) {
      connects.length = 0;
      await expect(guarded().get(`http://news.test/redirect?to=${encodeURIComponent(to)}`, { kind: 'page' })).rejects.toMatchObject({ code: 'LINK_REFUSED' });
      expect(connects).toEqual(['203.0.113.10']);
    }
  });

  it('GIVEN a name that resolves to a public address first and a private one next (DNS rebinding) THEN the connection goes to the address checked, and the next hop is checked again', async () => {
    let calls = 0;
    const network = testNetwork();
    const rebinding: Network = { ...network, resolve: async (hostname) => (hostname === 'rebind.test' ? [{ address: calls++ === 0 ? '203.0.113.10' : '10.9.9.9', family: 4 }] : network.resolve(hostname)) };
    await expect(guarded(rebinding).get('http://rebind.test/redirect?to=%2Fnews%2Fferry-strike', { kind: 'page' })).rejects.toMatchObject({ code: 'LINK_REFUSED', userMessage: expect.stringContaining('(10.9.9.9)') });
    expect(connects).toEqual(['203.0.113.10']);
  });

  it('GIVEN ALLOW_PRIVATE_URLS=true THEN a page on this machine is fetched', async () => {
    await expect(open.get(`${server.origin}/news/ferry-strike`, { kind: 'page' })).resolves.toMatchObject({ status: 'ok' });
  });

  it('GIVEN the address kinds the issue lists THEN each is refused and public ones are not', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '::1', 'fc00::1', 'fdff::1', 'fe80::abcd', '::ffff:192.168.0.1', '198.18.0.1', '192.0.0.8', '::127.0.0.1', '64:ff9b:1::a00:1', '2002:a00:1::1']) expect(refusedKind(address), address).toBeDefined();
    for (const address of ['172.32.0.1', '8.8.8.8', '203.0.113.10', '2001:db8::1', '2a00:1450::1']) expect(refusedKind(address), address).toBeUndefined();
  });
});

describe('what is fetched, and how much', () => {
  it('GIVEN a chain of 5 redirects THEN it is followed; 6 THEN it is refused', async () => {
    await expect(open.get(`${server.origin}/hop/5`, { kind: 'page' })).resolves.toMatchObject({ status: 'ok', url: `${server.origin}/news/ferry-strike` });
    await expect(open.get(`${server.origin}/hop/6`, { kind: 'page' })).rejects.toMatchObject({ code: 'FETCH_FAILED', userMessage: expect.stringContaining('redirected more than 5 times') });
  });

  it('GIVEN a page that drips a byte at a time, or a name that never resolves THEN the fetch stops at the time cap', async () => {
    const slow = new WebFetcher({ ...limits, allowPrivate: true, timeoutMs: 400 });
    await expect(slow.get(`${server.origin}/drip`, { kind: 'page' })).rejects.toMatchObject({ code: 'FETCH_FAILED', userMessage: expect.stringContaining('took longer than') });
    const silent: Network = { ...testNetwork(), resolve: () => new Promise(() => {}) };
    await expect(new WebFetcher({ ...limits, timeoutMs: 400 }, silent).get('http://news.test/', { kind: 'page' })).rejects.toMatchObject({ code: 'FETCH_FAILED', userMessage: 'news.test took longer than 0.4 s to send it; nothing was kept.' });
  });

  it.each(['/big', '/big-unannounced', '/gzip-bomb'])('GIVEN a body over MAX_FILE_BYTES (%s) THEN nothing is kept', async (path) => {
    await expect(open.get(`${server.origin}${path}`, { kind: 'page' })).rejects.toMatchObject({ code: 'FETCH_FAILED', userMessage: expect.stringContaining('more than the 49 KiB limit') });
  });

  it('GIVEN a gzip-encoded page THEN it is decoded', async () => {
    const fetched = await open.get(`${server.origin}/gzipped`, { kind: 'page' });
    expect(fetched.status === 'ok' && decodeText(fetched)).toContain('Velmora ferry crews return');
  });

  it.each([
    ['/report.pdf', 'a PDF document'],
    ['/photo.png', 'an image (image/png)'],
  ])('GIVEN %s THEN it is not taken as a page, and says what it is', async (path, what) => {
    await expect(open.get(`${server.origin}${path}`, { kind: 'page' })).rejects.toMatchObject({ code: 'FETCH_FAILED', userMessage: expect.stringContaining(`sent ${what}, not a web page`) });
  });

  it('GIVEN a page asked for as a feed THEN it is refused: only the feed types are', async () => {
    await expect(open.get(`${server.origin}/news/ferry-strike`, { kind: 'feed' })).rejects.toMatchObject({ userMessage: expect.stringContaining('sent text/html content, not a feed') });
  });

  it('GIVEN a missing page or a host that is not found THEN the reply says which', async () => {
    await expect(open.get(`${server.origin}/gone`, { kind: 'page' })).rejects.toMatchObject({ code: 'FETCH_FAILED', userMessage: `127.0.0.1:${server.port} answered HTTP 404.` });
    await expect(guarded().get('http://nowhere.test/', { kind: 'page' })).rejects.toMatchObject({ code: 'FETCH_FAILED', userMessage: expect.stringContaining('nowhere.test could not be found') });
  });
});
