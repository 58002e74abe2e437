import type { AnswerSettings } from '../answer/answer.js';
import type { Reader } from '../answer/reader.js';
import type { FootnoteEmbeddings } from '../index/embeddings.js';
import type { IndexStore } from '../index/store.js';
import type { LlmWriter } from '../llm/writer.js';
import type { Logger } from '../logger.js';
import type { ProgressFactory } from '../progress.js';
import type { Answer, Answerer, ArticleInfo, Citation, ClaimCheck, ReloadReport, Summary } from '../types.js';
import { IndexLifecycle, type IndexingProgress, type LifecycleOptions } from './lifecycle.js';
import { QueryService, type AskOptions, type Scheduler, type SummaryRequest } from './queries.js';

export type { AskOptions, IndexingProgress, Scheduler, SummaryRequest };

export interface EngineOptions extends LifecycleOptions {
  maxQuestionChars: number;
  answer: AnswerSettings;
}

export interface EngineDeps {
  options: EngineOptions;
  embeddings: FootnoteEmbeddings;
  /** Where the index is kept (default: a LocalStore in `options.dataDir`, if any). */
  store?: IndexStore;
  reader: Reader;
  /** ANSWERER=llm: writes answers and summaries from what the reader found, shown only with checked quotes. */
  writer?: LlmWriter;
  /** Runs the reader's work on questions and summaries (a serving process queues it; default: at once). */
  schedule?: Scheduler;
  logger: Logger;
  progress?: ProgressFactory;
}

/**
 * What the CLI, the console and the bot call: the index lifecycle (src/engine/lifecycle.ts) and the
 * queries over its current snapshot (src/engine/queries.ts), behind one object.
 */
export class Engine {
  readonly lifecycle: IndexLifecycle;
  readonly queries: QueryService;

  constructor(deps: EngineDeps) {
    const { options, embeddings, store, reader, writer, schedule, logger, progress } = deps;
    this.lifecycle = new IndexLifecycle({ options, embeddings, ...(store ? { store } : {}), logger, ...(progress ? { progress } : {}) });
    this.queries = new QueryService({
      options,
      snapshot: () => this.lifecycle.current(),
      embeddings,
      reader,
      ...(writer ? { writer } : {}),
      ...(schedule ? { schedule } : {}),
    });
  }

  /** Takes the data folder, loads the saved index and syncs it with the seeds (IndexLifecycle.start). */
  start(): Promise<ReloadReport> {
    return this.lifecycle.start();
  }

  /** Re-reads the seeds; the current index serves until the new one is whole (IndexLifecycle.reload). */
  reload(options?: { fresh?: boolean }): Promise<ReloadReport> {
    return this.lifecycle.reload(options);
  }

  close(): Promise<void> {
    return this.lifecycle.close();
  }

  get ready(): boolean {
    return this.lifecycle.ready;
  }

  vectorsReady(): Promise<void> {
    return this.lifecycle.vectorsReady();
  }

  indexing(): IndexingProgress {
    return this.lifecycle.indexing();
  }

  get answerer(): Answerer {
    return this.queries.answerer;
  }

  /** A cited answer, a best match or "couldn't find" (QueryService.ask). */
  ask(question: string, options?: AskOptions): Promise<Answer> {
    return this.queries.ask(question, options);
  }

  /** A claim checked against the articles, sentence by sentence (QueryService.check). */
  check(claim: string): Promise<ClaimCheck> {
    return this.queries.check(claim);
  }

  /** A cited summary of one article or the latest (QueryService.summarize). */
  summarize(request?: SummaryRequest): Promise<Summary> {
    return this.queries.summarize(request);
  }

  sources(): ArticleInfo[] {
    return this.queries.sources();
  }

  findArticles(query: string): ArticleInfo[] {
    return this.queries.findArticles(query);
  }

  articleWithText(hash: string): ArticleInfo | undefined {
    return this.queries.articleWithText(hash);
  }

  passagesAround(citations: readonly Citation[]): Citation[] {
    return this.queries.passagesAround(citations);
  }
}
