/**
 * Chooses the articles of the news QA set and their split, once, with a fixed seed:
 *   node --import tsx tools/news-qa/select.ts --bbc ../shared/datasets/bbc-news-summary.jsonl.gz [--texts <dir>]
 * A hundred and twenty-two articles per topic, of ordinary length (1,000 to 4,000 characters of body),
 * split by article 103 / 3 / 3 / 13 into train / dev / test / test2 (the first fourteen of each topic
 * were the 8 / 3 / 3 of the first round of questions; twenty more train articles per topic came with
 * the second; the third added a second test split of 13 and 75 more train articles per topic). Each
 * round only appends to the seeded order, so earlier choices never move. Questions already written
 * are kept. `--texts` writes the article files for the people writing questions,
 * outside the repository (the BBC text is for research use only).
 */
import { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { articleFileText, bbcArticle, loadBbcRecords } from '../bench/corpus.js';
import { seededRandom, shuffled } from '../lib/random.js';
import { loadNewsQa, writeDataset, type NewsQaArticle, type NewsQaSet, type Split } from './dataset.js';

const SEED = 2026_11_27;
const SPLIT: [Split, number][] = [
  ['train', 8],
  ['dev', 3],
  ['test', 3],
  ['train', 20],
  ['test2', 13],
  ['train', 75],
];

const program = new Command('select')
  .requiredOption('--bbc <file>', 'bbc-news-summary.jsonl.gz')
  .option('--texts <dir>', 'write the chosen articles there as seed files');

program.action(async (opts: { bbc: string; texts?: string }) => {
  const records = await loadBbcRecords(opts.bbc);
  const random = seededRandom(SEED);
  const topics = [...new Set(records.map((r) => r.topic))].sort();
  const articles: NewsQaArticle[] = [];
  for (const topic of topics) {
    const pool = records.filter((r) => r.topic === topic && r.body.trim().length >= 1000 && r.body.trim().length <= 4000);
    const chosen = shuffled(pool, random).slice(0, SPLIT.reduce((n, [, count]) => n + count, 0));
    let i = 0;
    for (const [split, count] of SPLIT) {
      for (const record of chosen.slice(i, i + count)) articles.push({ id: record.id, file: bbcArticle(record).id, topic, split });
      i += count;
    }
  }
  const dataset: NewsQaSet = {
    about:
      'Questions about BBC News articles (bbc-news-summary.jsonl.gz), written for Footnote. Offsets are into the seed file text "title\\n\\nbody\\n" (tools/bench/corpus.ts articleFileText). Split by article with a fixed seed; test and test2 are never used to fit or choose anything.',
    seed: SEED,
    articles,
    questions: (await loadNewsQa()).questions,
  };
  await writeDataset(dataset);
  if (opts.texts) {
    await mkdir(opts.texts, { recursive: true });
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const article of articles) await writeFile(join(opts.texts, `${article.file}.txt`), articleFileText(bbcArticle(byId.get(article.id)!)));
  }
  for (const split of ['train', 'dev', 'test', 'test2'] as const) process.stdout.write(`${split}: ${articles.filter((a) => a.split === split).length} articles\n`);
});

await program.parseAsync();
