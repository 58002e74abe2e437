import { cp, mkdtemp, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { makeEngine, SEEDS_DIR, useLite } from '../helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'reader');
let engine: Engine;

beforeAll(async () => {
  const seedsDir = await mkdtemp(join(tmpdir(), 'footnote-meta-'));
  await cp(FIXTURES, seedsDir, { recursive: true });
  await cp(SEEDS_DIR, seedsDir, { recursive: true });
  // The Velmora story is the latest: "this article" means it; the seed story has the byline.
  await utimes(join(seedsDir, 'northline-strike.txt'), new Date('2026-01-01'), new Date('2026-01-01'));
  await utimes(join(seedsDir, 'velmora-harbour.txt'), new Date('2026-03-01'), new Date('2026-03-01'));
  await utimes(join(seedsDir, '000_384e7f44ba0120d1.txt'), new Date('2026-02-01'), new Date('2026-02-01'));
  ({ engine } = makeEngine({ seedsDir }, useLite()));
  await engine.start();
});

describe('questions about an article with several indexed', () => {
  it('GIVEN a question that names the article by its headline THEN its byline and publication answer it, cited, saying which article', async () => {
    const author = await engine.ask('Who wrote the article about the US cyber attack on Iran?');
    expect(author).toMatchObject({ outcome: 'answer', kind: 'metadata', answer: 'Batya Jerenberg', scope: { title: 'US cyber attack failed, Iran says' } });
    expect(author.citations[0]!.quote).toContain('Batya Jerenberg');
    const publication = await engine.ask('Which publication published the story about the cyber attack that failed?');
    expect(publication).toMatchObject({ kind: 'metadata', answer: 'World Israel News' });
  });

  it('GIVEN "this article" THEN it is the latest one: its headline answers, and a byline it lacks is not made up', async () => {
    expect(await engine.ask("What's the headline of this article?")).toMatchObject({ kind: 'metadata', answer: 'Velmora harbour reopens after storm repairs' });
    expect(await engine.ask('Who wrote this article?')).not.toMatchObject({ answer: 'Batya Jerenberg' });
  });
});
