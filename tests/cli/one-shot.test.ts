import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstShown, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

function ask(question: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'ask', '--json', question], { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env } }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
}

const PLACES = ['Aldham', 'Brinmoor', 'Caskport', 'Dunmere', 'Elsworth', 'Fenwick', 'Galloway', 'Harrowgate', 'Ilmarsh', 'Jessop'];
const THINGS = ['bridge', 'library', 'ferry', 'school', 'market', 'hospital', 'station', 'museum', 'harbour', 'stadium'];

/** Many made-up articles: far more text than can be embedded before a one-shot question is answered. */
async function manyArticles(dir: string, count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const place = PLACES[n % PLACES.length]!;
    const thing = THINGS[Math.floor(n / PLACES.length) % THINGS.length]!;
    const paragraphs = Array.from({ length: 8 }, (_, p) => `In ${place}, the council said on day ${p + 1} that the new ${thing} number ${n} would cost ${(n + 1) * (p + 3)} thousand pounds, and residents of ward ${p + n} asked for a vote before work begins.`);
    await writeFile(join(dir, `story-${n}.txt`), `The ${thing} of ${place}, part ${n}\n\n${paragraphs.join('\n\n')}\n`);
  }
}

describe('footnote ask on a fresh folder of many articles', () => {
  it('GIVEN 150 articles never indexed THEN one ask answers by words before every vector is made, says so, and saves what was embedded for the next run', async () => {
    const seeds = await tempDir();
    const data = await tempDir();
    await manyArticles(seeds, 150);
    const env = { SEEDS_DIR: seeds, DATA_DIR: data };
    const first = JSON.parse((await ask('What would the new bridge number 3 cost?', env)).stdout);
    expect(first.outcome).not.toBe('not-found');
    // By words alone it may be a best match rather than an answer: either way, that sentence first.
    expect(firstShown(first)).toContain('bridge number 3 would cost');
    expect(first.indexing.chunksWithoutVectors).toBeGreaterThan(0);
    // The index is saved: the next run starts from it, with the vectors made so far.
    expect(await readdir(data)).toContain('CURRENT');
    const second = JSON.parse((await ask('What would the new bridge number 3 cost?', env)).stdout);
    expect(second.indexing?.chunksWithoutVectors ?? 0).toBeLessThan(first.indexing.chunksWithoutVectors);
  }, 120_000);
});
