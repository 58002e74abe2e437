import 'dotenv/config';
import { Command, Option } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineOptions, createEmbeddings } from '../../src/app.js';
import type { AnswerSettings } from '../../src/answer/answer.js';
import { answerProbability, trainRefusalModel, type Signals } from '../../src/answer/refusal.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine.js';
import { CachedEmbeddings, type FootnoteEmbeddings } from '../../src/index/embeddings.js';
import { createLogger } from '../../src/logger.js';
import { Fusions, RetrievalModes, type Fusion, type RetrievalMode } from '../../src/retrieve/hybrid.js';
import type { Answer } from '../../src/types.js';
import { loadQaSet, loadSquad, withOffTopicQuestions, type EvalCorpus, type EvalQuestion } from './datasets.js';
import { containsAnswer, exactMatch, f1, mean, normalizeAnswer, percentile } from './metrics.js';

interface Outcome {
  question: EvalQuestion;
  answer: Answer;
}

interface Variant {
  name: string;
  settings: AnswerSettings;
}

/** Passages shown to the user, in order: the citations, or on a refusal the closest passages. */
const shown = (answer: Answer) => (answer.refused ? answer.closest : answer.citations).map((c) => c.quote);

function summarize(outcomes: Outcome[]) {
  const answerable = outcomes.filter((o) => o.question.answers.length);
  const unanswerable = outcomes.filter((o) => !o.question.answers.length && !o.question.offTopic);
  const offTopic = outcomes.filter((o) => o.question.offTopic);
  const hit = (k: number) => mean(answerable.map((o) => (shown(o.answer).slice(0, k).some((q) => containsAnswer(q, o.question.answers)) ? 1 : 0)));
  const answered = (o: Outcome) => (o.answer.refused ? '' : o.answer.answer);
  const latencies = outcomes.map((o) => o.answer.timings.totalMs);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    hitAt1: hit(1),
    hitAt3: hit(3),
    exactMatch: 100 * mean(answerable.map((o) => exactMatch(answered(o), o.question.answers))),
    f1: 100 * mean(answerable.map((o) => f1(answered(o), o.question.answers))),
    // "Right": the answer given contains a gold answer (a short answer may add a word or two).
    answerRight: mean(answerable.map((o) => (!o.answer.refused && containsAnswer(o.answer.answer, o.question.answers) && normalizeAnswer(o.answer.answer).split(' ').length <= 3 + Math.min(...o.question.answers.map((a) => normalizeAnswer(a).split(' ').length)) ? 1 : 0))),
    unanswerableRefused: mean(unanswerable.map((o) => (o.answer.refused ? 1 : 0))),
    offTopic: offTopic.length,
    offTopicRefused: mean(offTopic.map((o) => (o.answer.refused ? 1 : 0))),
    answerableRefused: mean(answerable.map((o) => (o.answer.refused ? 1 : 0))),
    latencyP50: percentile(latencies, 50),
    latencyP95: percentile(latencies, 95),
  };
}

/** For each threshold: what share of unanswerable questions would be refused, and of answerable ones. */
function sweep(outcomes: Outcome[], confidence = (o: Outcome) => o.answer.confidence) {
  const rows = [];
  for (let t = 0; t <= 1.0001; t += 0.025) {
    const refused = (o: Outcome) => confidence(o) < t;
    const ans = outcomes.filter((o) => o.question.answers.length);
    const unans = outcomes.filter((o) => !o.question.answers.length);
    const errors = unans.filter((o) => !refused(o)).length + ans.filter(refused).length;
    rows.push({ threshold: Number(t.toFixed(3)), unanswerableRefused: mean(unans.map((o) => (refused(o) ? 1 : 0))), answerableRefused: mean(ans.map((o) => (refused(o) ? 1 : 0))), errors });
  }
  return rows;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ratio = (x: number) => x.toFixed(3);

function table(rows: { name: string; result: ReturnType<typeof summarize> }[]): string {
  const lines = [
    '| run | questions | hit@1 | hit@3 | EM | F1 | short answer right | unanswerable refused | off-topic refused | answerable wrongly refused | p50 ms | p95 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { name, result: r } of rows) {
    lines.push(
      `| ${name} | ${r.answerable} + ${r.unanswerable}${r.offTopic ? ` + ${r.offTopic}` : ""} | ${ratio(r.hitAt1)} | ${ratio(r.hitAt3)} | ${r.exactMatch.toFixed(1)} | ${r.f1.toFixed(1)} | ${pct(r.answerRight)} | ${pct(r.unanswerableRefused)} | ${r.offTopic ? pct(r.offTopicRefused) : '–'} | ${pct(r.answerableRefused)} | ${r.latencyP50.toFixed(1)} | ${r.latencyP95.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

const program = new Command('eval')
  .description('Evaluate answers and citations on SQuAD 2.0 or a QA set of our own')
  .option('--squad <file>', 'SQuAD JSON file (.json or .json.gz)')
  .option('--qa <file>', 'our QA set (JSON), asked of the configured seeds folder')
  .option('--limit <n>', 'at most this many questions in all', Number)
  .option('--off-topic <n>', 'also ask each SQuAD article n questions written for another article', Number, 0)
  .option('--articles <range>', 'SQuAD articles to use, as from:to (0-based, end excluded)', '0:')
  .addOption(new Option('--retrieval <modes>', 'comma-separated retrieval modes to compare').default('hybrid'))
  .addOption(new Option('--fusion <fusions>', 'comma-separated fusions to compare for hybrid').default('linear'))
  .option('--dense-weight <w>', 'dense weight in linear fusion', Number)
  .option('--min-confidence <c>', 'refusal threshold', Number)
  .option('--sweep', 'also print refusal rates for a range of thresholds (first variant)')
  .option('--train-refusal <file>', 'fit the refusal model on these questions and write it to <file>')
  .option('--show-misses <n>', 'print up to n wrong answers of the first variant', Number, 0)
  .option('--out <file>', 'also write the results as JSON');

program.action(async (opts) => {
  if (!opts.squad && !opts.qa) program.error('give --squad <file> or --qa <file>');
  const config = loadConfig(process.env);
  const logger = createLogger('warn');
  const base = engineOptions(config);
  const answer: AnswerSettings = {
    ...base.answer,
    ...(opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {}),
    retrieval: { ...base.answer.retrieval, ...(opts.denseWeight !== undefined ? { denseWeight: opts.denseWeight } : {}) },
  };
  const variants: Variant[] = [];
  for (const mode of String(opts.retrieval).split(',') as RetrievalMode[]) {
    if (!RetrievalModes.includes(mode)) program.error(`unknown retrieval mode ${mode}`);
    const fusions = mode === 'hybrid' ? (String(opts.fusion).split(',') as Fusion[]) : (['linear'] as Fusion[]);
    for (const fusion of fusions) {
      if (!Fusions.includes(fusion)) program.error(`unknown fusion ${fusion}`);
      variants.push({ name: mode === 'hybrid' ? `hybrid (${fusion})` : mode, settings: { ...answer, retrieval: { ...answer.retrieval, mode, fusion } } });
    }
  }

  let corpora: EvalCorpus[] = opts.squad ? await loadSquad(opts.squad) : await loadQaSet(opts.qa);
  const [from, to] = String(opts.articles).split(':').map((n) => (n === '' ? undefined : Number(n)));
  corpora = withOffTopicQuestions(corpora.slice(from ?? 0, to), opts.offTopic);
  const inner: FootnoteEmbeddings = await createEmbeddings(config);
  const outcomes = new Map(variants.map((v) => [v.name, [] as Outcome[]]));
  const sweepOutcomes: Outcome[] = [];
  let budget = opts.limit ?? Infinity;
  const started = performance.now();

  for (const corpus of corpora) {
    if (budget <= 0) break;
    const questions = corpus.questions.slice(0, budget);
    budget -= questions.length;
    const seedsDir = corpus.files ? await mkdtemp(join(tmpdir(), 'footnote-eval-')) : config.SEEDS_DIR;
    for (const [file, text] of Object.entries(corpus.files ?? {})) await writeFile(join(seedsDir, file), text);
    const engine = new Engine({ options: { ...base, seedsDir, dataDir: undefined }, embeddings: new CachedEmbeddings(inner), logger });
    await engine.start();
    for (const question of questions) {
      for (const variant of variants) {
        outcomes.get(variant.name)!.push({ question, answer: await engine.ask(question.question, variant.settings) });
      }
      if (opts.sweep || opts.trainRefusal) sweepOutcomes.push({ question, answer: await engine.ask(question.question, { ...variants[0]!.settings, minConfidence: 0 }) });
    }
    if (corpus.files) await rm(seedsDir, { recursive: true, force: true });
    process.stderr.write(`${corpus.name}: ${questions.length} questions (${Math.round((performance.now() - started) / 1000)} s)\n`);
  }

  const rows = variants.map((v) => ({ name: v.name, result: summarize(outcomes.get(v.name)!) }));
  const date = new Date().toISOString().slice(0, 10);
  process.stdout.write(`\n${opts.squad ? 'SQuAD 2.0 dev' : opts.qa} — ${date}, chunk ${base.chunker.size}/${base.chunker.overlap}, dense weight ${answer.retrieval.denseWeight}, min confidence ${answer.minConfidence}\n\n${table(rows)}\n`);
  const printSweep = (rows: ReturnType<typeof sweep>) => {
    process.stdout.write('\n| threshold | unanswerable refused | answerable refused | errors |\n|---|---|---|---|\n');
    for (const row of rows) process.stdout.write(`| ${row.threshold} | ${pct(row.unanswerableRefused)} | ${pct(row.answerableRefused)} | ${row.errors} |\n`);
  };
  if (opts.sweep) printSweep(sweep(sweepOutcomes));
  const first = outcomes.get(variants[0]!.name)!;
  const misses = first.filter((o) => o.question.answers.length && !(containsAnswer(o.answer.answer, o.question.answers) && !o.answer.refused));
  const falseAnswers = first.filter((o) => !o.question.answers.length && !o.answer.refused);
  for (const o of [...misses, ...falseAnswers].slice(0, opts.showMisses)) {
    process.stdout.write(`\n- ${o.question.id} ${o.question.question}\n  gold: ${JSON.stringify(o.question.answers)}\n  got (${o.answer.kind}, ${o.answer.confidence.toFixed(2)}): ${o.answer.answer}\n  [1] ${shown(o.answer)[0] ?? '-'}\n`);
  }
  if (opts.trainRefusal) {
    const samples = sweepOutcomes.flatMap((o) => (o.answer.signals ? [{ signals: o.answer.signals as Signals, answerable: o.question.answers.length > 0 }] : []));
    const source = `${opts.squad ?? opts.qa} articles ${opts.articles}, ${samples.length} questions, ${new Date().toISOString().slice(0, 10)}`;
    const model = trainRefusalModel(samples, source);
    const rows = sweep(sweepOutcomes, (o) => (o.answer.signals ? answerProbability(o.answer.signals as Signals, model) : 1));
    printSweep(rows);
    const best = rows.reduce((a, b) => (b.errors < a.errors ? b : a));
    await writeFile(opts.trainRefusal, `${JSON.stringify({ ...model, threshold: best.threshold }, null, 2)}\n`);
    process.stdout.write(`\nRefusal model written to ${opts.trainRefusal}; fewest errors at threshold ${best.threshold}\n`);
  }
  if (opts.out) await writeFile(opts.out, JSON.stringify({ date, settings: { chunker: base.chunker, answer }, rows, sweep: opts.sweep ? sweep(sweepOutcomes) : undefined }, null, 2));
});

await program.parseAsync();
