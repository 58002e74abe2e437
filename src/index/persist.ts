import { link, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { yieldEvery } from '../yielding.js';
import { Bm25Index, type SavedBm25 } from './bm25.js';
import { HnswChunkStore } from './hnsw-store.js';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorTable } from './vector-table.js';
import { assembleSnapshot, type IndexSnapshot, type Manifest } from './snapshot.js';
import { describeMismatch, unpackDocstore, type Expectations, type LoadResult, type SavedDocstore } from './store.js';

/**
 * Layout of the data folder:
 *   CURRENT                  the name of the live index folder (replaced by rename: atomic)
 *   index-<ISO time>-<pid>-<n>/   manifest.json, docstore.json, bm25.json, hnsw.bin, vectors.json, sentence-vectors.{bin,json}
 *                                (one per save; <name>.partial while it is written)
 * A save writes a whole new folder (each file flushed to disk), then points CURRENT at it. A crash at any moment leaves
 * CURRENT naming a complete folder, so the previous index always loads.
 */
const POINTER = 'CURRENT';
const MANIFEST = 'manifest.json';
const DOCSTORE = 'docstore.json';
const BM25 = 'bm25.json';

async function packDocstore(snapshot: IndexSnapshot, pause: () => Promise<void> | undefined): Promise<SavedDocstore> {
  const sentences: SavedDocstore['sentences'] = {};
  const position = new Map<string, Map<number, number>>();
  for (const [articleId, list] of snapshot.sentencesByArticle) {
    sentences[articleId] = list.map((s) => [s.start, s.end, s.paragraph, s.hash]);
    position.set(articleId, new Map(list.map((s, i) => [s.start, i])));
    await pause();
  }
  const chunks: SavedDocstore['chunks'] = [];
  for (const c of snapshot.chunks) {
    const at = position.get(c.articleId)!;
    chunks.push([c.articleId, at.get(c.sentences[0]!.start)!, at.get(c.sentences.at(-1)!.start)!, c.hash]);
    await pause();
  }
  return { articles: snapshot.articles, sentences, chunks };
}

/**
 * JSON.stringify of an object of large arrays or maps, one element at a time, letting the event
 * loop run between them: a 2,225-article docstore is 8 MB of JSON, too much to write in one go
 * while the bot serves.
 */
async function stringifyInSteps(value: object, pause: () => Promise<void> | undefined): Promise<string> {
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    const parts: string[] = [];
    if (Array.isArray(member)) {
      for (const element of member) {
        parts.push(JSON.stringify(element));
        await pause();
      }
      members.push(`${JSON.stringify(key)}:[${parts.join(',')}]`);
    } else {
      for (const [name, element] of Object.entries(member as object)) {
        parts.push(`${JSON.stringify(name)}:${JSON.stringify(element)}`);
        await pause();
      }
      members.push(`${JSON.stringify(key)}:{${parts.join(',')}}`);
    }
  }
  return `{${members.join(',')}}`;
}

/** Where each snapshot's docstore and BM25 were last saved: they never change, so later saves link them. */
const lexicalSavedIn = new WeakMap<IndexSnapshot, string>();

/** Writes the docstore and BM25 of `snapshot`, or hard-links them from its previous save. */
async function saveLexical(staging: string, snapshot: IndexSnapshot): Promise<void> {
  const previous = lexicalSavedIn.get(snapshot);
  if (previous) {
    try {
      for (const file of [DOCSTORE, BM25]) await link(join(previous, file), join(staging, file));
      return;
    } catch {
      // The previous folder is gone, or the file system has no hard links: write them again.
      await rm(join(staging, DOCSTORE), { force: true });
    }
  }
  const pause = yieldEvery();
  await writeFile(join(staging, DOCSTORE), await stringifyInSteps(await packDocstore(snapshot, pause), pause), { flush: true });
  await writeFile(join(staging, BM25), await stringifyInSteps(snapshot.bm25.toJSON(), pause), { flush: true });
}

let saves = 0;

export async function saveSnapshot(dataDir: string, snapshot: IndexSnapshot): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  // Unique per save: background embedding saves the same snapshot again as its vectors land.
  const name = `index-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++saves}`;
  const staging = join(dataDir, `${name}.partial`);
  const folder = join(dataDir, name);
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    await snapshot.store.save(staging);
    await snapshot.vectors.save(staging);
    await saveLexical(staging, snapshot);
    // The manifest goes last: a folder without one was never finished.
    await writeFile(join(staging, MANIFEST), JSON.stringify(snapshot.manifest, null, 2), { flush: true });
    await rename(staging, folder);
    await writeFile(join(dataDir, `${POINTER}.next`), name, { flush: true });
    await rename(join(dataDir, `${POINTER}.next`), join(dataDir, POINTER));
  } catch (error) {
    // A save that failed (a full disk) leaves nothing behind: CURRENT still names the previous folder.
    await Promise.all([staging, folder].map((dir) => rm(dir, { recursive: true, force: true }).catch(() => undefined)));
    throw error;
  }
  lexicalSavedIn.set(snapshot, folder);
  await removeStale(dataDir, name);
  return name;
}

/** Removes every index folder but the live one (old builds, and partial ones from a crash). */
async function removeStale(dataDir: string, live: string): Promise<void> {
  for (const entry of await readdir(dataDir)) {
    if (entry.startsWith('index-') && entry !== live) await rm(join(dataDir, entry), { recursive: true, force: true });
  }
}

export async function loadSnapshot(dataDir: string, expected: Expectations, embeddings: EmbeddingsInterface): Promise<LoadResult> {
  let name: string;
  try {
    name = (await readFile(join(dataDir, POINTER), 'utf8')).trim();
  } catch {
    return { status: 'missing', reason: `no saved index in ${dataDir}` };
  }
  const dir = join(dataDir, name);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch (error) {
    return { status: 'corrupt', reason: `the manifest of ${name} is unreadable (${(error as Error).message})` };
  }
  const mismatch = describeMismatch(manifest, expected);
  if (mismatch) return { status: 'mismatch', reason: mismatch };
  try {
    const docstore = unpackDocstore(JSON.parse(await readFile(join(dir, DOCSTORE), 'utf8')) as SavedDocstore);
    if (docstore.chunks.length !== manifest.counts.chunks) throw new Error(`docstore has ${docstore.chunks.length} chunks, manifest ${manifest.counts.chunks}`);
    const bm25 = Bm25Index.load(JSON.parse(await readFile(join(dir, BM25), 'utf8')) as SavedBm25);
    if (bm25.size !== docstore.chunks.length) throw new Error(`BM25 has ${bm25.size} documents, the docstore ${docstore.chunks.length} chunks`);
    const store = await HnswChunkStore.load(dir, embeddings);
    const vectors = await VectorTable.load(dir);
    return { status: 'loaded', snapshot: await assembleSnapshot({ ...docstore, store, vectors, manifest, bm25 }) };
  } catch (error) {
    return { status: 'corrupt', reason: `the index in ${name} is damaged (${(error as Error).message})` };
  }
}
