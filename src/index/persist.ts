import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkerSettings } from '../ingest/chunk.js';
import type { Article, Chunk } from '../types.js';
import { writeDurably } from './durable.js';
import type { EmbedderInfo } from './embeddings.js';
import { HnswChunkStore } from './hnsw-store.js';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorTable } from './vector-table.js';
import { assembleSnapshot, SCHEMA_VERSION, type IndexSnapshot, type Manifest } from './snapshot.js';

/**
 * Layout of the data folder:
 *   CURRENT                  the name of the live index folder (replaced by rename: atomic)
 *   index-<time>/            manifest.json, docstore.json, hnsw.bin, vectors.json, sentence-vectors.{bin,json}
 * A save writes a whole new folder, then points CURRENT at it. A crash at any moment leaves
 * CURRENT naming a complete folder, so the previous index always loads.
 */
const POINTER = 'CURRENT';
const MANIFEST = 'manifest.json';
const DOCSTORE = 'docstore.json';

let saves = 0;

export async function saveSnapshot(dataDir: string, snapshot: IndexSnapshot): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  // Unique per save: background embedding saves the same snapshot again as its vectors land.
  const name = `index-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++saves}`;
  const staging = join(dataDir, `${name}.partial`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  await snapshot.store.save(staging);
  await snapshot.vectors.save(staging);
  await writeDurably(join(staging, DOCSTORE), JSON.stringify({ articles: snapshot.articles, chunks: snapshot.chunks }));
  // The manifest goes last: a folder without one was never finished.
  await writeDurably(join(staging, MANIFEST), JSON.stringify(snapshot.manifest, null, 2));
  await rename(staging, join(dataDir, name));
  await writeDurably(join(dataDir, `${POINTER}.next`), name);
  await rename(join(dataDir, `${POINTER}.next`), join(dataDir, POINTER));
  await removeStale(dataDir, name);
  return name;
}

/** Removes every index folder but the live one (old builds, and partial ones from a crash). */
async function removeStale(dataDir: string, live: string): Promise<void> {
  for (const entry of await readdir(dataDir)) {
    if (entry.startsWith('index-') && entry !== live) await rm(join(dataDir, entry), { recursive: true, force: true });
  }
}

export interface Expectations {
  embedder: EmbedderInfo;
  chunker: ChunkerSettings;
}

export type LoadResult =
  | { status: 'loaded'; snapshot: IndexSnapshot }
  | { status: 'missing' | 'mismatch' | 'corrupt'; reason: string };

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
    const docstore = JSON.parse(await readFile(join(dir, DOCSTORE), 'utf8')) as { articles: Article[]; chunks: Chunk[] };
    if (docstore.chunks.length !== manifest.counts.chunks) throw new Error(`docstore has ${docstore.chunks.length} chunks, manifest ${manifest.counts.chunks}`);
    const store = await HnswChunkStore.load(dir, embeddings);
    const vectors = await VectorTable.load(dir);
    return { status: 'loaded', snapshot: assembleSnapshot({ articles: docstore.articles, chunks: docstore.chunks, store, vectors, manifest }) };
  } catch (error) {
    return { status: 'corrupt', reason: `the index in ${name} is damaged (${(error as Error).message})` };
  }
}

function describeMismatch(manifest: Manifest, expected: Expectations): string | undefined {
  if (manifest.schemaVersion !== SCHEMA_VERSION) return `index schema ${manifest.schemaVersion} is not the current ${SCHEMA_VERSION}`;
  const { id, dimension } = expected.embedder;
  if (manifest.embedder?.id !== id || manifest.embedder.dimension !== dimension) {
    return `the index was embedded with ${manifest.embedder?.id}/${manifest.embedder?.dimension}d, the configured embedder is ${id}/${dimension}d`;
  }
  const { size, overlap } = expected.chunker;
  if (manifest.chunker?.size !== size || manifest.chunker.overlap !== overlap) {
    return `chunk settings changed (size ${manifest.chunker?.size}→${size}, overlap ${manifest.chunker?.overlap}→${overlap})`;
  }
  return undefined;
}

