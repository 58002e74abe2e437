import type { LangChainResult } from './langchain.js';
import type { Rouge, SeedQaResult, SizeResult } from './measure.js';

/** The benchmark's markdown: one table of every size, then the largest size's extras. */

export interface BenchRun {
  date: string;
  command: string;
  code: string;
  machine: { cpus: number; cpuModel: string; node: string; memoryGiB: number; loadAverage: { before: number; after: number } };
  settings: { questions: number; rougeLimit: number; soak: number };
  sizes: SizeResult[];
  langchain?: LangChainResult;
}

/** Issue 8's targets at 2,225 articles (and issue 4's still standing). */
export const Targets = {
  answerableS: 15,
  vectorsS: 300,
  unchangedReloadMs: 2000,
  changedReloadMs: 3000,
  askP95Ms: 100,
  peakRssMiB: 600,
  servingRssMiB: 400,
  startupMs: 1000,
  seedHitDropPoints: 2,
  soakDrift: 0.1,
} as const;

const s = (ms: number) => (ms / 1000).toFixed(1);
const ms = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(1));
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const rouge = (r: Rouge) => `${r.r1.toFixed(1)} / ${r.r2.toFixed(1)} / ${r.rl.toFixed(1)}`;
const mark = (ok: boolean) => (ok ? '✅' : '❌');
const hit = (q: SeedQaResult) => q.hitAt1.toFixed(3);

export function renderMarkdown(run: BenchRun): string {
  const sizes = run.sizes;
  const largest = sizes.at(-1)!;
  const row = (name: string, cell: (r: SizeResult) => string, target = '') => `| ${name} | ${sizes.map(cell).join(' | ')} | ${target} |`;
  const targetOf = (text: string, ok: boolean) => `${text} ${mark(ok)}`;
  const peakRss = Math.max(largest.peakRssBuildMiB, largest.peakRssMiB);
  const seedDrop = 100 * (largest.seedQa.seedOnly.hitAt1 - largest.seedQa.withDistractors.hitAt1);
  const lines = [
    `Footnote benchmark — ${run.date}, code ${run.code}; ${run.machine.cpus} × ${run.machine.cpuModel}, ${run.machine.memoryGiB} GiB, Node ${run.machine.node}, ` +
      `embedding workers: ${largest.embedWorkers ?? 1}; load average ${run.machine.loadAverage.before.toFixed(2)} before, ${run.machine.loadAverage.after.toFixed(2)} after`,
    '',
    `\`${run.command}\``,
    '',
    `| | ${sizes.map((r) => `${r.size.toLocaleString('en')} articles`).join(' | ')} | target at ${largest.size.toLocaleString('en')} |`,
    `|---|${sizes.map(() => '---').join('|')}|---|`,
    row('files indexed (corpus + seed story) / chunks', (r) => `${r.articles} / ${r.chunks}`),
    row('empty data folder → every article answerable by its words, s', (r) => s(r.build.answerableMs), targetOf(`≤ ${Targets.answerableS}`, largest.build.answerableMs <= Targets.answerableS * 1000)),
    row('… → the seed questions answered as at the end, s (sampled every 10 s)', (r) => s(r.build.seedRightMs)),
    row('… → every vector in, s (model load included)', (r) => s(r.build.ms), targetOf(`≤ ${Targets.vectorsS}`, largest.build.ms <= Targets.vectorsS * 1000)),
    row('… of which embedding, s (texts, characters/s)', (r) => `${s(r.build.embedMs)} (${r.build.embeddedTexts.toLocaleString('en')}, ${Math.round(r.build.embeddedChars / (r.build.embedMs / 1000)).toLocaleString('en')})`),
    row('peak RSS: build / build + asks + reloads, MiB', (r) => `${r.peakRssBuildMiB.toFixed(0)} / ${r.peakRssMiB.toFixed(0)}`, targetOf(`≤ ${Targets.peakRssMiB}`, peakRss <= Targets.peakRssMiB)),
    row('index on disk, MiB', (r) => mib(r.indexBytes)),
    row('start-up with the saved index: `footnote sources --json`, spawn to exit (compiled), ms', (r) => ms(r.startup.cliSourcesMs), targetOf(`≤ ${Targets.startupMs}`, largest.startup.cliSourcesMs <= Targets.startupMs)),
    row('… in a benchmark process (sources through tsx): to ready, ms (engine.start alone)', (r) => `${ms(r.startup.processReadyMs)} (${ms(r.startup.engineStartMs)})`),
    row('serving RSS after start-up and the first question, MiB', (r) => r.startup.peakRssMiB.toFixed(0), targetOf(`≤ ${Targets.servingRssMiB}`, largest.startup.peakRssMiB <= Targets.servingRssMiB)),
    row('first ask after start-up (loads the model), ms', (r) => ms(r.startup.firstAskMs)),
    row(`ask p50 / p95 / p99, ms (${largest.ask.questions} questions)`, (r) => `${ms(r.ask.p50)} / ${ms(r.ask.p95)} / ${ms(r.ask.p99)}`, targetOf(`p95 ≤ ${Targets.askP95Ms}`, largest.ask.p95 <= Targets.askP95Ms)),
    row('… of which embedding the question, p50 / p95, ms', (r) => `${ms(r.ask.embedQuestion.p50)} / ${ms(r.ask.embedQuestion.p95)}`),
    row('… of which retrieving and answering, p50 / p95, ms', (r) => `${ms(r.ask.retrieveAndAnswer.p50)} / ${ms(r.ask.retrieveAndAnswer.p95)}`),
    row('headline question → its article cited first', (r) => pct(r.ask.titleArticleAt1)),
    row('reload, nothing changed, ms', (r) => ms(r.reload.unchangedMs), targetOf(`≤ ${Targets.unchangedReloadMs}`, largest.reload.unchangedMs <= Targets.unchangedReloadMs)),
    row('reload, one article changed: answerable / vectors in, ms (texts embedded)', (r) => `${ms(r.reload.changedMs)} / ${ms(r.reload.changedVectorsMs)} (${r.reload.changedEmbedded})`, targetOf(`≤ ${Targets.changedReloadMs}`, largest.reload.changedMs <= Targets.changedReloadMs)),
    row('reload, one article added: answerable / vectors in, ms (texts embedded)', (r) => `${ms(r.reload.addedMs)} / ${ms(r.reload.addedVectorsMs)} (${r.reload.addedEmbedded})`),
    row('ROUGE-1 / 2 / L F1, /summary', (r) => (r.rouge ? rouge(r.rouge.engine) : '–'), largest.rouge ? targetOf('R-2 > Lead-N', largest.rouge.engine.r2 > largest.rouge.lead.r2) : ''),
    row('ROUGE-1 / 2 / L F1, Lead-N', (r) => (r.rouge ? rouge(r.rouge.lead) : '–')),
    row('… articles scored', (r) => (r.rouge ? `${r.rouge.articles}${r.rouge.capped ? ' (capped)' : ''}` : '–')),
    row('seed QA hit@1: with the corpus as distractors / seed only', (r) => `${hit(r.seedQa.withDistractors)} / ${hit(r.seedQa.seedOnly)}`, targetOf(`drop ≤ ${Targets.seedHitDropPoints} points`, seedDrop <= Targets.seedHitDropPoints)),
    row('seed QA correct: with the corpus as distractors / seed only', (r) => `${pct(r.seedQa.withDistractors.correct)} / ${pct(r.seedQa.seedOnly.correct)}`),
  ];

  const parts = largest.build.parts;
  lines.push(
    '',
    `Build profile at ${largest.size.toLocaleString('en')} articles: answerable by words after ${s(largest.build.answerableMs)} s; every vector after ${s(largest.build.ms)} s, of which embedding ${largest.build.embeddedTexts.toLocaleString('en')} sentences and titles ` +
      `(${(largest.build.embeddedChars / 1e6).toFixed(2)} M characters) took ${s(largest.build.embedMs)} s (${Math.round(largest.build.embeddedChars / (largest.build.embedMs / 1000)).toLocaleString('en')} characters/s, model load included); ` +
      `RSS while embedding ${largest.build.rssTrace.join(' → ')} MiB. Timed apart on the saved index: ` +
      `reading the seeds ${ms(parts.readSeedsMs)} ms, chunking ${ms(parts.chunkMs)} ms, BM25 ${ms(parts.bm25Ms)} ms, saving ${ms(parts.saveMs)} ms, loading ${ms(parts.loadMs)} ms.`,
  );

  if (largest.soak || run.langchain) lines.push('', `| at ${largest.size.toLocaleString('en')} articles | value | target |`, '|---|---|---|');
  if (largest.soak) {
    const soak = largest.soak;
    lines.push(
      `| soak: ${soak.asks.toLocaleString('en')} asks in a new process on the saved index, RSS start / middle / end, MiB | ${soak.rssMiB.start} / ${soak.rssMiB.middle} / ${soak.rssMiB.end} (min ${Math.min(...soak.trace)}, max ${Math.max(...soak.trace)}; heap ${soak.heapUsedMiB[0]} → ${soak.heapUsedMiB.at(-1)}) | ${targetOf('within 10%', soak.stable)} |`,
      `| soak: ask p50 / p95 / p99, ms | ${ms(soak.p50)} / ${ms(soak.p95)} / ${ms(soak.p99)} | |`,
    );
  }
  const lc = run.langchain;
  if (lc) {
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    lines.push(
      `| plain LangChain (splitter 400/150 + community HNSWLib, dense, top chunk): first build, s | ${s(lc.buildMs)} (Footnote ${s(largest.build.ms)}: Footnote/LangChain ${ratio(largest.build.ms, lc.buildMs)}) | |`,
      `| plain LangChain: chunks, chunks per second | ${lc.chunks}, ${lc.chunksPerSecond.toFixed(1)} (Footnote ${largest.chunks}, ${largest.build.chunksPerSecond.toFixed(1)}) | |`,
      `| plain LangChain: ask p50 / p95, ms | ${ms(lc.ask.p50)} / ${ms(lc.ask.p95)} (Footnote ${ms(largest.ask.p50)} / ${ms(largest.ask.p95)}: ${ratio(largest.ask.p50, lc.ask.p50)} / ${ratio(largest.ask.p95, lc.ask.p95)}) | |`,
      `| plain LangChain: seed QA hit@1 with distractors / seed only | ${lc.seedHitAt1.toFixed(3)} / ${lc.seedOnlyHitAt1.toFixed(3)} (Footnote ${hit(largest.seedQa.withDistractors)} / ${hit(largest.seedQa.seedOnly)}) | |`,
      `| plain LangChain: headline question → its article first | ${pct(lc.titleArticleAt1)} (Footnote ${pct(largest.ask.titleArticleAt1)}) | |`,
      `| plain LangChain: peak RSS of the build, MiB; store on disk, MiB | ${lc.peakRssBuildMiB.toFixed(0)}; ${mib(lc.indexBytes)} (Footnote ${largest.peakRssBuildMiB.toFixed(0)}; ${mib(largest.indexBytes)}) | |`,
    );
  }
  lines.push(
    '',
    'Notes: each size runs in a fresh process (peak RSS is that process\'s maxRSS); ask latency is wall time around engine.ask after 5 warm-up questions; ' +
      'questions are the seed QA set plus questions made from the corpus headlines; hit@1 counts a hit when the first passage shown (citation, or best match or closest passage) quotes the evidence sentence ' +
      '(for LangChain: the whole top chunk contains a gold answer); summaries have as many sentences as the reference (sentences counted after putting back the missing space after full stops).',
  );
  return lines.join('\n');
}
