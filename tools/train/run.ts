/**
 * `npm run train`: rebuilds every shipped model of the reader (src/answer/models/*.json) from the
 * data, with fixed seeds, and prints what they score on the dev split.
 *
 *   npm run train -- [--bbc <bbc-news-summary.jsonl.gz>] [--squad <squad-v2.0-dev.json.gz>]
 *
 * Fitted on the news QA train split plus SQuAD 2.0 dev articles 0-11; hyperparameters and
 * thresholds chosen on the news dev split. The test split is never read here. The neural span
 * reader is trained by PyTorch (tools/train/neural_span.py, with Debian's python3-torch: set
 * PYTHON to another interpreter that has torch).
 */
import 'dotenv/config';
import { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { engineOptions } from '../../src/app.js';
import { ANSWERABILITY_FEATURES, SENTENCE_FEATURES, SHORT_ANSWER_FEATURES, SPAN_FEATURES } from '../../src/answer/features.js';
import type { LinearModel, ModelCard } from '../../src/answer/model.js';
import { Reader, type Candidates, type RankedSentence, type RankedSpan } from '../../src/answer/reader.js';
import { loadNetwork, TOKEN_FEATURES, type NetworkFile, type SpanNetwork } from '../../src/answer/span-network.js';
import { loadConfig } from '../../src/config.js';
import type { IndexSnapshot } from '../../src/index/snapshot.js';
import { asOffTopic, defaultPaths, requireDatasets, isEvidence as quotesEvidence, newsCorpus, singleArticleCorpora, squadCorpora, type EvalCorpus, type EvalQuestion } from '../eval/datasets.js';
import { containsAnswer, isShortAnswerRight, normalizeAnswer } from '../eval/metrics.js';
import { corpusSnapshot, toolEmbeddings } from '../lib/corpus-snapshot.js';
import { seededRandom, shuffled } from '../lib/random.js';
import { tablePath } from '../../src/answer/word-vectors.js';
import { LogisticClassifier, SoftmaxRanker, type Group, type Row } from './fit.js';
import { spanExample, writeExamples } from './neural-export.js';
import { rerank, RERANKED, RERANK_FEATURES, rerankFeatures } from '../experiments/rerank.js';
import { boostSoftmax, treeValue } from '../experiments/trees.js';

const SEED = 20261127;
const FOLDS = 5;
/** Out-of-fold neural readers: each trained on the train articles of the other halves of the folds. */
const HALVES = 2;
/** Off-topic questions for the answerability model: SQuAD questions asked of the news corpus. */
const OFF_TOPIC = 120;
/** Off-topic questions asked of each SQuAD train article: questions written for the next one. */
const OFF_TOPIC_PER_SQUAD_ARTICLE = 20;
const MODELS = new URL('../../src/answer/models/', import.meta.url).pathname;
/** A short answer is shown in bold only where dev says it is right at least this often. */
const SHORT_PRECISION = 0.9;
/** ...measured over at least this many dev questions, so one lucky answer does not set the threshold. */
const MIN_SHOWN = 20;

/** One question with its candidates, as the reader saw them, and where it came from. */
interface Item {
  question: EvalQuestion;
  source: 'news' | 'squad' | 'off-topic';
  /** Asked of the many-article corpus, or of its own article alone (the one-story case). */
  regime: 'many' | 'one';
  /** Questions of one article share a group, so folds never split an article. */
  group: string;
  candidates: Candidates;
}

const byArticle = (q: EvalQuestion) => q.article ?? q.id;
const isEvidence = (item: Item, s: { article: { id: string }; sentence: { start: number; end: number }; text: string }) =>
  quotesEvidence(item.question, { articleId: s.article.id, start: s.sentence.start, end: s.sentence.end, text: s.text });
// "Wednesday" for "On Wednesday": a leading preposition does not make a span wrong.
const loose = (text: string) => normalizeAnswer(text).replace(/^(?:on|in|at|by|from|of|to|for|since|during) /, '');
const isGold = (item: Item, span: RankedSpan) => item.question.answers.some((a) => loose(a) === loose(span.text));
const answerable = (item: Item) => item.question.answers.length > 0;

function untrained(kind: LinearModel['kind'], features: readonly string[]): LinearModel {
  return { kind, features: [...features], weights: features.map(() => 0), bias: 0, thresholds: {}, card: { task: '', trainedOn: '', chosenOn: '', date: '', metrics: {}, limits: '' } };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

const program = new Command('train')
  .option('--bbc <file>', 'bbc-news-summary.jsonl.gz', defaultPaths.bbc)
  .option('--squad <file>', 'squad-v2.0-dev.json.gz', defaultPaths.squad)
  .option('--compare-rerank', 'also fit a reranker that sees each leading sentence\'s best phrase and print its dev hit@1 beside the ranker\'s (not shipped)')
  .option('--compare-trees', 'also fit gradient-boosted trees for the ranker and print their dev hit@1 beside the linear one (not shipped)');

program.action(async (opts: { bbc: string; squad: string; compareTrees?: boolean; compareRerank?: boolean }) => {
  requireDatasets({ bbc: opts.bbc, squad: opts.squad });
  const started = performance.now();
  const options = engineOptions(loadConfig({}));
  const embeddings = toolEmbeddings();
  const reader = new Reader({
    ranker: untrained('softmax', SENTENCE_FEATURES),
    span: untrained('softmax', SPAN_FEATURES),
    answerability: untrained('logistic', ANSWERABILITY_FEATURES),
    short: untrained('logistic', SHORT_ANSWER_FEATURES),
  });

  async function collect(snapshot: IndexSnapshot, questions: EvalQuestion[], source: Item['source'], group: (q: EvalQuestion) => string): Promise<Item[]> {
    const items: Item[] = [];
    const regime = snapshot.articles.length > 1 ? 'many' : 'one';
    for (const question of questions) {
      const vector = await embeddings.embedQuery(question.question);
      const candidates = await reader.candidates(snapshot, await reader.analyze(snapshot, question.question), vector, options.answer.retrieval);
      items.push({ question, source, regime, group: group(question), candidates });
    }
    return items;
  }
  const build = (corpus: EvalCorpus) => corpusSnapshot(corpus, embeddings, options.chunker);
  /** A split's questions asked of the many-article corpus and of each article alone. */
  async function bothRegimes(corpus: EvalCorpus): Promise<Item[]> {
    const items = await collect(await build(corpus), corpus.questions, 'news', byArticle);
    for (const single of singleArticleCorpora(corpus)) items.push(...(await collect(await build(single), single.questions, 'news', byArticle)));
    return items;
  }

  // 1. The data: news train and dev, SQuAD articles 0-11, off-topic questions.
  const newsTrain = await newsCorpus(opts.bbc, 'train');
  const newsDev = await newsCorpus(opts.bbc, 'dev');
  const trainSnapshot = await build(newsTrain);
  const train: Item[] = await bothRegimes(newsTrain);
  log(`news train: ${train.length} questions (${Math.round((performance.now() - started) / 1000)} s)`);
  const squad = await squadCorpora(opts.squad, 0, 12);
  const random = seededRandom(SEED);
  const offTopicGroup = (q: EvalQuestion) => `offtopic:${q.id.length % FOLDS}`;
  for (const [i, corpus] of squad.entries()) {
    const snapshot = await build(corpus);
    // All of its questions: the answerable ones teach the ranker and the span model; SQuAD's own
    // unanswerable ones (written to look answerable: a name swapped, a negation) the answerability model, at a dev-chosen weight.
    train.push(...(await collect(snapshot, corpus.questions, 'squad', () => `squad:${corpus.name}`)));
    // Questions about the next Wikipedia article, asked of this one: off topic for a long encyclopaedic story too, not only for news.
    const next = squad[(i + 1) % squad.length]!.questions.filter((q) => q.answers.length);
    train.push(...(await collect(snapshot, shuffled(next, random).slice(0, OFF_TOPIC_PER_SQUAD_ARTICLE).map(asOffTopic), 'off-topic', offTopicGroup)));
  }
  const offTopic = shuffled(squad.flatMap((c) => c.questions.filter((q) => q.answers.length)), random)
    .slice(0, OFF_TOPIC)
    .map(asOffTopic);
  train.push(...(await collect(trainSnapshot, offTopic, 'off-topic', offTopicGroup)));
  // And of single stories: each off-topic question asked of one train article alone, and a question about another news story too.
  const singles = singleArticleCorpora(newsTrain);
  for (const [i, q] of offTopic.entries()) train.push(...(await collect(await build(singles[i % singles.length]!), [q], 'off-topic', offTopicGroup)));
  for (const [i, single] of singles.entries()) {
    const other = singles[(i + 1 + Math.floor(random() * (singles.length - 1))) % singles.length]!.questions.filter((q) => q.answers.length);
    if (other.length) train.push(...(await collect(await build(single), [asOffTopic(other[Math.floor(random() * other.length)]!)], 'off-topic', offTopicGroup)));
  }
  log(`with SQuAD and off-topic: ${train.length} questions (${Math.round((performance.now() - started) / 1000)} s)`);
  const dev = await bothRegimes(newsDev);
  log(`news dev: ${dev.length} questions (${Math.round((performance.now() - started) / 1000)} s)`);

  const groups = [...new Set(train.map((i) => i.group))];
  const foldOf = new Map(shuffled(groups, seededRandom(SEED + 1)).map((g, i) => [g, i % FOLDS]));
  const folds = Array.from({ length: FOLDS }, (_, f) => ({ fit: train.filter((i) => foldOf.get(i.group) !== f), held: train.filter((i) => foldOf.get(i.group) === f) }));
  const today = new Date().toISOString().slice(0, 10);
  const trainedOn = `news QA train split (${train.filter((i) => i.source === 'news' && i.regime === 'many').length} questions over ${new Set(train.filter((i) => i.source === 'news').map((i) => i.group)).size} articles, each asked of all of them and of its own article alone) + SQuAD 2.0 dev articles 0-11 (all ${train.filter((i) => i.source === 'squad' && answerable(i)).length} answerable and ${train.filter((i) => i.source === 'squad' && !answerable(i)).length} unanswerable questions)`;

  // 2. The sentence ranker: which candidate sentence holds the answer.
  const rankerGroups = (items: Item[], squadWeight: number): Group[] =>
    items
      .filter(answerable)
      .map((i) => ({ features: i.candidates.sentences.map((s) => s.features), right: i.candidates.sentences.map((s) => isEvidence(i, s)), weight: i.source === 'squad' ? squadWeight : 1 }));
  const firstIs = <T>(list: T[], test: (x: T) => boolean) => (list[0] !== undefined && test(list[0]) ? 1 : 0);
  const hitAt1 = (items: Item[], model: LinearModel) => mean(items.filter(answerable).map((i) => firstIs(reader.rank(i.candidates, model), (s) => isEvidence(i, s))));
  const card = (task: string, metrics: Record<string, number>, limits: string): ModelCard => ({ task, trainedOn, chosenOn: `news QA dev split (${dev.length / 2} questions, each asked of a ${newsDev.files ? Object.keys(newsDev.files).length : 0}-article corpus and of its own article alone)`, date: today, metrics, limits });
  let ranker: SoftmaxRanker | undefined;
  let rankerChoice = { l2: 0, squadWeight: 0, hit: -1 };
  for (const l2 of [1e-3, 1e-2]) {
    for (const squadWeight of [0.3, 1]) {
      const estimator = new SoftmaxRanker(SENTENCE_FEATURES, { l2 }).fit(rankerGroups(train, squadWeight));
      const hit = hitAt1(dev, estimator.model);
      log(`ranker l2=${l2} squad weight=${squadWeight}: dev hit@1 ${hit.toFixed(3)}`);
      if (hit > rankerChoice.hit) [ranker, rankerChoice] = [estimator, { l2, squadWeight, hit }];
    }
  }
  const rankerOptions = { l2: rankerChoice.l2 };
  if (opts.compareTrees) {
    // The same objective with boosted trees: shipped only if it beat the linear ranker on dev (it did not, README › Evaluation).
    for (const depth of [3, 4]) {
      const trees = boostSoftmax(SENTENCE_FEATURES, rankerGroups(train, rankerChoice.squadWeight), { rounds: 200, depth, rate: 0.1, lambda: 1, minWeight: 1 });
      const score = (f: Record<string, number>) => trees.reduce((s, tree) => s + treeValue(tree, (j) => f[SENTENCE_FEATURES[j]!] ?? 0), 0);
      const hit = mean(dev.filter(answerable).map((i) => firstIs([...i.candidates.sentences].sort((a, b) => score(b.features) - score(a.features)), (s) => isEvidence(i, s))));
      log(`boosted trees, depth ${depth}, 200 rounds: dev hit@1 ${hit.toFixed(3)} (linear: ${rankerChoice.hit.toFixed(3)})`);
    }
  }
  // Out-of-fold rankings: what the ranker does on questions it was not fitted on, for the models downstream.
  const oofRanked = new Map<Item, RankedSentence[]>();
  for (const { fit, held } of folds) {
    const model = new SoftmaxRanker(SENTENCE_FEATURES, rankerOptions).fit(rankerGroups(fit, rankerChoice.squadWeight)).model;
    for (const item of held) oofRanked.set(item, reader.rank(item.candidates, model));
  }

  // 3. The span model: which phrase of the leading sentences is the short answer.
  const spanGroups = (items: Item[], ranked: (i: Item) => RankedSentence[]): Group[] =>
    items.filter(answerable).map((i) => {
      const spans = reader.readSpans(i.candidates.question, ranked(i), untrained('softmax', SPAN_FEATURES));
      return { features: spans.map((s) => s.features), right: spans.map((s) => isGold(i, s)), weight: i.source === 'squad' ? Math.max(rankerChoice.squadWeight, 0.3) : 1 };
    });
  const devRanked = new Map(dev.map((i) => [i, reader.rank(i.candidates, ranker!.model)]));
  const spanExact = (model: LinearModel) => mean(dev.filter(answerable).map((i) => firstIs(reader.readSpans(i.candidates.question, devRanked.get(i)!, model), (s) => isGold(i, s))));
  let span: SoftmaxRanker | undefined;
  let spanChoice = { l2: 0, exact: -1 };
  const trainSpanGroups = spanGroups(train, (i) => oofRanked.get(i)!);
  for (const l2 of [1e-3, 1e-2]) {
    const estimator = new SoftmaxRanker(SPAN_FEATURES, { l2 }).fit(trainSpanGroups);
    const exact = spanExact(estimator.model);
    log(`span l2=${l2}: dev top span exact ${exact.toFixed(3)}`);
    if (exact > spanChoice.exact) [span, spanChoice] = [estimator, { l2, exact }];
  }
  if (opts.compareRerank) {
    // The leading sentences reordered with each one's best phrase in view, fitted on the out-of-fold
    // rankings (the span model's scores on train are in-sample: it has few features). Not shipped:
    // it did not beat the ranker's own order on dev (README › Evaluation).
    const groups: Group[] = train.filter(answerable).map((i) => {
      const leading = oofRanked.get(i)!.slice(0, RERANKED);
      return { features: rerankFeatures(reader, i.candidates.question, leading, span!.model), right: leading.map((s) => isEvidence(i, s)), weight: i.source === 'squad' ? rankerChoice.squadWeight : 1 };
    });
    for (const l2 of [1e-3, 1e-2]) {
      const model = new SoftmaxRanker(RERANK_FEATURES, { l2 }).fit(groups).model;
      const hit = mean(dev.filter(answerable).map((i) => firstIs(rerank(reader, i.candidates.question, devRanked.get(i)!, model, span!.model), (s) => isEvidence(i, s))));
      log(`reranker l2=${l2}: dev hit@1 ${hit.toFixed(3)} (the ranker alone: ${rankerChoice.hit.toFixed(3)})`);
    }
  }

  const oofSpans = new Map<Item, RankedSpan[]>();
  for (const { fit, held } of folds) {
    const model = new SoftmaxRanker(SPAN_FEATURES, { l2: spanChoice.l2 }).fit(spanGroups(fit, (i) => oofRanked.get(i)!)).model;
    for (const item of held) oofSpans.set(item, reader.readSpans(item.candidates.question, oofRanked.get(item)!, model));
  }

  // 3b. The neural span reader, trained by PyTorch on the news train questions' leading sentences
  // (out-of-fold rankings, plus the answering sentence when the ranker missed it), its epochs chosen
  // on dev; then the same on each half of the train articles, so that every train question gets
  // short answers from a network that never saw its article (the short-answer model learns from them).
  const dir = new URL('../../.cache/neural/', import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  const leading = (i: Item, ranked: RankedSentence[], withGold: boolean) => {
    const top = ranked.slice(0, 3);
    const gold = withGold && !top.some((s) => isEvidence(i, s)) ? ranked.find((s) => isEvidence(i, s)) : undefined;
    return gold ? [...top, gold] : top;
  };
  await writeExamples(`${dir}examples.jsonl`, [
    ...train.filter((i) => answerable(i) && i.source === 'news' && i.regime === 'many').map((i) => spanExample(i.question.id, 'train', foldOf.get(i.group)!, i.candidates.question, i.question.answers, leading(i, oofRanked.get(i)!, true), reader.wordTable())),
    ...dev.filter(answerable).map((i) => spanExample(`${i.question.id}:${i.regime}`, 'dev', -1, i.candidates.question, i.question.answers, leading(i, devRanked.get(i)!, false), reader.wordTable())),
  ]);
  execFileSync(process.env.PYTHON ?? '/usr/bin/python3', [new URL('./neural_span.py', import.meta.url).pathname, '--examples', `${dir}examples.jsonl`, '--vectors', tablePath(), '--out', dir, '--seed', String(SEED), '--halves', String(HALVES)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const trainedNetwork = async (name: string) => JSON.parse(await readFile(`${dir}${name}.json`, 'utf8')) as Omit<NetworkFile, 'kind' | 'features' | 'card' | 'use'> & { epochs: number; trainingSeconds: number };
  const asNetwork = (raw: Awaited<ReturnType<typeof trainedNetwork>>, cardOf: ModelCard, use: boolean): NetworkFile => ({ kind: 'span-network', features: [...TOKEN_FEATURES], hidden: raw.hidden, types: raw.types, maxSpan: raw.maxSpan, use, weights: raw.weights, card: cardOf });
  const fullRaw = await trainedNetwork('full');
  const networkOf = (raw: Awaited<ReturnType<typeof trainedNetwork>>) => loadNetwork(`${dir}`, asNetwork(raw, card('', {}, ''), true));
  const network = networkOf(fullRaw);
  const halves = await Promise.all(Array.from({ length: HALVES }, async (_, k) => networkOf(await trainedNetwork(`fold-${k}`))));
  const networkSpans = (i: Item, ranked: RankedSentence[], net: SpanNetwork) => reader.networkSpans(i.candidates.question, ranked, net);
  const devNetworkSpans = new Map(dev.map((i) => [i, networkSpans(i, devRanked.get(i)!, network)]));
  const networkExact = mean(dev.filter(answerable).map((i) => firstIs(devNetworkSpans.get(i)!, (s) => isGold(i, s))));
  const useNetwork = networkExact > spanChoice.exact;
  log(`neural span reader (${fullRaw.epochs} epochs, read in Node): dev top span exact ${networkExact.toFixed(3)}; the linear span model: ${spanChoice.exact.toFixed(3)}; ${useNetwork ? 'shipped' : 'not shipped'}`);
  const oofShortSpans = new Map<Item, RankedSpan[]>();
  for (const item of train) oofShortSpans.set(item, useNetwork ? networkSpans(item, oofRanked.get(item)!, halves[foldOf.get(item.group)! % HALVES]!) : oofSpans.get(item)!);

  // 4. Answerability: do the articles answer at all. Fitted on news and off-topic questions, and SQuAD's at a dev-chosen weight.
  const rowsWith = (squadWeight: number, items = train): Row[] =>
    items
      .filter((i) => i.source !== 'squad' || squadWeight > 0)
      .map((i) => ({ features: reader.answerability(i.candidates, oofRanked.get(i)!, oofSpans.get(i)!).features, label: answerable(i), weight: i.source === 'squad' ? squadWeight : 1 }));
  const devSpans = new Map(dev.map((i) => [i, reader.readSpans(i.candidates.question, devRanked.get(i)!, span!.model)]));
  let answerability: LogisticClassifier | undefined;
  let answerabilityChoice = { l2: 0, squadWeight: 0, loss: Infinity };
  for (const squadWeight of [0, 0.3]) {
    const rows = rowsWith(squadWeight);
    for (const l2 of [1e-3, 1e-2, 1e-1]) {
      const estimator = new LogisticClassifier(ANSWERABILITY_FEATURES, { l2 }).fit(rows);
      const loss = mean(dev.map((i) => {
        const p = Math.min(1 - 1e-6, Math.max(1e-6, reader.answerability(i.candidates, devRanked.get(i)!, devSpans.get(i)!, estimator.model).probability));
        return answerable(i) ? -Math.log(p) : -Math.log(1 - p);
      }));
      log(`answerability l2=${l2} squad weight=${squadWeight}: dev log loss ${loss.toFixed(3)}`);
      if (loss < answerabilityChoice.loss) [answerability, answerabilityChoice] = [estimator, { l2, squadWeight, loss }];
    }
  }

  // 5. The short-answer model: is the best span right? Fitted on train with out-of-fold inputs (a
  // wrong short answer, or one for an unanswerable question, is a negative), L2 chosen on dev.
  const oofAnswerability = new Map<Item, number>();
  for (const { fit, held } of folds) {
    const model = new LogisticClassifier(ANSWERABILITY_FEATURES, { l2: answerabilityChoice.l2 }).fit(rowsWith(answerabilityChoice.squadWeight, fit)).model;
    for (const item of held) oofAnswerability.set(item, reader.answerability(item.candidates, oofRanked.get(item)!, oofSpans.get(item)!, model).probability);
  }
  // Right as the evaluation counts a short answer right: it holds a gold answer, with at most three words more, from an evidence sentence.
  const spanRight = (item: Item, spans: RankedSpan[]) => Boolean(spans[0] && isEvidence(item, spans[0].sentence) && isShortAnswerRight(spans[0].text, item.question.answers));
  const shortRows: Row[] = train
    .filter((i) => oofShortSpans.get(i)![0] && i.candidates.question.answerType !== 'yes-no')
    .map((i) => ({
      features: reader.shortAnswer(i.candidates.question, oofRanked.get(i)!, oofShortSpans.get(i)!, oofAnswerability.get(i)!, untrained('logistic', SHORT_ANSWER_FEATURES)).features,
      label: spanRight(i, oofShortSpans.get(i)!),
      weight: i.source === 'squad' ? 0.3 : 1,
    }));
  const devAnswerability = new Map(dev.map((i) => [i, reader.answerability(i.candidates, devRanked.get(i)!, devSpans.get(i)!, answerability!.model).probability]));
  const devShortSpans = useNetwork ? devNetworkSpans : devSpans;
  let short: LogisticClassifier | undefined;
  let shortChoice = { l2: 0, loss: Infinity };
  for (const l2 of [1e-3, 1e-2, 1e-1]) {
    const estimator = new LogisticClassifier(SHORT_ANSWER_FEATURES, { l2 }).fit(shortRows);
    const scored = dev.filter((i) => devShortSpans.get(i)![0] && i.candidates.question.answerType !== 'yes-no');
    const loss = mean(scored.map((i) => {
      const p = Math.min(1 - 1e-6, Math.max(1e-6, reader.shortAnswer(i.candidates.question, devRanked.get(i)!, devShortSpans.get(i)!, devAnswerability.get(i)!, estimator.model).probability));
      return spanRight(i, devShortSpans.get(i)!) ? -Math.log(p) : -Math.log(1 - p);
    }));
    log(`short answer l2=${l2}: dev log loss ${loss.toFixed(3)}`);
    if (loss < shortChoice.loss) [short, shortChoice] = [estimator, { l2, loss }];
  }

  // 6. Thresholds, on dev: when to show the short answer, when to answer, when to say "couldn't find".
  const outcomes = dev.map((i) => {
    const ranked = devRanked.get(i)!;
    const spans = devShortSpans.get(i)!;
    const p = devAnswerability.get(i)!;
    return { item: i, ranked, spans, p, short: reader.shortAnswer(i.candidates.question, ranked, spans, p, short!.model).probability };
  });
  const shownShort = (o: (typeof outcomes)[number], short: number) => Boolean(o.spans[0] && o.item.candidates.question.answerType !== 'yes-no' && o.short >= short);
  const right = (o: (typeof outcomes)[number], short: number) => {
    const top = o.spans[0];
    const useShort = shownShort(o, short);
    const first = useShort ? top!.sentence : o.ranked[0];
    return Boolean(first && isEvidence(o.item, first) && containsAnswer(useShort ? top!.text : first.text, o.item.question.answers));
  };
  const shortRight = (o: (typeof outcomes)[number], short: number) => shownShort(o, short) && spanRight(o.item, o.spans);
  const grid = Array.from({ length: 39 }, (_, k) => 0.025 * (k + 1));
  const answerableDev = outcomes.filter((o) => answerable(o.item));
  const unanswerableDev = outcomes.filter((o) => !answerable(o.item));
  // Precision first: a short answer in bold is shown only from the lowest probability at which dev
  // says it is right at least SHORT_PRECISION of the time (counting every question it would be
  // shown for); when none reaches it, never.
  const shortPrecision = (x: number) => {
    const shown = outcomes.filter((o) => shownShort(o, x));
    return { shown: shown.length, precision: shown.length ? shown.filter((o) => shortRight(o, x)).length / shown.length : 1 };
  };
  const minShortAnswer = [...grid, 1].find((t) => shortPrecision(t).shown >= MIN_SHOWN && shortPrecision(t).precision >= SHORT_PRECISION) ?? 1;
  // Answer when it gains: +1 for a right answer; -1 for a wrong one or an unanswerable question
  // answered; an answerable question held back (best match or "couldn't find") costs half.
  const minConfidence = grid.reduce((best, t) => {
    const score = (x: number) =>
      answerableDev.reduce((sum, o) => sum + (o.p >= x ? (right(o, minShortAnswer) ? 1 : -1) : -0.5), 0) - unanswerableDev.filter((o) => o.p >= x).length;
    return score(t) > score(best) ? t : best;
  }, grid[0]!);
  // "Couldn't find" for an answerable question costs three times a "best match" for an unanswerable one.
  const minRelevance = grid.filter((t) => t <= minConfidence).reduce((best, t) => {
    const score = (x: number) => unanswerableDev.filter((o) => o.p < x).length - 3 * answerableDev.filter((o) => o.p < x).length;
    return score(t) > score(best) ? t : best;
  }, 0.025);
  log(`short-answer precision on dev by threshold: ${[0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => `${t}: ${shortPrecision(t).precision.toFixed(2)} of ${shortPrecision(t).shown}`).join(', ')}`);
  log(`short answers from ${minShortAnswer} (dev precision ${shortPrecision(minShortAnswer).precision.toFixed(3)} over ${shortPrecision(minShortAnswer).shown}); answer from ${minConfidence.toFixed(3)}; best match from ${minRelevance.toFixed(3)}`);

  const measure = (of: typeof outcomes) => {
    const yes = of.filter((o) => answerable(o.item));
    const no = of.filter((o) => !answerable(o.item));
    const share = (list: typeof outcomes, test: (o: (typeof outcomes)[number]) => boolean) => mean(list.map((o) => (test(o) ? 1 : 0)));
    return {
      devHitAt1: share(yes, (o) => Boolean(o.ranked[0] && isEvidence(o.item, o.ranked[0]))),
      devShortAnswerRight: share(yes, (o) => o.p >= minConfidence && shortRight(o, minShortAnswer)),
      devCorrect: share(yes, (o) => o.p >= minConfidence && right(o, minShortAnswer)),
      devAnswerableNotFound: share(yes, (o) => o.p < minRelevance),
      devAnswerableBestMatch: share(yes, (o) => o.p >= minRelevance && o.p < minConfidence),
      devUnanswerableNotFound: share(no, (o) => o.p < minRelevance),
      devUnanswerableNotAnswered: share(no, (o) => o.p < minConfidence),
    };
  };
  const metrics = { ...measure(outcomes), devTopSpanExact: spanChoice.exact };
  const byRegime = { many: measure(outcomes.filter((o) => o.item.regime === 'many')), one: measure(outcomes.filter((o) => o.item.regime === 'one')) };
  const round = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number(v.toFixed(4))]));

  const write = (name: string, estimator: SoftmaxRanker | LogisticClassifier, thresholds: Record<string, number>, task: string, modelMetrics: Record<string, number>, limits: string) =>
    estimator.save(`${MODELS}${name}.json`, thresholds, card(task, { ...round(modelMetrics), trainingSeconds: Math.round((performance.now() - started) / 1000) }, limits));
  await write('sentence-ranker', ranker!, {}, `Softmax over a question's candidate sentences: which one holds the answer (L2 ${rankerChoice.l2}, SQuAD questions weighted ${rankerChoice.squadWeight}).`, { devHitAt1: metrics.devHitAt1 }, 'English; linear in its features; learnt news written in 2004-2005 and Wikipedia.');
  await write('span-extractor', span!, {}, `Softmax over the phrases of the three leading sentences: which one is the short answer (L2 ${spanChoice.l2}).`, { devTopSpanExact: metrics.devTopSpanExact }, 'Candidates come from compromise tags and a few clause patterns: an answer that is none of them cannot be picked.');
  await write('answerability', answerability!, { answer: minConfidence, bestMatch: minRelevance }, `Logistic: the probability that the articles answer (L2 ${answerabilityChoice.l2}, SQuAD questions weighted ${answerabilityChoice.squadWeight}). At least "answer": answered; at least "bestMatch": a best match; below: not found.`, { devCorrect: metrics.devCorrect, devAnswerableNotFound: metrics.devAnswerableNotFound, devAnswerableBestMatch: metrics.devAnswerableBestMatch, devUnanswerableNotFound: metrics.devUnanswerableNotFound, devUnanswerableNotAnswered: metrics.devUnanswerableNotAnswered }, `Fitted on news questions (train split), ${train.filter((i) => i.source === 'off-topic').length} off-topic ones (SQuAD questions asked of news and of the next SQuAD train article; other stories' questions asked of one news story); on-topic questions whose premise is subtly wrong are the hardest.`);
  await write('short-answer', short!, { short: minShortAnswer }, `Logistic: the probability that the best span is right (L2 ${shortChoice.l2}). Shown in bold from "short", the lowest probability at which dev short answers were right at least ${100 * SHORT_PRECISION}% of the time over at least ${MIN_SHOWN} (1: never); otherwise the cited sentence is the answer.`, { devShortAnswerRight: metrics.devShortAnswerRight, devShortShown: shortPrecision(minShortAnswer).shown / outcomes.length, devShortPrecision: shortPrecision(minShortAnswer).precision }, 'A wrong short answer on the right sentence is a negative even when the sentence holds the answer; measured on the 15-article dev split only, so the precision it was chosen for is an estimate.');
  const networkCard = card(
    `DrQA-style span reader: BiLSTM (${fullRaw.hidden} each way) over word vectors, the question aligned by attention and ${TOKEN_FEATURES.length} token features of the three leading sentences; bilinear start and end scores normalised over all of them (${fullRaw.epochs} epochs, chosen on dev). ${useNetwork ? 'Proposes the short answers' : 'Not used: it did not beat the linear span model on dev'}.`,
    { ...round({ devTopSpanExact: networkExact, linearDevTopSpanExact: spanChoice.exact }), pytorchSeconds: fullRaw.trainingSeconds },
    `Word vectors fixed; answers of at most ${fullRaw.maxSpan} tokens within one sentence; what no article of the train split resembles (SQuAD's Wikipedia) it has not learnt.`,
  );
  const networkTrainedOn = `news QA train split: the ${train.filter((i) => answerable(i) && i.source === 'news' && i.regime === 'many').length} answerable questions asked of all ${new Set(train.filter((i) => i.source === 'news').map((i) => i.group)).size} train articles, their three leading sentences (out-of-fold ranker) plus the answering one when the ranker missed it`;
  await writeFile(`${MODELS}span-network.json`, `${JSON.stringify(asNetwork(fullRaw, { ...networkCard, trainedOn: networkTrainedOn }, useNetwork))}\n`);

  process.stdout.write(`\nModels written to src/answer/models (${Math.round((performance.now() - started) / 1000)} s). Dev split, ${dev.length} questions:\n\n`);
  process.stdout.write('| measure | dev, both | 100-article corpus | each article alone |\n|---|---|---|---|\n');
  const show = (name: string, value: number | undefined) => (value === undefined ? '–' : name.includes('HitAt') ? value.toFixed(3) : pct(value));
  for (const [name, value] of Object.entries(metrics)) {
    const key = name as keyof (typeof byRegime)['many'];
    process.stdout.write(`| ${name} | ${show(name, value)} | ${show(name, byRegime.many[key])} | ${show(name, byRegime.one[key])} |\n`);
  }
  process.stdout.write(`\nThresholds: answer ≥ ${minConfidence.toFixed(3)}, best match ≥ ${minRelevance.toFixed(3)}, short answer ≥ ${minShortAnswer.toFixed(3)}\n`);
  process.stdout.write('\nDev by question kind (answerable): questions, correct, hit@1\n');
  const kinds = [...new Set(answerableDev.map((o) => o.item.question.kind ?? '-'))].sort();
  for (const kind of kinds) {
    const of = answerableDev.filter((o) => o.item.question.kind === kind);
    process.stdout.write(`  ${kind.padEnd(10)} ${String(of.length).padStart(3)}  ${pct(mean(of.map((o) => (o.p >= minConfidence && right(o, minShortAnswer) ? 1 : 0))))}  ${pct(mean(of.map((o) => (o.ranked[0] && isEvidence(o.item, o.ranked[0]) ? 1 : 0))))}\n`);
  }
  const top = (model: LinearModel, n: number) => model.features.map((f, j) => [f, model.weights[j]!] as const).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, n).map(([f, w]) => `${f} ${w.toFixed(2)}`).join(', ');
  process.stdout.write(`\nLargest weights (raw features):\n  ranker: ${top(ranker!.model, 10)}\n  span: ${top(span!.model, 10)}\n  answerability: ${top(answerability!.model, 10)}\n  short answer: ${top(short!.model, 10)}\n`);
  process.exit(0);
});

await program.parseAsync();
