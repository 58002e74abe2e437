import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import type pg from 'pg';
import type { ChunkMetadata } from '../hnsw-store.js';

const literal = (vector: number[]) => `[${vector.join(',')}]`;

/**
 * The passage vectors in Postgres as a LangChain VectorStore: cosine similarity (higher is better)
 * through pgvector's HNSW index, the same contract as the in-memory HnswChunkStore. For tools and
 * other LangChain code that want to search the shared corpus in the database; the bot itself
 * searches the copy it holds in memory.
 */
export class PgChunkStore extends VectorStore {
  declare FilterType: never;

  constructor(
    embeddings: EmbeddingsInterface,
    private readonly pool: pg.Pool,
  ) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return 'footnote-pgvector';
  }

  async addVectors(vectors: number[][], documents: Document<ChunkMetadata>[]): Promise<void> {
    await this.pool.query(
      'INSERT INTO chunk_vectors SELECT id, embedding::vector FROM unnest($1::text[], $2::text[]) AS t(id, embedding) ON CONFLICT (chunk_id) DO UPDATE SET embedding = EXCLUDED.embedding',
      [documents.map((d) => d.metadata.chunkId), vectors.map(literal)],
    );
  }

  async addDocuments(documents: Document<ChunkMetadata>[]): Promise<void> {
    await this.addVectors(await this.embeddings.embedDocuments(documents.map((d) => d.pageContent)), documents);
  }

  async similaritySearchVectorWithScore(query: number[], k: number): Promise<[Document<ChunkMetadata>, number][]> {
    const { rows } = await this.pool.query<{ chunk_id: string; hash: string; distance: number }>(
      `SELECT v.chunk_id, c.hash, v.embedding <=> $1::vector AS distance
       FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id ORDER BY v.embedding <=> $1::vector LIMIT $2`,
      [literal(query), k],
    );
    return rows.map((r) => [new Document<ChunkMetadata>({ id: r.chunk_id, pageContent: '', metadata: { chunkId: r.chunk_id, hash: r.hash } }), 1 - r.distance]);
  }
}
