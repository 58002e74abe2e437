import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { buildSnapshot, embedPending } from '../../src/index/snapshot.js';
import { TestEmbeddings, firstShown, makeEngine, reader, tempDir, testOptions } from '../helpers.js';

/**
 * A 1.2 MB file of 20,000 short lines (a log pasted into seeds/): about 5,000 chunks. It is
 * indexed, summarised and answered from; questions do not read all 20,000 lines one by one.
 */
describe('a file of 20,000 short lines', () => {
  it('GIVEN it in the seeds folder THEN it is indexed, its summary has sentences and a question about one line finds it', async () => {
    const seedsDir = await tempDir('footnote-long-');
    const lines = Array.from({ length: 20_000 }, (_, i) => `Entry ${i}: harbour gate ${i} was checked by crew ${i % 13} at dawn`);
    await writeFile(join(seedsDir, 'harbour-log.txt'), `Harbour log\n${lines.join('\n')}\n`);
    const { engine } = makeEngine({ seedsDir });

    const report = await engine.start();
    expect(report).toMatchObject({ added: ['harbour-log'], failed: [] });
    expect(report.chunks).toBeGreaterThan(4000);
    const summary = await engine.summarize({ length: 'short' });
    expect(summary.citations).toHaveLength(3);
    expect(firstShown(await engine.ask('Which crew checked harbour gate 17042?'))).toContain('Entry 17042');
  });

  it('GIVEN a question about it THEN the reader weighs its best passages, not all 20,000 lines', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `Entry ${i}: harbour gate ${i} was checked by crew ${i % 13} at dawn`);
    const source = `Harbour log\n${lines.join('\n')}\n`;
    const embeddings = new TestEmbeddings();
    const snapshot = await buildSnapshot({ articles: [parseArticle({ id: 'log', file: 'log.txt', source, modifiedAt: 0 })], chunker: testOptions({ seedsDir: '' }).chunker, embedder: embeddings });
    await embedPending(snapshot, embeddings);
    const question = await reader().analyze(snapshot, 'Which crew checked harbour gate 17042?');
    const candidates = await reader().candidates(snapshot, question, await embeddings.embedQuery(question.text), testOptions({ seedsDir: '' }).answer.retrieval);
    expect(candidates.sentences.length).toBeLessThan(200);
    expect(candidates.sentences.some((c) => c.text.startsWith('Entry 17042:'))).toBe(true);
  });
});
