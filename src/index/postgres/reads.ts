import type pg from 'pg';
import { parseArticle } from '../../ingest/parse-article.js';
import type { Article } from '../../types.js';
import type { IndexSnapshot, Manifest } from '../snapshot.js';
import { describeMismatch, unpackDocstore, type Expectations, type SavedDocstore } from '../store.js';
import type { VectorTable } from '../vector-table.js';

export interface ArticleRow {
  id: string;
  file: string;
  source: string;
  modified_at: number;
  size: string | null;
}

export interface VectorRow {
  hash: string;
  scale: number;
  components: Buffer;
}

/** An article row as the engine holds it: its text parsed as a seed file is. */
export const articleOf = (r: ArticleRow): Article => ({
  ...parseArticle({ id: r.id, file: r.file, source: r.source, modifiedAt: r.modified_at }),
  ...(r.size === null ? {} : { size: Number(r.size) }),
});


/** The corpus row, and why it cannot serve these settings (undefined when it can). */
export async function readCorpus(client: pg.PoolClient, expected: Expectations): Promise<{ version: bigint; manifest: Manifest; mismatch?: string } | undefined> {
  const row = (await client.query<{ version: string; manifest: Manifest }>('SELECT version, manifest FROM corpus WHERE id = 1')).rows[0];
  if (!row) return undefined;
  const mismatch = describeMismatch(row.manifest, expected);
  return { version: BigInt(row.version), manifest: row.manifest, ...(mismatch ? { mismatch } : {}) };
}

/** Every article, sentence, chunk and text vector, as the docstore they make and the vector rows. */
export async function readWhole(client: pg.PoolClient): Promise<{ docstore: ReturnType<typeof unpackDocstore>; vectors: VectorRow[] }> {
  const articles = (await client.query<ArticleRow>('SELECT id, file, source, modified_at, size FROM articles ORDER BY position')).rows;
  const sentenceRows = (await client.query('SELECT article_id, start_offset, end_offset, paragraph, hash FROM sentences ORDER BY article_id, ordinal')).rows;
  const chunks = (await client.query('SELECT c.article_id, c.first_sentence, c.last_sentence, c.hash FROM chunks c JOIN articles a ON a.id = c.article_id ORDER BY a.position, c.ordinal')).rows;
  const vectors = (await client.query<VectorRow>('SELECT hash, scale, components FROM text_vectors')).rows;
  const sentences: SavedDocstore['sentences'] = {};
  for (const r of sentenceRows) (sentences[r.article_id] ??= []).push([r.start_offset, r.end_offset, r.paragraph, r.hash]);
  const docstore = unpackDocstore({ articles: articles.map(articleOf), sentences, chunks: chunks.map((r) => [r.article_id, r.first_sentence, r.last_sentence, r.hash]) });
  return { docstore, vectors };
}

/** The articles in order, by id and hash, and the full rows of those `current` lacks or holds in another version. */
export async function readChangedArticles(client: pg.PoolClient, current: IndexSnapshot): Promise<{ listed: { id: string; hash: string }[]; changed: Article[] }> {
  const listed = (await client.query<{ id: string; hash: string }>('SELECT id, hash FROM articles ORDER BY position')).rows;
  const ids = listed.filter((a) => current.articleById.get(a.id)?.hash !== a.hash).map((a) => a.id);
  const changed = (await client.query<ArticleRow>('SELECT id, file, source, modified_at, size FROM articles WHERE id = ANY($1)', [ids])).rows;
  return { listed, changed: changed.map(articleOf) };
}

/** The saved sentence and title vectors of those of `hashes` the database has. */
export async function readVectors(db: pg.Pool | pg.PoolClient, hashes: string[]): Promise<VectorRow[]> {
  if (!hashes.length) return [];
  return (await db.query<VectorRow>('SELECT hash, scale, components FROM text_vectors WHERE hash = ANY($1)', [hashes])).rows;
}

/** Sentence and title vectors as saved, into `table`; a real comes back as shortest decimal text, so it is rounded to 32 bits again. */
export function putVectors(table: VectorTable, rows: readonly VectorRow[], saved: Set<string>): void {
  for (const r of rows) {
    table.setRow(r.hash, Math.fround(Number(r.scale)), new Int8Array(r.components.buffer, r.components.byteOffset, r.components.byteLength));
    saved.add(r.hash);
  }
}
