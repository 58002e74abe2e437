import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { SaveableVectorStore } from '@langchain/core/vectorstores';
import { Mutex } from 'async-mutex';
import hnswlib from 'hnswlib-node';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { HierarchicalNSW } = hnswlib;
type Index = InstanceType<typeof HierarchicalNSW>;

/** What each vector points back to; `hash` identifies the chunk's indexed text. */
export interface ChunkMetadata {
  chunkId: string;
  hash: string;
}

/** What the store keeps per vector: the text itself lives in the docstore, once. */
interface Entry {
  label: number;
  id: string;
  hash: string;
}

const INDEX_FILE = 'hnsw.bin';
const ENTRIES_FILE = 'vectors.json';
const HNSW = { m: 16, efConstruction: 200, efSearch: 64 } as const;

/**
 * A thin LangChain VectorStore over hnswlib-node, unlike the community HNSWLib store it can delete
 * single chunks (so a reload patches the index instead of rebuilding it) and returns cosine
 * similarity (higher is better). Files are written by the caller into a fresh folder, never in place.
 */
export class HnswChunkStore extends SaveableVectorStore {
  declare FilterType: (document: Document<ChunkMetadata>) => boolean;
  private readonly entries = new Map<number, Entry>();
  private readonly labelById = new Map<string, number>();
  private nextLabel = 0;
  /**
   * Copies (fork, save) take the index and its entries at one moment: adds and deletes wait for
   * them, so a copy never lists a chunk its index lacks (background embedding adds while a reload
   * or a refresh forks).
   */
  private readonly changing = new Mutex();

  private constructor(
    embeddings: EmbeddingsInterface,
    private readonly dimension: number,
    private readonly index: Index,
  ) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return 'footnote-hnsw';
  }

  static create(embeddings: EmbeddingsInterface, dimension: number, capacity = 1024): HnswChunkStore {
    const index = new HierarchicalNSW('cosine', dimension);
    index.initIndex({ maxElements: Math.max(16, capacity), m: HNSW.m, efConstruction: HNSW.efConstruction, randomSeed: 42 });
    return new HnswChunkStore(embeddings, dimension, index);
  }

  /** Reads a store saved by `save`; throws if the files are missing or do not agree. */
  static override async load(directory: string, embeddings: EmbeddingsInterface): Promise<HnswChunkStore> {
    const saved = JSON.parse(await readFile(join(directory, ENTRIES_FILE), 'utf8')) as { dimension: number; nextLabel: number; entries: Entry[] };
    const { dimension } = saved;
    const index = new HierarchicalNSW('cosine', dimension);
    await index.readIndex(join(directory, INDEX_FILE));
    const store = new HnswChunkStore(embeddings, dimension, index);
    for (const entry of saved.entries) store.remember(entry);
    store.nextLabel = saved.nextLabel;
    const labels = new Set(index.getIdsList());
    const missing = saved.entries.filter((entry) => !labels.has(entry.label)).length;
    if (missing) throw new Error(`${missing} of ${saved.entries.length} chunks have no vector in ${INDEX_FILE}`);
    return store;
  }

  async save(directory: string): Promise<void> {
    await this.changing.runExclusive(async () => {
      await this.index.writeIndex(join(directory, INDEX_FILE));
      await writeFile(join(directory, ENTRIES_FILE), JSON.stringify({ dimension: this.dimension, nextLabel: this.nextLabel, entries: [...this.entries.values()] }));
    });
  }

  /** An independent copy, to patch while this one keeps serving (hnswlib can only copy through a file). */
  fork(): Promise<HnswChunkStore> {
    return this.changing.runExclusive(() => this.copy());
  }

  private async copy(): Promise<HnswChunkStore> {
    const scratch = await mkdtemp(join(tmpdir(), 'footnote-fork-'));
    const index = new HierarchicalNSW('cosine', this.dimension);
    try {
      await this.index.writeIndex(join(scratch, INDEX_FILE));
      await index.readIndex(join(scratch, INDEX_FILE));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const copy = new HnswChunkStore(this.embeddings, this.dimension, index);
    for (const entry of this.entries.values()) copy.remember(entry);
    copy.nextLabel = this.nextLabel;
    return copy;
  }

  get size(): number {
    return this.entries.size;
  }

  has(chunkId: string): boolean {
    return this.labelById.has(chunkId);
  }

  private remember(entry: Entry): void {
    this.entries.set(entry.label, entry);
    this.labelById.set(entry.id, entry.label);
  }

  addVectors(vectors: number[][], documents: Document<ChunkMetadata>[]): Promise<string[]> {
    return this.changing.runExclusive(() => {
      const needed = this.index.getCurrentCount() + vectors.length;
      if (needed > this.index.getMaxElements()) this.index.resizeIndex(Math.max(needed, this.index.getMaxElements() * 2));
      return documents.map((document, i) => {
        const label = this.nextLabel++;
        this.index.addPoint(vectors[i]!, label);
        const { chunkId: id, hash } = document.metadata;
        this.remember({ label, id, hash });
        return id;
      });
    });
  }

  async addDocuments(documents: Document<ChunkMetadata>[]): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((document) => document.pageContent));
    return this.addVectors(vectors, documents);
  }

  override async delete({ ids }: { ids: string[] }): Promise<void> {
    await this.changing.runExclusive(() => {
      for (const id of ids) {
        const label = this.labelById.get(id);
        if (label === undefined) continue;
        this.index.markDelete(label);
        this.entries.delete(label);
        this.labelById.delete(id);
      }
    });
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: this['FilterType']): Promise<[Document<ChunkMetadata>, number][]> {
    const wanted = Math.min(k, this.entries.size);
    if (wanted === 0) return [];
    this.index.setEf(Math.max(HNSW.efSearch, wanted));
    // Documents carry the chunk id; their text is in the docstore (pageContent stays empty).
    const toDocument = (entry: Entry) => new Document<ChunkMetadata>({ id: entry.id, pageContent: '', metadata: { chunkId: entry.id, hash: entry.hash } });
    const { neighbors, distances } = this.index.searchKnn(
      query,
      wanted,
      filter ? (label) => this.entries.has(label) && filter(toDocument(this.entries.get(label)!)) : undefined,
    );
    return neighbors.map((label, i) => [toDocument(this.entries.get(label)!), 1 - distances[i]!]);
  }
}
