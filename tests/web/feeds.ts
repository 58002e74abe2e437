import { storyPage } from '../../tools/lib/harbour-news.js';
import type { FixtureServer } from './server.js';

/** Registers the invented story pages 1..count at /stories/<n>. */
export function serveStories(server: FixtureServer, count: number): void {
  for (let n = 1; n <= count; n++) server.route(`/stories/${n}`, (_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(storyPage(n)));
}
