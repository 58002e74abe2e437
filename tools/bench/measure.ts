import { execFile } from 'node:child_process';
import { appendFile, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { l as rougeL, n as rougeN } from 'js-rouge';
import { engineOptions } from '../../src/app.js';
import { summarizeArticle } from '../../src/answer/summarize.js';
import type { Engine } from '../../src/engine/engine.js';
import { isEvidence, seedCorpus, type EvalQuestion } from '../eval/datasets.js';
import { containsAnswer, mean, percentile } from '../eval/metrics.js';
import { articleSentences, chunkArticle } from '../../src/ingest/chunk.js';
import { readSeeds } from '../../src/ingest/read-seeds.js';
import { Bm25Index } from '../../src/index/bm25.js';
import { loadSnapshot, saveSnapshot } from '../../src/index/persist.js';
import { indexedText } from '../../src/index/snapshot.js';
import type { Answer } from '../../src/types.js';
import { repairSummary, sentenceCount, syntheticArticle, titleQuestions, writeArticles, writeBenchSeeds, type BenchArticle } from './corpus.js';
import { folderBytes, log, peakRssMiB, rssMiB, runChild } from './process.js';
import { benchEnv, makeBenchEngine } from './setup.js';
import type { SoakResult, SoakSpec } from './soak.js';
import type { StartupResult, StartupSpec } from './startup.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');

export interface SizeSpec {
  kind: 'size';
  corpus: string;
  size: number;
  questions: number;
  rougeLimit: number;
  /** Asks in the soak; 0 skips it. */
  soak: number;
  seedQa: string;
  seedFile: string;
  resultFile: string;
}

export interface Rouge {
  r1: number;
  r2: number;
  rl: number;
}

export interface SeedQaResult {
  answerable: number;
  /** Answered, citation [1] quotes the evidence, the answer holds a gold answer (as tools/eval). */
  correct: number;
  hitAt1: number;
  hitAt3: number;
  unanswerableRefused: number;
}

export interface SizeResult {
  size: number;
  articles: number;
  chunks: number;
  embedWorkers: number | undefined;
  build: {
    /** From a cold start on an empty data folder until every article is answerable by its words (a serving start). */
    answerableMs: number;
    /** … until the seed questions are answered as well as they are at the end (sampled every 10 s). */
    seedRightMs: number;
    /** … until every vector is in. */
    ms: number;
    /** RSS samples while the vectors are embedded, MiB. */
    rssTrace: number[];
    chunksPerSecond: number;
    embedMs: number;
    embeddedTexts: number;
    embeddedChars: number;
    /** Parts of a build timed apart afterwards, on the saved index (one run each). */
    parts: { readSeedsMs: number; chunkMs: number; bm25Ms: number; saveMs: number; loadMs: number };
  };
  peakRssBuildMiB: number;
  peakRssMiB: number;
  indexBytes: number;
  startup: StartupResult & {
    /** `footnote sources --json` in a new process on the saved index, spawn to exit: median of 3. */
    cliSourcesMs: number;
  };
  ask: {
    questions: number;
    p50: number;
    p95: number;
    p99: number;
    mean: number;
    max: number;
    /** The engine's own split of each ask: embedding the question, then retrieving and answering. */
    embedQuestion: { p50: number; p95: number };
    retrieveAndAnswer: { p50: number; p95: number };
    titleArticleAt1: number;
  };
  /** Each reload: answerable again after `…Ms`, every vector in after `…VectorsMs`. */
  reload: { unchangedMs: number; changedMs: number; changedVectorsMs: number; addedMs: number; addedVectorsMs: number; changedEmbedded: number; addedEmbedded: number };
  rouge?: { articles: number; capped: boolean; engine: Rouge; lead: Rouge };
  seedQa: { withDistractors: SeedQaResult; seedOnly: SeedQaResult };
  soak?: SoakResult;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Passages shown to the user, in order: the citations of an answer, else the best match or closest passages (as in tools/eval). */
const shown = (answer: Answer) => (answer.outcome === 'answer' ? answer.citations : answer.closest);
const quotes = (question: EvalQuestion, c: Answer['citations'][number] | undefined) => isEvidence(question, c && { ...c, text: c.quote });

export function seedQaScore(outcomes: { question: EvalQuestion; answer: Answer }[]): SeedQaResult {
  const answerable = outcomes.filter((o) => o.question.answers.length);
  const unanswerable = outcomes.filter((o) => !o.question.answers.length);
  const hit = (k: number) => mean(answerable.map((o) => (shown(o.answer).slice(0, k).some((c) => quotes(o.question, c)) ? 1 : 0)));
  const correct = mean(answerable.map((o) => (o.answer.outcome === 'answer' && quotes(o.question, o.answer.citations[0]) && containsAnswer(o.answer.answer, o.question.answers) ? 1 : 0)));
  return { answerable: answerable.length, correct, hitAt1: hit(1), hitAt3: hit(3), unanswerableRefused: mean(unanswerable.map((o) => (o.answer.refused ? 1 : 0))) };
}

async function askAll(engine: Engine, questions: EvalQuestion[]) {
  const outcomes = [];
  for (const question of questions) outcomes.push({ question, answer: await engine.ask(question.question) });
  return outcomes;
}

function rougeOf(candidate: string, reference: string): Rouge {
  const options = { caseSensitive: false };
  return { r1: rougeN(candidate, reference, { ...options, n: 1 }), r2: rougeN(candidate, reference, { ...options, n: 2 }), rl: rougeL(candidate, reference, options) };
}

const meanRouge = (scores: Rouge[]): Rouge => ({
  r1: round(100 * mean(scores.map((s) => s.r1)), 2),
  r2: round(100 * mean(scores.map((s) => s.r2)), 2),
  rl: round(100 * mean(scores.map((s) => s.rl)), 2),
});

/** One corpus size, measured in this process from a cold start. */
export async function measureSize(spec: SizeSpec): Promise<SizeResult> {
  const label = `size ${spec.size}`;
  const root = await mkdtemp(join(tmpdir(), 'footnote-bench-'));
  try {
    const seedsDir = join(root, 'seeds');
    const dataDir = join(root, 'data');
    const { corpus, selected } = await writeBenchSeeds(seedsDir, spec);
    log(`${label}: ${selected.length} corpus articles + the seed story in ${seedsDir}`);

    // First build, from a cold process, as the bot does it: answerable by words, then vectors in the background.
    const { config, engine, timed } = await makeBenchEngine(seedsDir, dataDir, label, { serving: true });
    const seedQuestions = (await seedCorpus(spec.seedQa, spec.seedFile)).questions;
    const buildStarted = performance.now();
    const built = await engine.start();
    const answerableMs = performance.now() - buildStarted;
    log(`${label}: answerable after ${round(answerableMs / 1000)} s; ${built.toEmbed} texts to embed`);
    // While the vectors land: RSS, and how many seed questions are answered right, every 10 s.
    const samples: { ms: number; correct: number; rss: number }[] = [];
    let vectorsIn = false;
    const ready = engine.vectorsReady().then(() => (vectorsIn = true));
    while (!vectorsIn) {
      samples.push({ ms: performance.now() - buildStarted, correct: seedQaScore(await askAll(engine, seedQuestions)).correct, rss: rssMiB() });
      await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    const buildMs = performance.now() - buildStarted;
    const peakRssBuildMiB = peakRssMiB();
    const finalCorrect = seedQaScore(await askAll(engine, seedQuestions)).correct;
    const seedRightMs = samples.find((s) => s.correct >= finalCorrect)?.ms ?? buildMs;
    const buildEmbedding = { ms: timed.documentMs, texts: timed.texts, chars: timed.chars };
    const indexBytes = await folderBytes(dataDir);
    log(`${label}: every vector of ${built.chunks} chunks in ${round(buildMs / 1000)} s (embedding ${round(timed.documentMs / 1000)} s), peak RSS ${peakRssBuildMiB} MiB`);

    // Ask latency: the seed QA set, then questions made from headlines, after a short warm-up.
    const fromTitles = titleQuestions(selected, Math.max(0, spec.questions - seedQuestions.length));
    const questions = [...seedQuestions.map((q) => q.question), ...fromTitles.map((q) => q.question)].slice(0, spec.questions);
    for (const question of questions.slice(0, 5)) await engine.ask(question);
    const latencies: number[] = [];
    const answers: Answer[] = [];
    for (const question of questions) {
      const started = performance.now();
      answers.push(await engine.ask(question));
      latencies.push(performance.now() - started);
    }
    const askEmbedMs = answers.map((a) => a.timings.embedMs ?? 0);
    const askAnswerMs = answers.map((a) => a.timings.answerMs ?? 0);
    const seedOutcomes = seedQuestions.map((question, i) => ({ question, answer: answers[i]! }));
    const titleAt1 = mean(fromTitles.map((q, i) => (shown(answers[seedQuestions.length + i]!)[0]?.articleId === q.articleId ? 1 : 0)));
    log(`${label}: ${questions.length} asks, p95 ${round(percentile(latencies, 95))} ms`);

    // Reloads: nothing changed, one article changed, one added.
    const unchanged = await engine.reload();
    // The article changed is the seed story, so that every corpus article keeps its text for ROUGE.
    await appendFile(join(seedsDir, 'seed.txt'), '\nA spokesperson declined to comment further on the matter when contacted on Friday.\n');
    let embeddedBefore = timed.texts;
    let reloadStarted = performance.now();
    const changed = await engine.reload();
    await engine.vectorsReady();
    const changedVectorsMs = performance.now() - reloadStarted;
    const changedEmbedded = timed.texts - embeddedBefore;
    if (changed.changed.length !== 1) throw new Error(`expected one changed article, the reload reported ${JSON.stringify(changed)}`);
    const extra: BenchArticle = corpus[spec.size] ?? syntheticArticle(spec.size);
    await writeArticles(seedsDir, [extra]);
    embeddedBefore = timed.texts;
    reloadStarted = performance.now();
    const added = await engine.reload();
    await engine.vectorsReady();
    const addedVectorsMs = performance.now() - reloadStarted;
    const addedEmbedded = timed.texts - embeddedBefore;
    if (added.added.length !== 1) throw new Error(`expected one added article, the reload reported ${JSON.stringify(added)}`);
    log(`${label}: reloads ${round(unchanged.ms)} / ${round(changed.ms)} / ${round(added.ms)} ms (unchanged / changed / added)`);
    // Before the benchmark loads a second copy of the index for ROUGE below.
    const peakBeforeSoak = peakRssMiB();

    // Seed-only hit@1, from an engine holding nothing but the seed story (same embedder).
    const seedOnlyDir = join(root, 'seed-only');
    await mkdir(seedOnlyDir);
    await copyFile(spec.seedFile, join(seedOnlyDir, 'seed.txt'));
    const seedOnly = await makeBenchEngine(seedOnlyDir, join(root, 'seed-only-data'), `${label} seed only`, { inner: timed.inner });
    await seedOnly.engine.start();
    const seedQa = { withDistractors: seedQaScore(seedOutcomes), seedOnly: seedQaScore(await askAll(seedOnly.engine, seedQuestions)) };
    await seedOnly.engine.close();

    // Summaries against the reference summaries, beside Lead-N, and the parts of a build timed apart.
    const loadStarted = performance.now();
    const loaded = await loadSnapshot(dataDir, { embedder: timed, chunker: engineOptions(config).chunker }, timed);
    const loadMs = performance.now() - loadStarted;
    if (loaded.status !== 'loaded') throw new Error(`the saved index did not load: ${loaded.reason}`);
    const snapshot = loaded.snapshot;
    const scratch = join(root, 'scratch');
    const saveStarted = performance.now();
    await saveSnapshot(scratch, snapshot);
    const saveMs = performance.now() - saveStarted;
    await rm(scratch, { recursive: true, force: true });
    const readStarted = performance.now();
    const read = await readSeeds(seedsDir, { maxFileBytes: config.MAX_FILE_BYTES });
    const readSeedsMs = performance.now() - readStarted;
    const chunkStarted = performance.now();
    const chunked = read.articles.map((article) => ({ article, chunks: chunkArticle(article, engineOptions(config).chunker) }));
    const chunkMs = performance.now() - chunkStarted;
    const bm25Started = performance.now();
    Bm25Index.build(chunked.flatMap(({ article, chunks }) => chunks.map((chunk) => indexedText(article, chunk))));
    const bm25Ms = performance.now() - bm25Started;

    let rouge: SizeResult['rouge'];
    const withSummary = selected.filter((article) => article.summary?.trim());
    if (withSummary.length) {
      const scored = withSummary.slice(0, spec.rougeLimit);
      const engineScores: Rouge[] = [];
      const leadScores: Rouge[] = [];
      for (const item of scored) {
        const article = snapshot.articleById.get(item.id);
        if (!article) continue;
        const reference = repairSummary(item.summary!);
        const count = Math.max(1, sentenceCount(reference));
        // What engine.summarize runs, with the reference's sentence count instead of 3/5/8.
        const summary = summarizeArticle(article, snapshot.bm25, { sentences: count }).map((c) => c.quote).join(' ');
        const lead = articleSentences(article)
          .slice(0, count)
          .map((s) => article.source.slice(s.start, s.end))
          .join(' ');
        engineScores.push(rougeOf(summary.replace(/\s+/g, ' '), reference));
        leadScores.push(rougeOf(lead.replace(/\s+/g, ' '), reference));
      }
      rouge = { articles: engineScores.length, capped: withSummary.length > scored.length, engine: meanRouge(engineScores), lead: meanRouge(leadScores) };
      log(`${label}: ROUGE-2 summary ${rouge.engine.r2} vs Lead-N ${rouge.lead.r2} over ${rouge.articles} articles`);
    }

    const indexed = engine.sources().length;
    await engine.close();
    // Start-up with the saved index, in a new process (this one has let go of the data folder).
    const startup = await runChild<StartupResult>({ kind: 'startup', seedsDir, dataDir, question: seedQuestions[0]!.question } satisfies Omit<StartupSpec, 'resultFile'>);
    const cliRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'sources', '--json'], {
        env: { ...benchEnv(), SEEDS_DIR: seedsDir, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        maxBuffer: 64 * 1024 * 1024,
      });
      cliRuns.push(performance.now() - started);
      const listed = (JSON.parse(stdout) as unknown[]).length;
      if (listed !== indexed) throw new Error(`footnote sources listed ${listed} articles, expected ${indexed}`);
    }
    const cliSourcesMs = round(percentile(cliRuns, 50));
    log(`${label}: start-up with the saved index: ready after ${round(startup.processReadyMs)} ms (engine.start ${round(startup.engineStartMs)} ms); footnote sources ${cliSourcesMs} ms`);

    let soak: SoakResult | undefined;
    if (spec.soak > 0) {
      log(`${label}: soak of ${spec.soak} asks in a new process on the saved index`);
      soak = await runChild<SoakResult>({ kind: 'soak', seedsDir, dataDir, questions, asks: spec.soak, label } satisfies Omit<SoakSpec, 'resultFile'>);
      log(`${label}: soak RSS ${soak.trace.join(' → ')} MiB`);
    }

    return {
      size: selected.length,
      articles: built.added.length,
      chunks: built.chunks,
      embedWorkers: (config as Record<string, unknown>)['EMBED_WORKERS'] as number | undefined,
      build: {
        answerableMs: round(answerableMs),
        seedRightMs: round(seedRightMs),
        ms: round(buildMs),
        rssTrace: samples.map((s) => s.rss),
        chunksPerSecond: round(built.chunks / (buildMs / 1000)),
        embedMs: round(buildEmbedding.ms),
        embeddedTexts: buildEmbedding.texts,
        embeddedChars: buildEmbedding.chars,
        parts: { readSeedsMs: round(readSeedsMs), chunkMs: round(chunkMs), bm25Ms: round(bm25Ms), saveMs: round(saveMs), loadMs: round(loadMs) },
      },
      peakRssBuildMiB,
      peakRssMiB: peakBeforeSoak,
      indexBytes,
      startup: { ...startup, cliSourcesMs },
      ask: {
        questions: latencies.length,
        p50: round(percentile(latencies, 50), 2),
        p95: round(percentile(latencies, 95), 2),
        p99: round(percentile(latencies, 99), 2),
        mean: round(mean(latencies), 2),
        max: round(Math.max(...latencies), 2),
        embedQuestion: { p50: round(percentile(askEmbedMs, 50), 2), p95: round(percentile(askEmbedMs, 95), 2) },
        retrieveAndAnswer: { p50: round(percentile(askAnswerMs, 50), 2), p95: round(percentile(askAnswerMs, 95), 2) },
        titleArticleAt1: round(titleAt1, 3),
      },
      reload: {
        unchangedMs: round(unchanged.ms),
        changedMs: round(changed.ms),
        changedVectorsMs: round(changedVectorsMs),
        addedMs: round(added.ms),
        addedVectorsMs: round(addedVectorsMs),
        changedEmbedded,
        addedEmbedded,
      },
      ...(rouge ? { rouge } : {}),
      seedQa,
      ...(soak ? { soak } : {}),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

