import { answerQuestion, NOT_FOUND, type AnswerSettings } from './answer/answer.js';
import type { LlmWriter } from './llm/writer.js';
import { citeSentences } from './answer/citations.js';
import { summarizeArticle } from './answer/summarize.js';
import { ErrorCode, FootnoteError, toFootnoteError } from './errors.js';
import type { ChunkerSettings } from './ingest/chunk.js';
import { readSeeds } from './ingest/read-seeds.js';
import type { Reader } from './answer/reader.js';
import type { FootnoteEmbeddings } from './index/embeddings.js';
import { within } from './within.js';
import { LocalStore, type IndexStore } from './index/store.js';
import { buildSnapshot, embedPending, type IndexSnapshot } from './index/snapshot.js';
import type { Logger } from './logger.js';
import { silentProgress, type ProgressFactory } from './progress.js';
import { SummaryLengths, type Answer, type Answerer, type Article, type ArticleInfo, type Citation, type ReloadReport, type Summary, type SummaryLength } from './types.js';

export interface EngineOptions {
  seedsDir: string;
  /** Where the index is saved when no other store is given; undefined keeps it in memory only (evaluation). */
  dataDir: string | undefined;
  maxFileBytes: number;
  maxQuestionChars: number;
  chunker: ChunkerSettings;
  answer: AnswerSettings;
  /**
   * True for a process that serves (bot, console): start and reload return as soon as the articles
   * are answerable by their words, and vectors land in the background. False (one-shot commands,
   * evaluation, tests): they return once every vector is there.
   */
  embedInBackground: boolean;
}

export interface EngineDeps {
  options: EngineOptions;
  embeddings: FootnoteEmbeddings;
  /** Where the index is kept (default: a LocalStore in `options.dataDir`, if any). */
  store?: IndexStore;
  reader: Reader;
  /** ANSWERER=llm: writes answers and summaries from what the reader found, shown only with checked quotes. */
  writer?: LlmWriter;
  logger: Logger;
  progress?: ProgressFactory;
}

export interface AskOptions {
  /** The answer text so far while a language model writes it (unchecked, without markers). */
  onText?: (draft: string) => void;
  /**
   * Runs the CPU-bound part of answering (the bot queues it so questions take turns on this
   * thread); waiting for a language model happens outside it. Default: at once.
   */
  schedule?: <T>(job: () => Promise<T>) => Promise<T>;
}

const now = <T>(job: () => Promise<T>) => job();

export interface SummaryRequest {
  /** Article id, or words of its title; default: the most recent article. */
  article?: string;
  topic?: string;
  length?: SummaryLength;
}

/** How long a serving start waits for vectors before it answers by words alone. */
const START_WAIT_MS = 3000;
/** Background embedding saves what it has done this often. */
const SAVE_EVERY_MS = 30_000;

export interface IndexingProgress {
  chunks: number;
  chunksWithVectors: number;
  textsToEmbed: number;
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 100) / 100;

/**
 * The engine every interface calls. It serves questions from one immutable snapshot; a reload
 * builds the next snapshot beside it and swaps the reference, so questions never see a half index.
 */
export class Engine {
  private snapshot: IndexSnapshot | undefined;
  private reloading: Promise<ReloadReport> | undefined;
  private refreshing = false;
  private readonly progress: ProgressFactory;
  private readonly store: IndexStore | undefined;
  private background: { controller: AbortController; done: Promise<void> } | undefined;
  /** Set when another live process holds the data folder: this one reads the saved index, never writes. */
  private owner: number | undefined;

  constructor(private readonly deps: EngineDeps) {
    this.progress = deps.progress ?? silentProgress;
    this.store = deps.store ?? (deps.options.dataDir ? new LocalStore(deps.options.dataDir) : undefined);
  }

  /**
   * Takes the data folder's lock, loads the saved index when it matches the settings (else says
   * why it rebuilds), then syncs it with the seeds. When another process holds the folder, answers
   * from the saved index as it is, and says it may be stale.
   */
  async start(): Promise<ReloadReport> {
    const { options, embeddings, logger } = this.deps;
    const { store } = this;
    const taken = await store?.acquire().catch((error: Error) => {
      // A folder that cannot even hold a lock cannot hold an index either: the save will say so.
      logger.debug({ err: error }, 'no lock on the data folder');
      return undefined;
    });
    if (taken && !taken.acquired) this.owner = taken.owner;
    if (taken?.acquired && taken.tookOverFrom) logger.info(`took over the lock of process ${taken.tookOverFrom}, which is gone`);
    if (store) {
      const loaded = await store.load({ embedder: embeddings, chunker: options.chunker }, embeddings);
      if (loaded.status === 'loaded') {
        this.swap(loaded.snapshot);
        logger.info({ articles: loaded.snapshot.articles.length, chunks: loaded.snapshot.chunks.length }, 'loaded the saved index');
      } else if (loaded.status === 'missing') {
        logger.info(`building the index: ${loaded.reason}`);
      } else {
        logger.warn(`rebuilding the index from the seeds: ${loaded.reason}`);
      }
    }
    // A shared store: another process's reload reaches this one as a newer index to load.
    store?.watch?.(() => void this.refresh());
    if (this.owner && this.snapshot) {
      const warning = `Another Footnote process (pid ${this.owner}) is updating the index ${store?.where}: answering from the saved index, which may be stale.`;
      logger.warn(warning);
      return { ...this.unchanged(this.snapshot), warning };
    }
    try {
      const report = await this.reload();
      // A small corpus gets its vectors in a moment: a serving process waits that moment rather than answer the first questions by words alone.
      if (options.embedInBackground) await within(this.background?.done ?? Promise.resolve(), START_WAIT_MS, undefined);
      return report;
    } catch (error) {
      // A saved index that cannot be brought up to date still answers: better stale than down.
      const failure = toFootnoteError(error);
      if (!this.snapshot) {
        throw new FootnoteError(ErrorCode.NoIndex, `There is no saved index${store ? ` ${store.where}` : ''}, and none could be built: ${failure.userMessage}`, {
          cause: error,
          detail: failure.message,
        });
      }
      const warning = `Serving the saved index ${store?.where}: it could not be updated from ${options.seedsDir} (${failure.message}).`;
      logger.warn(warning);
      return { ...this.unchanged(this.snapshot), warning };
    }
  }

  /**
   * Loads the index another process saved in the shared store, and serves it. Its missing vectors are
   * left to the process that reloaded (it saves them as they land, and each save comes here again),
   * unless this process was embedding too: then it goes on, on the new index.
   */
  private async refresh(): Promise<void> {
    const { store } = this;
    if (!store || this.reloading || this.refreshing) return;
    this.refreshing = true;
    try {
      const { embeddings, options, logger } = this.deps;
      const expected = { embedder: embeddings, chunker: options.chunker };
      const current = this.snapshot;
      const loading = current && store.loadChanges ? store.loadChanges(current, expected, embeddings) : store.load(expected, embeddings);
      const loaded = await loading.catch((error: Error) => {
        logger.warn(`could not load the newer index ${store.where}: ${error.message}`);
        return undefined;
      });
      // A reload that started meanwhile has the last word (it saves, and this process hears of it).
      if (loaded?.status !== 'loaded' || this.reloading) return;
      const wasEmbedding = Boolean(this.background);
      // Swapped first, so the embedding being stopped cannot save the old index over the new one.
      this.snapshot = loaded.snapshot;
      await this.pauseEmbedding();
      if (wasEmbedding && loaded.snapshot.pending.size && this.snapshot === loaded.snapshot) this.embedInBackground(loaded.snapshot);
      logger.info({ articles: loaded.snapshot.articles.length, chunks: loaded.snapshot.chunks.length, withoutVectors: loaded.snapshot.waiting.size }, 'loaded the index another process saved');
    } finally {
      this.refreshing = false;
    }
  }

  private unchanged({ articles, chunks, pending }: IndexSnapshot): ReloadReport {
    return { added: [], changed: [], removed: [], unchanged: articles.length, failed: [], chunks: chunks.length, toEmbed: pending.size, ms: 0 };
  }

  /** Stops background embedding (its progress is saved), stops the embedder's workers, and lets another process update the data folder. */
  async close(): Promise<void> {
    await this.pauseEmbedding();
    await this.deps.embeddings.close?.();
    await this.store?.close();
  }

  get ready(): boolean {
    return this.snapshot !== undefined;
  }

  /**
   * Re-reads the seeds; concurrent calls share one run. On failure the current index keeps serving.
   * `fresh`: the caller has just changed the folder, which a run already going may have read before:
   * wait for that run, then share the next one.
   */
  reload({ fresh = false }: { fresh?: boolean } = {}): Promise<ReloadReport> {
    if (fresh && this.reloading) return this.reloading.catch(() => undefined).then(() => this.reload());
    if (this.owner && this.snapshot) {
      return Promise.reject(
        new FootnoteError(ErrorCode.IndexLocked, `Another Footnote process (pid ${this.owner}) owns the index ${this.store?.where}: reload from there.`),
      );
    }
    this.reloading ??= this.runReload().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private swap(snapshot: IndexSnapshot): void {
    this.snapshot = snapshot;
    if (snapshot.pending.size) this.embedInBackground(snapshot);
  }

  /**
   * Embeds what the live snapshot lacks, in worker threads, while it serves: each chunk joins the
   * vector index as its vectors land, and progress is saved every half minute (and at the end), so
   * a restart resumes where this stopped.
   */
  private embedInBackground(snapshot: IndexSnapshot): void {
    const { options, embeddings, logger } = this.deps;
    const controller = new AbortController();
    const bar = this.progress('Embedding');
    let savedAt = performance.now();
    const save = async () => {
      if (!this.store || this.owner || this.snapshot !== snapshot) return;
      await this.store.save(snapshot, { progress: true }).catch((error: Error) => logger.warn(`could not save the vectors embedded so far: ${error.message}`));
      savedAt = performance.now();
    };
    const job = { controller, done: Promise.resolve() };
    job.done = (async () => {
      const started = performance.now();
      try {
        const embedded = await embedPending(snapshot, embeddings, {
          signal: controller.signal,
          onBatch: async (count, total) => {
            bar.update(count, total);
            if (performance.now() - savedAt > SAVE_EVERY_MS) await save();
          },
        });
        bar.stop();
        if (embedded) await save();
        const left = snapshot.pending.size;
        logger.info({ embedded, left, ms: elapsed(started) }, left ? 'embedding paused; it resumes at the next start or reload' : 'every passage has its vector');
      } catch (error) {
        bar.stop();
        logger.error({ err: error }, 'embedding failed: passages without vectors are found by their words; the next reload tries again');
      } finally {
        if (this.background === job) this.background = undefined;
      }
    })();
    this.background = job;
  }

  /** Stops background embedding after the batch in flight (its progress is kept). */
  private async pauseEmbedding(): Promise<void> {
    const running = this.background;
    this.background = undefined;
    running?.controller.abort();
    await running?.done;
  }

  /** Without background embedding, a reload is over only when every vector it needs is there. */
  private async settle(): Promise<void> {
    if (!this.deps.options.embedInBackground) await this.background?.done;
  }

  /** Resolves when the live snapshot has every vector it can get. */
  async vectorsReady(): Promise<void> {
    await this.reloading?.catch(() => undefined);
    await this.background?.done;
  }

  /** How far background embedding has got: chunks in the vector index, of all chunks. */
  indexing(): IndexingProgress {
    const snapshot = this.current();
    return { chunks: snapshot.chunks.length, chunksWithVectors: snapshot.chunks.length - snapshot.waiting.size, textsToEmbed: snapshot.pending.size };
  }

  private async runReload(): Promise<ReloadReport> {
    const started = performance.now();
    const { options, embeddings, logger } = this.deps;
    const current = this.snapshot;
    const known = new Map(current?.articles.map((article) => [article.file, article]));
    const { articles, failed } = await readSeeds(options.seedsDir, { maxFileBytes: options.maxFileBytes, known });
    for (const { file, reason } of failed) logger.warn({ file }, `skipped ${file}: ${reason}`);
    if (!articles.length && current?.articles.length) {
      throw new FootnoteError(ErrorCode.NoArticles, `No readable articles in ${options.seedsDir}: keeping the current index.`);
    }

    const before = new Map(current?.articles.map((article) => [article.id, article.hash]));
    const now = new Set(articles.map((article) => article.id));
    const added = articles.filter((a) => !before.has(a.id)).map((a) => a.id);
    const changed = articles.filter((a) => before.has(a.id) && before.get(a.id) !== a.hash).map((a) => a.id);
    const removed = [...before.keys()].filter((id) => !now.has(id));
    const report = (chunks: number, toEmbed: number): ReloadReport => ({
      added,
      changed,
      removed,
      unchanged: articles.length - added.length - changed.length,
      failed,
      chunks,
      toEmbed,
      ms: elapsed(started),
    });
    if (current && !added.length && !changed.length && !removed.length) {
      if (current.pending.size && !this.background) this.embedInBackground(current);
      await this.settle();
      return report(current.chunks.length, current.pending.size);
    }

    // The vectors landed so far are kept: the new snapshot reuses them, and the rest is embedded for it.
    await this.pauseEmbedding();
    const next = await buildSnapshot({ articles, chunker: options.chunker, embedder: embeddings, ...(current ? { previous: current } : {}) });
    let warning: string | undefined;
    // Without the lock (another process owns the folder and had no index yet), build in memory only.
    if (this.store && !this.owner) {
      try {
        await this.store.save(next);
      } catch (error) {
        // A store that says why in user terms (the shared database is down) is passed on as it is.
        if (current && error instanceof FootnoteError) throw error;
        if (current) {
          throw new FootnoteError(ErrorCode.IndexWriteFailed, 'The new index could not be saved, so the previous one is still in use.', {
            cause: error,
            detail: (error as Error).message,
          });
        }
        // Nothing serves yet: an index in memory beats none.
        warning = `The index could not be saved ${this.store.where} (${(error as Error).message}): it serves from memory and will be built again at the next start.`;
        logger.warn(warning);
      }
    }
    this.swap(next);
    const result = { ...report(next.chunks.length, next.pending.size), ...(warning ? { warning } : {}) };
    logger.info({ ...result, failed: failed.length }, next.pending.size ? 'index ready: answering by words while vectors are embedded' : 'index ready');
    await this.settle();
    return result;
  }

  private current(): IndexSnapshot {
    if (!this.snapshot) throw new FootnoteError(ErrorCode.NoArticles, 'The index is not ready yet. Try again in a moment.');
    return this.snapshot;
  }

  /** Who writes the answers and summaries. */
  get answerer(): Answerer {
    return this.deps.writer ? 'llm' : 'extractive';
  }

  /**
   * Answers one question from the current snapshot: the reader's answer with verbatim citations, a
   * best match, or "couldn't find" (with an LLM writer configured, its checked answer). Throws a
   * FootnoteError for an empty or too long question, or when nothing is indexed.
   */
  async ask(rawQuestion: string, { onText, schedule = now }: AskOptions = {}): Promise<Answer> {
    const started = performance.now();
    const question = rawQuestion.replace(/\s+/g, ' ').trim();
    if (!question) throw new FootnoteError(ErrorCode.QuestionEmpty, 'Please ask a question.');
    if (question.length > this.deps.options.maxQuestionChars) {
      throw new FootnoteError(
        ErrorCode.QuestionTooLong,
        `Please keep questions under ${this.deps.options.maxQuestionChars} characters (yours has ${question.length.toLocaleString('en')}).`,
      );
    }
    const snapshot = this.current();
    if (!snapshot.articles.length) {
      return {
        question,
        answer: NOT_FOUND,
        outcome: 'not-found',
        kind: 'refused',
        refused: true,
        confidence: 0,
        citations: [],
        closest: [],
        answerer: 'extractive',
        timings: { totalMs: elapsed(started) },
      };
    }
    const { answer, reading, embedMs, answerMs } = await schedule(async () => {
      const embedStarted = performance.now();
      // Embedded in every mode: the reader compares the question with each candidate sentence.
      const vector = await this.deps.embeddings.embedQuery(question);
      const embedMs = elapsed(embedStarted);
      const answerStarted = performance.now();
      return { ...(await answerQuestion(this.deps.reader, snapshot, question, vector, this.deps.options.answer)), embedMs, answerMs: elapsed(answerStarted) };
    });
    const indexing = snapshot.waiting.size ? { indexing: { chunksWithoutVectors: snapshot.waiting.size } } : {};
    const extractive: Answer = { ...answer, ...indexing, answerer: 'extractive', timings: { embedMs, answerMs, totalMs: elapsed(started) } };
    // Metadata answers (who wrote it, the headline) come from the byline and title: nothing to write.
    if (!this.deps.writer || !reading) return extractive;
    const written = await this.deps.writer.answer({ question, ranked: reading.sentences, extractive, sentencesOf: (article) => snapshot.sentencesByArticle.get(article.id) ?? [], ...(onText ? { onText } : {}) });
    return { ...written, timings: { ...extractive.timings, llmMs: written.llm?.ms ?? 0, totalMs: elapsed(started) } };
  }

  /**
   * Each citation widened to the whole chunk it was quoted from (what "Show passages" shows). A
   * citation whose article has changed since is returned as it was.
   */
  passagesAround(citations: readonly Citation[]): Citation[] {
    const snapshot = this.current();
    return citations.map((citation) => {
      const article = snapshot.articleById.get(citation.articleId);
      if (!article || article.source.slice(citation.start, citation.end) !== citation.quote) return citation;
      const chunk = snapshot.chunks.find((c) => c.articleId === citation.articleId && c.start <= citation.start && c.end >= citation.end);
      return chunk ? citeSentences(article, chunk.sentences, citation.paragraph, citation.n) : citation;
    });
  }

  /** Every indexed article as /sources lists it (title, byline, chunks), in index order. */
  sources(): ArticleInfo[] {
    const snapshot = this.current();
    const chunks = new Map(snapshot.manifest.articles.map((entry) => [entry.id, entry.chunks]));
    return snapshot.articles.map((article) => articleInfo(snapshot, article, chunks.get(article.id) ?? 0));
  }

  /** The indexed article with exactly this text (by hash), if any: what a new article would duplicate. */
  articleWithText(hash: string): ArticleInfo | undefined {
    const article = this.current().articles.find((a) => a.hash === hash);
    return article && this.sources().find((info) => info.id === article.id);
  }

  /** Articles whose id or title contains `query` (case-insensitive), for pickers and autocomplete. */
  findArticles(query: string): ArticleInfo[] {
    const needle = query.trim().toLowerCase();
    return this.sources().filter((info) => info.id.toLowerCase().includes(needle) || info.title.toLowerCase().includes(needle));
  }

  /** A cited extractive summary of one article (by id or title words) or of the whole corpus. */
  async summarize(request: SummaryRequest = {}, { schedule = now }: Pick<AskOptions, 'schedule'> = {}): Promise<Summary> {
    const started = performance.now();
    const snapshot = this.current();
    const length = request.length ?? 'medium';
    const article = request.article
      ? (snapshot.articleById.get(request.article) ?? snapshot.articles.find((a) => a.title.toLowerCase().includes(request.article!.trim().toLowerCase())))
      : snapshot.articles.reduce<(typeof snapshot.articles)[number] | undefined>(
          (latest, a) => (!latest || a.modifiedAt > latest.modifiedAt || (a.modifiedAt === latest.modifiedAt && a.id > latest.id) ? a : latest),
          undefined,
        );
    if (!article) {
      throw new FootnoteError(
        request.article ? ErrorCode.ArticleNotFound : ErrorCode.NoArticles,
        request.article ? `No article matches "${request.article}". Use /sources to see the articles.` : 'No articles are indexed yet.',
      );
    }
    const topic = request.topic?.trim() || undefined;
    const citations = await schedule(async () => summarizeArticle(article, snapshot.bm25, { sentences: SummaryLengths[length], ...(topic ? { topic } : {}) }));
    const info = articleInfo(snapshot, article, snapshot.manifest.articles.find((entry) => entry.id === article.id)?.chunks ?? 0);
    const extractive: Summary = { article: info, length, ...(topic ? { topic } : {}), citations, answerer: 'extractive', timings: { totalMs: elapsed(started) } };
    if (!this.deps.writer) return extractive;
    const written = await this.deps.writer.summarize({ article, sentencesOf: (a) => snapshot.sentencesByArticle.get(a.id) ?? [], extractive });
    return { ...written, timings: { llmMs: written.llm?.ms ?? 0, totalMs: elapsed(started) } };
  }
}

function articleInfo(snapshot: IndexSnapshot, article: Article, chunks: number): ArticleInfo {
  return {
    id: article.id,
    title: article.title,
    ...(article.author ? { author: article.author } : {}),
    ...(article.publication ? { publication: article.publication } : {}),
    file: article.file,
    chunks,
    indexedAt: snapshot.manifest.builtAt,
  };
}
