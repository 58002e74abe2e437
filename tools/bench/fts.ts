/**
 * Lexical retrieval for the shared store, chosen by measurement: our BM25 (computed in each process
 * from the chunk texts the database holds) against Postgres full-text search (a GIN-indexed
 * tsvector, ts_rank_cd, the question's words OR-ed), on the news QA dev split (where the choice is
 * made), the test split (reported, never chosen on) and the seed set. A hit is a passage among the
 * first k that holds the question's evidence.
 *
 *   node --import tsx tools/bench/fts.ts [--bbc <bbc-news-summary.jsonl.gz>]
 */
import { Command } from 'commander';
import { SyntheticEmbeddings } from '@langchain/core/utils/testing';
import pg from 'pg';
import { parseArticle } from '../../src/ingest/parse-article.js';
import { buildSnapshot, indexedText } from '../../src/index/snapshot.js';
import { defaultPaths, isEvidence, newsCorpus, seedCorpus, type EvalCorpus } from '../eval/datasets.js';
import { startPgServer } from '../pg-server.js';

const values = new Command('bench-fts').option('--bbc <file>', 'bbc-news-summary.jsonl.gz', defaultPaths.bbc).parse().opts<{ bbc: string }>();
const K = [1, 5, 10] as const;

/** Lexical only: no vector is computed. */
class NoVectors extends SyntheticEmbeddings {
  readonly id = 'none';
  readonly dimension = 8;
  constructor() {
    super({ vectorSize: 8 });
  }
}

const server = await startPgServer();
const client = new pg.Client({ connectionString: server.url });
await client.connect();

async function measure(corpus: EvalCorpus) {
  const articles = Object.entries(corpus.files!).map(([file, source]) => parseArticle({ id: file.replace(/\.(txt|md)$/, ''), file, source, modifiedAt: 0 }));
  const snapshot = await buildSnapshot({ articles, chunker: { size: 400, overlap: 150 }, embedder: new NoVectors() });
  await client.query('DROP TABLE IF EXISTS passages');
  await client.query("CREATE TABLE passages (doc int PRIMARY KEY, body text NOT NULL, tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED)");
  await client.query('CREATE INDEX ON passages USING gin (tsv)');
  const texts = snapshot.chunks.map((chunk) => indexedText(snapshot.articleById.get(chunk.articleId)!, chunk));
  await client.query('INSERT INTO passages SELECT * FROM unnest($1::int[], $2::text[])', [texts.map((_, i) => i), texts]);
  const answerable = corpus.questions.filter((q) => q.answers.length);
  const hits = { bm25: K.map(() => 0), fts: K.map(() => 0) };
  const ms = { bm25: 0, fts: 0 };
  const hitAt = (docs: number[], question: (typeof answerable)[number]) =>
    K.map((k) =>
      docs.slice(0, k).some((doc) => {
        const chunk = snapshot.chunks[doc]!;
        return isEvidence(question, { articleId: chunk.articleId, start: chunk.start, end: chunk.end, text: chunk.text });
      }),
    );
  for (const question of answerable) {
    let started = performance.now();
    const bm25 = snapshot.bm25.search(question.question, 10).map((s) => s.doc);
    ms.bm25 += performance.now() - started;
    started = performance.now();
    const fts = (
      await client.query<{ doc: number }>(
        `SELECT doc FROM passages, (SELECT replace(plainto_tsquery('english', $1)::text, '&', '|')::tsquery AS q) AS query
         WHERE q::text <> '' AND tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC, doc LIMIT 10`,
        [question.question],
      )
    ).rows.map((r) => r.doc);
    ms.fts += performance.now() - started;
    hitAt(bm25, question).forEach((hit, i) => (hits.bm25[i]! += hit ? 1 : 0));
    hitAt(fts, question).forEach((hit, i) => (hits.fts[i]! += hit ? 1 : 0));
  }
  const share = (n: number) => (n / answerable.length).toFixed(3);
  return {
    name: corpus.name,
    questions: answerable.length,
    passages: snapshot.chunks.length,
    rows: (['bm25', 'fts'] as const).map((engine) => ({ engine, hits: hits[engine].map(share), msPerQuery: +(ms[engine] / answerable.length).toFixed(2) })),
  };
}

const results = [await measure(await newsCorpus(values.bbc, 'dev')), await measure(await newsCorpus(values.bbc, 'test')), await measure(await seedCorpus(defaultPaths.seedQa, defaultPaths.seedFile))];
await client.end();
await server.close();
const lines = [
  `Lexical retrieval, ${new Date().toISOString().slice(0, 10)}: a passage holding the evidence among the first k (answerable questions).`,
  '',
  '| set | passages | retrieval | hit@1 | hit@5 | hit@10 | ms per query |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ...results.flatMap((r) => r.rows.map((row) => `| ${r.name} (${r.questions} q) | ${r.passages} | ${row.engine === 'bm25' ? 'BM25 (ours, in memory)' : 'Postgres full-text search'} | ${row.hits.join(' | ')} | ${row.msPerQuery} |`)),
];
process.stdout.write(`${lines.join('\n')}\n${JSON.stringify(results)}\n`);
process.exit(0);
