/**
 * `npm run eval`: the reader measured on the news QA test split (the main table), our seed QA set
 * and SQuAD 2.0 dev held-out articles 12-34, with the previous engine (pinned at a commit) run on
 * the same questions in the same run.
 *
 * The follow-up chains (tools/datasets/followups.json) are answered with the conversation before
 * each turn, alone, and rewritten to stand alone, on the same split's articles among distractors.
 * The claims (tools/datasets/claims.json) are checked against the same kind of corpus.
 *
 * With `--answerer llm`, the current engine writes with the model configured in the environment
 * (ANSWERER's LLM_* settings, see .env.example), and the report adds how often the model's answer
 * was shown, why it was not, and the share of its quotes that verification dropped.
 *
 *   npm run eval -- [--sets news,seed,squad,followups,claims] [--split test,test2|dev] [--corpus-size 200] [--baseline <commit>|none]
 *                   [--answerer extractive|llm] [--bbc <file>] [--squad <file>] [--squad-articles 12:35] [--off-topic 40]
 *                   [--show-misses N] [--out results.json]
 */
import 'dotenv/config';
import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { createWriter, engineOptions } from '../../src/app.js';
import { shippedModels } from '../../src/answer/models.js';
import { Reader } from '../../src/answer/reader.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/logger.js';
import type { Answer, Answerer, LlmReport } from '../../src/types.js';
import { toolEmbeddings, withSeedsFolder } from '../lib/corpus-snapshot.js';
import { baselineEngine, BASELINE_COMMIT } from './baseline.js';
import { turnOf, type Turn } from '../../src/answer/conversation.js';
import { claimCorpus, defaultPaths, followupCorpus, type ClaimCorpus, isEvidence, requireDatasets, newsCorpus, seedCorpus, squadCorpora, withOffTopicQuestions, type EvalCorpus, type EvalQuestion, type FollowupCorpus } from './datasets.js';
import { followupReport, type FollowupScored } from './followups.js';
import { claimReport, scoreClaim, type ClaimScored } from './claims.js';
import type { ClaimSplit } from '../claims/dataset.js';
import { ErrorCode, FootnoteError } from '../../src/errors.js';
import type { Split } from '../news-qa/dataset.js';
import { containsAnswer, exactMatch, f1, isShortAnswerRight, mean, percentile } from './metrics.js';

/** What the evaluation reads of an answer: the same for both engines. */
export interface Scored {
  question: EvalQuestion;
  outcome: Answer['outcome'];
  /** How the answer was given: a short answer in bold, a sentence, a passage... */
  kind?: Answer['kind'];
  answer: string;
  citations: Answer['citations'];
  closest: Answer['closest'];
  ms: number;
  /** With --answerer llm: who wrote the answer shown, and how the model's reply fared. */
  answerer?: Answerer;
  llm?: LlmReport;
  /** A follow-up read with its conversation: how it was read. */
  readAs?: string;
}

/** An engine under evaluation: answers the questions of one corpus from a seeds folder. */
export interface EvaluatedEngine {
  name: string;
  answerAll(seedsDir: string, questions: EvalQuestion[]): Promise<Scored[]>;
  /** Follow-up chains (this commit's engine only: the baseline has no conversations). */
  answerChains?(seedsDir: string, chains: FollowupCorpus['chains']): Promise<FollowupScored[]>;
  /** Claims checked against the articles (this commit's engine only). */
  checkAll?(seedsDir: string, claims: ClaimCorpus['claims']): Promise<ClaimScored[]>;
}

const overlapsEvidence = (q: EvalQuestion, c: Answer['citations'][number] | undefined) => isEvidence(q, c && { ...c, text: c.quote });
/** Passages shown, in order: the citations of an answer, else the best match or closest passages. */
const shown = (s: Scored) => (s.outcome === 'answer' ? s.citations : s.closest);
export const isCorrect = (s: Scored) => s.outcome === 'answer' && overlapsEvidence(s.question, s.citations[0]) && containsAnswer(s.answer, s.question.answers);
const isShortRight = (s: Scored) => s.outcome === 'answer' && isShortAnswerRight(s.answer, s.question.answers);
const isShortShown = (s: Scored) => s.outcome === 'answer' && s.kind === 'short';
/** Why unanswerable questions are unanswerable, in the order of the report. */
const REASONS = ['detail', 'after', 'wrong-name'] as const;

export function summarize(all: Scored[]) {
  const answerable = all.filter((s) => s.question.answers.length);
  const unanswerable = all.filter((s) => !s.question.answers.length && !s.question.offTopic);
  const offTopic = all.filter((s) => s.question.offTopic);
  const share = (list: Scored[], test: (s: Scored) => boolean) => mean(list.map((s) => (test(s) ? 1 : 0)));
  const answered = (s: Scored) => (s.outcome === 'answer' ? s.answer : '');
  return {
    questions: all.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    offTopic: offTopic.length,
    correct: share(answerable, isCorrect),
    hitAt1: share(answerable, (s) => overlapsEvidence(s.question, shown(s)[0])),
    hitAt3: share(answerable, (s) => shown(s).slice(0, 3).some((c) => overlapsEvidence(s.question, c))),
    shortRight: share(answerable, isShortRight),
    exactMatch: 100 * mean(answerable.map((s) => exactMatch(answered(s), s.question.answers))),
    f1: 100 * mean(answerable.map((s) => f1(answered(s), s.question.answers))),
    answerableNotFound: share(answerable, (s) => s.outcome === 'not-found'),
    answerableBestMatch: share(answerable, (s) => s.outcome === 'best-match'),
    unanswerableNotFound: share(unanswerable, (s) => s.outcome === 'not-found'),
    unanswerableNotAnswered: share(unanswerable, (s) => s.outcome !== 'answer'),
    offTopicNotFound: share(offTopic, (s) => s.outcome === 'not-found'),
    /** Short answers shown in bold for answerable questions, and the share of all bold answers (any question) that are right. */
    shortShown: share(answerable, isShortShown),
    shortPrecision: share(all.filter(isShortShown), (s) => isCorrect(s) && isShortRight(s)),
    shortShownCount: all.filter(isShortShown).length,
    heldBack: Object.fromEntries(REASONS.map((reason) => {
      const of = unanswerable.filter((s) => s.question.unanswerable === reason);
      return [reason, { questions: of.length, notAnswered: share(of, (s) => s.outcome !== 'answer') }];
    })),
    p50: percentile(all.map((s) => s.ms), 50),
    p95: percentile(all.map((s) => s.ms), 95),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(rows: { name: string; r: ReturnType<typeof summarize> }[]): string {
  const head = '| engine | questions (answerable + unanswerable + off-topic) | correct | hit@1 | hit@3 | short answer right | short answers shown / right when shown | EM | F1 | answerable told "couldn\'t find" | answerable given "best match" | unanswerable told "couldn\'t find" | unanswerable not answered | off-topic told "couldn\'t find" | p50 ms | p95 ms |';
  const lines = [head, `|${'---|'.repeat(head.split('|').length - 2)}`];
  for (const { name, r } of rows) {
    lines.push(
      `| ${name} | ${r.answerable} + ${r.unanswerable} + ${r.offTopic} | ${pct(r.correct)} | ${r.hitAt1.toFixed(3)} | ${r.hitAt3.toFixed(3)} | ${pct(r.shortRight)} | ${pct(r.shortShown)} / ${r.shortShownCount ? pct(r.shortPrecision) : '–'} | ${r.exactMatch.toFixed(1)} | ${r.f1.toFixed(1)} | ${pct(r.answerableNotFound)} | ${pct(r.answerableBestMatch)} | ${r.unanswerable ? pct(r.unanswerableNotFound) : '–'} | ${r.unanswerable ? pct(r.unanswerableNotAnswered) : '–'} | ${r.offTopic ? pct(r.offTopicNotFound) : '–'} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

/** Where each answerable question was lost, by question kind: the error analysis. */
function byKind(results: Map<string, Scored[]>): string {
  const names = [...results.keys()];
  const all = results.get(names.at(-1)!)!;
  const kinds = [...new Set(all.map((s) => s.question.kind ?? '-'))].sort();
  const lines = [
    `| kind | answerable | ${names.map((n) => `correct (${n})`).join(' | ')} | wrong sentence | right sentence, withheld | right sentence, short answer wrong | unanswerable | answered anyway |`,
    `|${'---|'.repeat(7 + names.length)}`,
  ];
  for (const kind of kinds) {
    const of = (list: Scored[]) => list.filter((s) => (s.question.kind ?? '-') === kind);
    const answerable = of(all).filter((s) => s.question.answers.length);
    const unanswerable = of(all).filter((s) => !s.question.answers.length);
    const wrongSentence = answerable.filter((s) => !overlapsEvidence(s.question, shown(s)[0])).length;
    const withheld = answerable.filter((s) => overlapsEvidence(s.question, shown(s)[0]) && s.outcome !== 'answer').length;
    const shortWrong = answerable.filter((s) => s.outcome === 'answer' && overlapsEvidence(s.question, shown(s)[0]) && !isCorrect(s)).length;
    const corrects = names.map((n) => {
      const list = of(results.get(n)!).filter((s) => s.question.answers.length);
      return pct(mean(list.map((s) => (isCorrect(s) ? 1 : 0))));
    });
    lines.push(`| ${kind} | ${answerable.length} | ${corrects.join(' | ')} | ${wrongSentence} | ${withheld} | ${shortWrong} | ${unanswerable.length} | ${unanswerable.filter((s) => s.outcome === 'answer').length} |`);
  }
  return lines.join('\n');
}

/** Unanswerable questions not answered, by why they are unanswerable, and questions written informally. */
function heldBack(results: Map<string, Scored[]>): string {
  const lines = [`| engine | ${REASONS.map((r) => `${r}: not answered`).join(' | ')} | informal: correct | formal: correct |`, `|${'---|'.repeat(REASONS.length + 3)}`];
  for (const [name, list] of results) {
    const r = summarize(list);
    const answerable = list.filter((s) => s.question.answers.length);
    const correctOf = (of: Scored[]) => (of.length ? `${pct(mean(of.map((s) => (isCorrect(s) ? 1 : 0))))} (${of.length})` : '–');
    lines.push(`| ${name} | ${REASONS.map((reason) => (r.heldBack[reason]!.questions ? `${pct(r.heldBack[reason]!.notAnswered)} (${r.heldBack[reason]!.questions})` : '–')).join(' | ')} | ${correctOf(answerable.filter((s) => s.question.informal))} | ${correctOf(answerable.filter((s) => !s.question.informal))} |`);
  }
  return lines.join('\n');
}

/** With --answerer llm: how often the model's answer was shown, why not otherwise, and how many of its quotes verification dropped. */
function llmReport(list: Scored[]): string {
  const asked = list.filter((s) => s.llm);
  const quotes = asked.reduce((sum, s) => sum + s.llm!.quotes, 0);
  const verified = asked.reduce((sum, s) => sum + s.llm!.verified, 0);
  const fallbacks = new Map<string, number>();
  for (const s of asked) if (s.llm!.fallback) fallbacks.set(s.llm!.fallback, (fallbacks.get(s.llm!.fallback) ?? 0) + 1);
  const written = list.filter((s) => s.answerer === 'llm').length;
  const reasons = [...fallbacks].map(([why, n]) => `  - ${n} × ${why}`).join('\n');
  return [
    `Language model ${asked[0]?.llm?.model ?? '(none)'}: asked for ${asked.length} of ${list.length} questions (metadata questions are answered from the byline); its answer shown for ${written} (${pct(written / Math.max(1, list.length))});`,
    `quotes given ${quotes}, dropped by verification ${quotes - verified} (${pct((quotes - verified) / Math.max(1, quotes))}); model time p50 ${percentile(asked.map((s) => s.llm!.ms), 50).toFixed(0)} ms.`,
    ...(reasons ? ['Extractive answer shown instead:', reasons] : []),
  ].join('\n');
}

async function currentEngine(answerer: Answerer): Promise<EvaluatedEngine> {
  // The reader's settings are the defaults whatever .env says; only the model comes from the environment.
  const llmSettings = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('LLM_')));
  const config = loadConfig(answerer === 'llm' ? { ...llmSettings, ANSWERER: 'llm' } : {});
  const embeddings = toolEmbeddings();
  const reader = new Reader(shippedModels);
  const logger = createLogger('warn');
  const writer = await createWriter(config, logger);
  const started = async (seedsDir: string) => {
    const engine = new Engine({ options: { ...engineOptions(config), seedsDir, dataDir: undefined }, embeddings, reader, ...(writer ? { writer } : {}), logger });
    await engine.start();
    return engine;
  };
  const scored = (question: EvalQuestion, a: Answer): Scored => ({
    question,
    outcome: a.outcome,
    kind: a.kind,
    answer: a.answer,
    citations: a.citations,
    closest: a.closest,
    ms: a.timings.totalMs,
    answerer: a.answerer,
    ...(a.llm ? { llm: a.llm } : {}),
    ...(a.followUp ? { readAs: a.followUp.readAs } : {}),
  });
  return {
    name: answerer === 'llm' ? `reader + ${config.LLM_MODEL} (this commit)` : 'reader (this commit)',
    async answerAll(seedsDir, questions) {
      const engine = await started(seedsDir);
      const out: Scored[] = [];
      for (const question of questions) out.push(scored(question, await engine.ask(question.question)));
      return out;
    },
    async checkAll(seedsDir, claims) {
      const engine = await started(seedsDir);
      const out: ClaimScored[] = [];
      for (const claim of claims) {
        const check = await engine.check(claim.claim).catch((error: unknown) => {
          if (error instanceof FootnoteError && error.code === ErrorCode.ClaimNotFactual) return undefined;
          throw error;
        });
        out.push(scoreClaim(claim, check));
      }
      return out;
    },
    async answerChains(seedsDir, chains) {
      const engine = await started(seedsDir);
      const out: FollowupScored[] = [];
      for (const chain of chains) {
        // The conversation is the engine's own earlier answers, right or wrong, as in a thread.
        const conversation: Turn[] = [];
        for (const turn of chain.turns) {
          const withConversation = await engine.ask(turn.question, { conversation: [...conversation] });
          conversation.push(turnOf(withConversation));
          out.push({ turn, withConversation: scored(turn, withConversation), alone: scored(turn, await engine.ask(turn.question)), standalone: scored(turn, await engine.ask(turn.standalone)) });
        }
      }
      return out;
    },
  };
}

const program = new Command('eval')
  .option('--sets <names>', 'comma-separated: news, seed, squad, followups, claims', 'news,seed,squad,followups,claims')
  .option('--split <splits>', 'news QA splits, comma-separated: test and test2 (the report) or dev (for error analysis)', 'test,test2')
  .option('--corpus-size <n>', 'articles in each news corpus: the split\'s own among BBC articles no question is about', Number, 200)
  .option('--baseline <commit>', `the previous engine, run beside ("none" to skip)`, BASELINE_COMMIT)
  .option('--bbc <file>', 'bbc-news-summary.jsonl.gz', defaultPaths.bbc)
  .option('--squad <file>', 'squad-v2.0-dev.json.gz', defaultPaths.squad)
  .option('--squad-articles <range>', 'SQuAD articles, from:to (0-11 trained the reader)', '12:35')
  .option('--off-topic <n>', 'off-topic questions per SQuAD article', Number, 40)
  .option('--answerer <answerer>', 'extractive, or llm: the model configured by the LLM_* settings writes the answers', 'extractive')
  .option('--show-misses <n>', 'print up to n misses of the reader per set', Number, 0)
  .option('--out <file>', 'also write every answer and the summaries as JSON');

program.action(async (opts) => {
  requireDatasets({ bbc: opts.bbc, squad: opts.squad });
  const sets = String(opts.sets).split(',');
  if (opts.answerer !== 'extractive' && opts.answerer !== 'llm') throw new Error(`--answerer must be extractive or llm, not ${opts.answerer}`);
  const engines: EvaluatedEngine[] = [...(opts.baseline === 'none' ? [] : [await baselineEngine(opts.baseline)]), await currentEngine(opts.answerer)];
  const [from, to] = String(opts.squadArticles).split(':').map((n) => (n === '' ? undefined : Number(n)));
  const date = new Date().toISOString().slice(0, 10);
  const report: Record<string, unknown> = {};
  for (const set of sets) {
    if (set === 'followups') {
      await evaluateFollowups();
      continue;
    }
    if (set === 'claims') {
      await evaluateClaims();
      continue;
    }
    const corpora: EvalCorpus[] =
      set === 'news' ? await Promise.all(String(opts.split).split(',').map((split) => newsCorpus(opts.bbc, split as Split, opts.corpusSize)))
      : set === 'seed' ? [await seedCorpus(defaultPaths.seedQa, defaultPaths.seedFile)]
      : withOffTopicQuestions(await squadCorpora(opts.squad, from ?? 0, to), opts.offTopic);
    // Each news split is its own table; SQuAD's articles are one.
    const groups = set === 'news' ? corpora.map((c) => [c]) : [corpora];
    for (const group of groups) await evaluateSet(set, group);
  }
  if (opts.out) await writeFile(opts.out, JSON.stringify({ date, report }, null, 1));
  process.exit(0);

  /** The follow-up chains of the chosen splits (test and test2 are one follow-up split) and the seed's, by this commit's engine. */
  async function evaluateFollowups() {
    const current = engines.at(-1)!;
    const splits = [...new Set(String(opts.split).split(',').map((s) => (s === 'dev' ? 'dev' : 'test') as 'dev' | 'test')), 'seed' as const];
    for (const split of splits) {
      const corpus = await followupCorpus(opts.bbc, split, opts.corpusSize);
      const rows = await withSeedsFolder({ name: corpus.name, files: corpus.files, questions: [] }, (dir) => current.answerChains!(dir, corpus.chains));
      process.stderr.write(`followups: ${corpus.name} done\n`);
      process.stdout.write(`\n### Follow-up ${corpus.name}, ${date}\n\n${followupReport(rows, isCorrect)}\n`);
      // Error analysis: follow-ups the rewrite to stand alone gets right and the conversation's reading does not.
      for (const row of rows.filter((r) => r.turn.needs !== 'none' && isCorrect(r.standalone) && !isCorrect(r.withConversation)).slice(0, opts.showMisses)) {
        process.stdout.write(`\n- [${row.turn.needs}] ${row.turn.question}\n  read as: ${row.withConversation.readAs ?? '(alone)'}\n  should be: ${row.turn.standalone}\n  got (${row.withConversation.outcome}): ${row.withConversation.answer.slice(0, 160)}\n`);
      }
      report[`followups-${split}`] = rows.map((r) => ({ id: r.turn.id, needs: r.turn.needs, withConversation: isCorrect(r.withConversation), alone: isCorrect(r.alone), standalone: isCorrect(r.standalone) }));
    }
  }

  /** The claims of the chosen splits (test and test2 are one claim split; train may be asked for, to analyse), by this commit's engine. */
  async function evaluateClaims() {
    const current = engines.at(-1)!;
    const splits = [...new Set(String(opts.split).split(',').map((s): ClaimSplit => (s === 'dev' || s === 'train' ? s : 'test')))];
    for (const split of splits) {
      const corpus = await claimCorpus(opts.bbc, split, opts.corpusSize);
      const rows = await withSeedsFolder({ name: corpus.name, files: corpus.files, questions: [] }, (dir) => current.checkAll!(dir, corpus.claims));
      process.stderr.write(`claims: ${corpus.name} done\n`);
      process.stdout.write(`\n### Checking ${corpus.name}, ${date}\n\n${claimReport(rows)}\n`);
      for (const row of rows.filter((r) => r.first?.verdict !== r.claim.verdict).slice(0, opts.showMisses)) {
        process.stdout.write(`\n- [${row.claim.verdict}${row.claim.changed ? ` ${row.claim.changed.kind}` : ''} → ${row.first?.verdict ?? 'none'}] ${row.claim.claim}\n  [1] ${(row.first?.citations[0] ?? row.first?.closest[0])?.quote ?? '-'}\n`);
      }
      report[`claims-${split}`] = rows.map((r) => ({ id: r.claim.id, gold: r.claim.verdict, verdict: r.first?.verdict ?? null, differences: r.first?.differences ?? [] }));
    }
  }

  async function evaluateSet(set: string, corpora: EvalCorpus[]) {
    const results = new Map<string, Scored[]>(engines.map((e) => [e.name, []]));
    for (const corpus of corpora) {
      for (const engine of engines) {
        results.get(engine.name)!.push(...(await withSeedsFolder(corpus, (dir) => engine.answerAll(dir, corpus.questions))));
      }
      process.stderr.write(`${set}: ${corpus.name} done\n`);
    }
    const title = set === 'news' ? `${corpora[0]!.name}` : set === 'seed' ? 'Seed QA set (the seed story alone)' : `SQuAD 2.0 dev, articles ${opts.squadArticles} (${opts.offTopic} off-topic questions each)`;
    process.stdout.write(`\n### ${title}, ${date}\n\n${table([...results].map(([name, list]) => ({ name, r: summarize(list) })))}\n`);
    if (set !== 'squad') process.stdout.write(`\nBy question kind:\n\n${byKind(results)}\n`);
    if (set === 'news') process.stdout.write(`\n${heldBack(results)}\n`);
    const mine = results.get(engines.at(-1)!.name)!;
    if (opts.answerer === 'llm') process.stdout.write(`\n${llmReport(mine)}\n`);
    for (const s of mine.filter((x) => (x.question.answers.length ? !isCorrect(x) : x.outcome === 'answer')).slice(0, opts.showMisses)) {
      process.stdout.write(`\n- [${s.question.kind ?? ''}] ${s.question.question}\n  gold: ${JSON.stringify(s.question.answers)}\n  got (${s.outcome}): ${s.answer}\n  [1] ${shown(s)[0]?.quote ?? '-'}\n`);
    }
    report[title] = Object.fromEntries([...results].map(([name, list]) => [name, { summary: summarize(list), answers: list }]));
  }
});

await program.parseAsync();
