import { Embeddings } from '@langchain/core/embeddings';
import type { EmbedderInfo } from './embeddings.js';

/**
 * Any OpenAI-compatible `/embeddings` endpoint (OpenAI, a local llama.cpp or Ollama server...).
 * Opt-in only: the default embedder needs no network. The dimension is learned from the first reply.
 */
export class OpenAICompatibleEmbeddings extends Embeddings implements EmbedderInfo {
  readonly id: string;
  dimension = 0;

  constructor(private readonly options: { url: string; model: string; apiKey?: string | undefined; batchSize?: number }) {
    super({ maxRetries: 2 });
    this.id = `openai:${options.model}`;
  }

  /** Calls the endpoint once so `dimension` is known before an index is checked or built. */
  async probe(): Promise<void> {
    await this.embedQuery('dimension probe');
  }

  private async request(input: string[]): Promise<number[][]> {
    const response = await fetch(`${this.options.url.replace(/\/$/, '')}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
      body: JSON.stringify({ model: this.options.model, input }),
    });
    if (!response.ok) throw new Error(`embeddings endpoint answered ${response.status}`);
    const body = (await response.json()) as { data: { index: number; embedding: number[] }[] };
    const vectors = body.data.sort((a, b) => a.index - b.index).map((item) => item.embedding);
    this.dimension = vectors[0]?.length ?? this.dimension;
    return vectors;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const size = this.options.batchSize ?? 64;
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += size) vectors.push(...(await this.caller.call(() => this.request(texts.slice(i, i + size)))));
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.caller.call(() => this.request([text]));
    return vector!;
  }
}
