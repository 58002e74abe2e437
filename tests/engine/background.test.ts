import { describe, expect, it } from 'vitest';
import { shippedModels } from '../../src/answer/models.js';
import { Reader } from '../../src/answer/reader.js';
import { Engine } from '../../src/engine/engine.js';
import { reader, seedCopy, silentLogger, tempDir, testOptions } from '../helpers.js';
import { fact, FaultEmbeddings, gate, range, writeHarbourArticles, writeSyntheticArticles } from '../faults/synthetic.js';

/** A serving engine: answerable by words as soon as the articles are read; vectors land after. */
function servingEngine(seedsDir: string, dataDir: string, embeddings: FaultEmbeddings) {
  return new Engine({ options: { ...testOptions({ seedsDir, dataDir }), embedInBackground: true }, embeddings, reader: reader(), logger: silentLogger });
}

describe('background embedding', () => {
  it('GIVEN vectors still being embedded THEN the articles are answerable by their words at once, the answer says how many passages lack vectors, and once they land it says nothing', async () => {
    const seedsDir = await seedCopy();
    await writeSyntheticArticles(seedsDir, range(0, 30));
    const embeddings = new FaultEmbeddings();
    const held = gate();
    embeddings.beforeBatch = held.wait;
    const engine = servingEngine(seedsDir, await tempDir(), embeddings);

    const report = await engine.start();
    expect(report.toEmbed).toBeGreaterThan(0);
    const early = await engine.ask(fact(12).question);
    expect(early.closest.concat(early.citations)[0]?.quote).toContain(fact(12).answer);
    expect(early.indexing?.chunksWithoutVectors).toBeGreaterThan(0);
    expect(engine.indexing()).toMatchObject({ chunksWithVectors: 0, textsToEmbed: report.toEmbed });

    embeddings.beforeBatch = () => {};
    held.open();
    await engine.vectorsReady();
    expect(engine.indexing()).toMatchObject({ chunksWithVectors: engine.indexing().chunks, textsToEmbed: 0 });
    const late = await engine.ask(fact(12).question);
    expect(late.indexing).toBeUndefined();
    // Nothing learnt while the vectors were missing lingers: a reader that never saw them gives the same answer.
    const fresh = new Engine({ options: testOptions({ seedsDir, dataDir: await tempDir() }), embeddings: new FaultEmbeddings(), reader: new Reader(shippedModels), logger: silentLogger });
    await fresh.start();
    const again = await fresh.ask(fact(12).question);
    expect(late.signals).toEqual(again.signals);
    expect(late.confidence).toBe(again.confidence);
    await Promise.all([engine.close(), fresh.close()]);
  });

  it('GIVEN the process stops half way through embedding THEN the next start resumes: it embeds only what is left', async () => {
    const seedsDir = await seedCopy();
    const dataDir = await tempDir();
    // Sentences of their own, so there is more than two batches to embed.
    await writeHarbourArticles(seedsDir, range(0, 40));
    const first = new FaultEmbeddings();
    let batches = 0;
    const stop = gate();
    // The second batch waits: the first one's vectors are in by then.
    first.beforeBatch = () => (++batches === 2 ? stop.wait() : undefined);
    const engine = servingEngine(seedsDir, dataDir, first);
    const { toEmbed } = await engine.start();
    await stop.arrived;
    const closing = engine.close();
    stop.open();
    await closing;
    expect(first.documentsEmbedded).toBeGreaterThan(0);
    expect(first.documentsEmbedded).toBeLessThan(toEmbed);

    const second = new FaultEmbeddings();
    const restarted = servingEngine(seedsDir, dataDir, second);
    expect(await restarted.start()).toMatchObject({ added: [], changed: [], removed: [] });
    await restarted.vectorsReady();
    expect(second.documentsEmbedded).toBe(toEmbed - first.documentsEmbedded);
    expect(restarted.indexing().textsToEmbed).toBe(0);
    await restarted.close();
  });
});
