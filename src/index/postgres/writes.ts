import type pg from 'pg';
import { composedVector, type IndexSnapshot, type Manifest } from '../snapshot.js';
import { describeMismatch } from '../store.js';
import { CHANNEL } from './connection.js';

/** Text vectors known to be in the database (by text hash, never deleted but all at once): a save sends only the new ones. */
export interface SavedVectors {
  vectors: Set<string>;
}

const vectorLiteral = (vector: ArrayLike<number>) => `[${Array.from(vector, (x) => +x.toPrecision(7)).join(',')}]`;

/** Inserts text vector rows given as `textVectorColumns` ($1 hashes, $2 scales, $3 components); a row already there stays. */
export const INSERT_TEXT_VECTORS = 'INSERT INTO text_vectors SELECT * FROM unnest($1::text[], $2::real[], $3::bytea[]) ON CONFLICT (hash) DO NOTHING';

/** Vector table rows (`VectorTable.entries`) as the parameters of INSERT_TEXT_VECTORS. */
export function textVectorColumns(rows: readonly [string, number, Int8Array][]): [string[], number[], Buffer[]] {
  return [rows.map(([hash]) => hash), rows.map(([, scale]) => scale), rows.map(([, , bytes]) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))];
}

/**
 * Writes what changed since the database's state, in the caller's transaction, bumps the corpus
 * version and NOTIFYs. Returns what it wrote: the caller remembers it once the transaction commits.
 */
export async function writeChanges(client: pg.PoolClient, snapshot: IndexSnapshot, saved: SavedVectors): Promise<{ version: bigint; vectors: string[] }> {
  const previous = (await client.query<{ manifest: Manifest }>('SELECT manifest FROM corpus WHERE id = 1')).rows[0]?.manifest;
  if (previous && describeMismatch(previous, { embedder: snapshot.manifest.embedder, chunker: snapshot.manifest.chunker })) {
    // Other chunk settings or another embedder: nothing stored can be reused, so everything is written anew.
    await client.query('DELETE FROM articles');
    await client.query('DELETE FROM text_vectors');
    saved.vectors.clear();
  }
  const storedRows = (await client.query<{ id: string; hash: string }>('SELECT id, hash FROM articles ORDER BY position')).rows;
  const stored = new Map(storedRows.map((r) => [r.id, r.hash]));
  const wanted = new Map(snapshot.articles.map((a) => [a.id, a]));
  const stale = [...stored].filter(([id, hash]) => wanted.get(id)?.hash !== hash).map(([id]) => id);
  // Their chunks and the chunks' vectors go with them (ON DELETE CASCADE).
  if (stale.length) await client.query('DELETE FROM articles WHERE id = ANY($1)', [stale]);
  const fresh = snapshot.articles.filter((a) => stored.get(a.id) !== a.hash);
  if (fresh.length) {
    await client.query(
      `INSERT INTO articles (id, position, file, title, author, publication, hash, source, modified_at, size)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::bigint[])`,
      [
        fresh.map((a) => a.id),
        fresh.map(() => 0),
        fresh.map((a) => a.file),
        fresh.map((a) => a.title),
        fresh.map((a) => a.author ?? null),
        fresh.map((a) => a.publication ?? null),
        fresh.map((a) => a.hash),
        fresh.map((a) => a.source),
        fresh.map((a) => a.modifiedAt),
        fresh.map((a) => a.size ?? null),
      ],
    );
    const freshIds = new Set(fresh.map((a) => a.id));
    const s = { article: [] as string[], ordinal: [] as number[], start: [] as number[], end: [] as number[], paragraph: [] as number[], hash: [] as string[] };
    const position = new Map<string, Map<number, number>>();
    for (const id of freshIds) {
      const list = snapshot.sentencesByArticle.get(id) ?? [];
      position.set(id, new Map(list.map((sentence, i) => [sentence.start, i])));
      list.forEach((sentence, i) => {
        s.article.push(id);
        s.ordinal.push(i);
        s.start.push(sentence.start);
        s.end.push(sentence.end);
        s.paragraph.push(sentence.paragraph);
        s.hash.push(sentence.hash);
      });
    }
    await client.query('INSERT INTO sentences SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::text[])', [s.article, s.ordinal, s.start, s.end, s.paragraph, s.hash]);
    const ordinals = new Map<string, number>();
    const chunks = snapshot.chunks.filter((c) => freshIds.has(c.articleId));
    await client.query(
      'INSERT INTO chunks SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[])',
      [
        chunks.map((c) => c.id),
        chunks.map((c) => c.articleId),
        chunks.map((c) => {
          const n = ordinals.get(c.articleId) ?? 0;
          ordinals.set(c.articleId, n + 1);
          return n;
        }),
        chunks.map((c) => position.get(c.articleId)!.get(c.sentences[0]!.start)!),
        chunks.map((c) => position.get(c.articleId)!.get(c.sentences.at(-1)!.start)!),
        chunks.map((c) => c.start),
        chunks.map((c) => c.end),
        chunks.map((c) => c.hash),
      ],
    );
  }
  // Positions are rewritten only when the articles or their order changed: a save that heals a few rows touches no article.
  const sameOrder = !stale.length && !fresh.length && storedRows.length === snapshot.articles.length && storedRows.every((r, i) => r.id === snapshot.articles[i]!.id);
  if (!sameOrder) {
    await client.query('UPDATE articles SET position = t.position FROM unnest($1::text[], $2::int[]) AS t(id, position) WHERE articles.id = t.id', [
      snapshot.articles.map((a) => a.id),
      snapshot.articles.map((_, i) => i),
    ]);
  }

  const newVectors = [...snapshot.vectors.entries()].filter(([hash]) => !saved.vectors.has(hash));
  if (newVectors.length) await client.query(INSERT_TEXT_VECTORS, textVectorColumns(newVectors));
  // Texts only removed or changed articles had are no work for anyone any more (what this snapshot still needs is exactly its pending texts).
  if (stale.length) {
    await client.query('DELETE FROM unembedded_texts u WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS p(hash) WHERE p.hash = u.hash)', [[...snapshot.textsToEmbed.keys()]]);
  }
  // Every chunk the database holds without a passage vector gets one, if this snapshot has that
  // chunk's text and its vectors: asked of the database in this transaction, not of what this
  // process remembers (another writer's delete-and-reinsert drops rows by cascade; chunk ids are
  // positions, so the chunk's hash must match too).
  const lacking = (await client.query<{ id: string; hash: string }>('SELECT c.id, c.hash FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.chunk_id = c.id)')).rows;
  const composed = lacking
    .map((row) => snapshot.chunkById.get(row.id))
    .filter((c, i) => c && c.hash === lacking[i]!.hash && !snapshot.chunksWithoutVectors.has(c.id))
    .map((c) => [c!.id, composedVector(snapshot, c!)] as const)
    .filter((entry): entry is readonly [string, number[]] => Boolean(entry[1]));
  if (composed.length) {
    await client.query('INSERT INTO chunk_vectors SELECT id, embedding::vector FROM unnest($1::text[], $2::text[]) AS t(id, embedding) ON CONFLICT (chunk_id) DO NOTHING', [
      composed.map(([id]) => id),
      composed.map(([, vector]) => vectorLiteral(vector)),
    ]);
  }
  // Nothing to write (a save to heal what another writer's delete took away, and nothing was lost): no new version for the others to load.
  const current = (await client.query<{ version: string }>('SELECT version FROM corpus WHERE id = 1')).rows[0]?.version;
  if (current && !stale.length && !fresh.length && !newVectors.length && !composed.length) return { version: BigInt(current), vectors: [] };
  const version = (
    await client.query<{ version: string }>(
      `INSERT INTO corpus (id, version, manifest) VALUES (1, 1, $1)
       ON CONFLICT (id) DO UPDATE SET version = corpus.version + 1, manifest = EXCLUDED.manifest, saved_at = now()
       RETURNING version`,
      [snapshot.manifest],
    )
  ).rows[0]!.version;
  await client.query(`SELECT pg_notify('${CHANNEL}', $1)`, [version]);
  return { version: BigInt(version), vectors: newVectors.map(([hash]) => hash) };
}
