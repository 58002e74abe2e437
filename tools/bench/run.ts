/**
 * Scale benchmark (issue 4): build, start-up, ask latency, reloads, summaries' ROUGE, and at the
 * largest size the seed QA set among distractors, a soak and the plain LangChain path.
 *
 *   npm run bench -- --corpus ../shared/datasets/bbc-news-summary.jsonl.gz [--sizes 1,100,1000,2225] [--out results.json]
 *
 * The corpus is written to temporary seeds folders (never into the project); each size runs in a
 * child process of its own. Progress goes to stderr; the markdown table to stdout.
 */
import { requireDatasets } from '../eval/datasets.js';
import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCorpus } from './corpus.js';
import type { LangChainResult, LangChainSpec } from './langchain.js';
import type { SizeResult, SizeSpec } from './measure.js';
import { codeVersion, log, runChild } from './process.js';
import { renderMarkdown, type BenchRun } from './report.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SEED_FILE = join(ROOT, 'seeds', '000_384e7f44ba0120d1.txt');
const SEED_QA = join(ROOT, 'tests', 'fixtures', 'seed-qa.json');

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: ${value}`);
  return n;
};

const program = new Command('bench')
  .description('Benchmark Footnote at several corpus sizes')
  .requiredOption('--corpus <path>', 'a folder of .txt/.md articles, or a .jsonl(.gz) of {id, topic, title, body, summary}')
  .option('--sizes <list>', 'comma-separated numbers of corpus articles', '1,100,1000,2225')
  .option('--questions <n>', 'questions for the ask latency', positive, 200)
  .option('--rouge-limit <n>', 'score summaries of at most n articles per size', positive, 300)
  .option('--soak <n>', 'asks in the soak at the largest size', positive, 10_000)
  .option('--skip-soak', 'no soak')
  .option('--skip-langchain', 'do not measure the plain LangChain path')
  .option('--out <file>', 'also write the results as JSON');

program.action(async (opts: { corpus: string; sizes: string; questions: number; rougeLimit: number; soak: number; skipSoak?: boolean; skipLangchain?: boolean; out?: string }) => {
  requireDatasets({ corpus: opts.corpus });
  const corpus = resolve(opts.corpus);
  const available = (await loadCorpus(corpus)).length;
  const sizes = [...new Set(opts.sizes.split(',').map((n) => Math.min(positive(n.trim()), available)))].sort((a, b) => a - b);
  if (!sizes.length) program.error('no sizes');
  const largest = sizes.at(-1)!;
  const soak = opts.skipSoak ? 0 : opts.soak;
  log(`${available} articles in ${corpus}; sizes ${sizes.join(', ')}`);

  const loadBefore = loadavg()[0]!;
  // Read before measuring: the code each child loads is the code at the start.
  const code = codeVersion();
  const results: SizeResult[] = [];
  for (const size of sizes) {
    const spec: Omit<SizeSpec, 'resultFile'> = {
      kind: 'size',
      corpus,
      size,
      questions: opts.questions,
      rougeLimit: opts.rougeLimit,
      soak: size === largest ? soak : 0,
      seedQa: SEED_QA,
      seedFile: SEED_FILE,
    };
    results.push(await runChild<SizeResult>(spec));
  }
  let langchain: LangChainResult | undefined;
  if (!opts.skipLangchain) {
    log(`the plain LangChain path at ${largest} articles`);
    const spec: Omit<LangChainSpec, 'resultFile'> = { kind: 'langchain', corpus, size: largest, questions: opts.questions, seedQa: SEED_QA, seedFile: SEED_FILE };
    langchain = await runChild<LangChainResult>(spec);
  }

  const run: BenchRun = {
    date: new Date().toISOString().slice(0, 10),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
    code,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      node: process.versions.node,
      memoryGiB: Math.round(totalmem() / 1024 ** 3),
      // Other work on the machine slows every number down: the load average says whether there was any.
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
    },
    settings: { questions: opts.questions, rougeLimit: opts.rougeLimit, soak },
    sizes: results,
    ...(langchain ? { langchain } : {}),
  };
  process.stdout.write(`${renderMarkdown(run)}\n`);
  if (opts.out) await writeFile(opts.out, `${JSON.stringify(run, null, 2)}\n`);
});

await program.parseAsync();
