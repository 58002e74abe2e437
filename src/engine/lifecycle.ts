import { ErrorCode, fileSystemReason, FootnoteError, toFootnoteError } from '../errors.js';
import type { ChunkerSettings } from '../ingest/chunk.js';
import { readSeeds } from '../ingest/read-seeds.js';
import type { FootnoteEmbeddings } from '../index/embeddings.js';
import { LocalStore } from '../index/local-store.js';
import { StaleWriteError, type IndexStore } from '../index/store.js';
import { buildSnapshot, embedPending, embedShared, type IndexSnapshot } from '../index/snapshot.js';
import type { Logger } from '../logger.js';
import { silentProgress, type ProgressFactory } from '../progress.js';
import type { ReloadReport } from '../types.js';
import { within } from '../within.js';
import { elapsed } from './elapsed.js';

export interface LifecycleOptions {
  seedsDir: string;
  /** Where the index is saved when no other store is given; undefined keeps it in memory only (evaluation). */
  dataDir: string | undefined;
  maxFileBytes: number;
  chunker: ChunkerSettings;
  /**
   * True for a process that serves (bot, console): start and reload return as soon as the articles
   * are answerable by their words, and vectors land in the background. False (one-shot commands,
   * evaluation, tests): they return once every vector is there.
   */
  embedInBackground: boolean;
}

export interface LifecycleDeps {
  options: LifecycleOptions;
  embeddings: FootnoteEmbeddings;
  /** Where the index is kept (default: a LocalStore in `options.dataDir`, if any). */
  store?: IndexStore;
  logger: Logger;
  progress?: ProgressFactory;
}

/** How long a serving start waits for vectors before it answers by words alone. */
const START_WAIT_MS = 3000;
/** How many times a reload reads the seeds again when another process saved first. */
const MAX_REBASES = 3;
/** Background embedding saves what it has done this often. */
const SAVE_EVERY_MS = 30_000;

export interface IndexingProgress {
  chunks: number;
  chunksWithVectors: number;
  textsToEmbed: number;
}

/**
 * The index's lifecycle: it owns "the current snapshot" and how it changes. Questions read one
 * immutable snapshot; a reload builds the next one beside it and swaps the reference, so questions
 * never see a half index. The data folder's lock, the saved index, background embedding and (with a
 * shared store) the newer index another process saved all live here.
 */
export class IndexLifecycle {
  private snapshot: IndexSnapshot | undefined;
  private reloading: Promise<ReloadReport> | undefined;
  private refreshing = false;
  private readonly progress: ProgressFactory;
  private readonly store: IndexStore | undefined;
  private background: { controller: AbortController; done: Promise<void> } | undefined;
  /** Set when another live process holds the data folder: this one reads the saved index, never writes. */
  private owner: number | undefined;

  constructor(private readonly deps: LifecycleDeps) {
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
      const warning = `Another Footnote process (pid ${this.owner}) holds the index ${store?.where}: answering from the saved index, which may be stale.`;
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
   * embedded here too when the store shares embedding work (or this process was embedding already);
   * else they are left to the process that reloaded (it saves them as they land, and each save comes
   * here again).
   */
  private async refresh(): Promise<void> {
    if (!this.store || this.reloading || this.refreshing) return;
    this.refreshing = true;
    try {
      const loaded = await this.loadNewer();
      // A reload that started meanwhile has the last word (it saves, and this process hears of it).
      if (!loaded || this.reloading) return;
      const wasEmbedding = Boolean(this.background);
      // Swapped first, so the embedding being stopped cannot save the old index over the new one.
      this.snapshot = loaded;
      await this.pauseEmbedding();
      if ((wasEmbedding || this.store.embedding) && loaded.textsToEmbed.size && this.snapshot === loaded) this.embedInBackground(loaded);
      this.deps.logger.info({ articles: loaded.articles.length, chunks: loaded.chunks.length, withoutVectors: loaded.chunksWithoutVectors.size }, 'loaded the index another process saved');
    } finally {
      this.refreshing = false;
    }
  }

  /** The newer index another process saved in the shared store, as a change to the current one where it can be; undefined when there is none or it cannot be read. */
  private async loadNewer(): Promise<IndexSnapshot | undefined> {
    const store = this.store!;
    const { embeddings, options, logger } = this.deps;
    const expected = { embedder: embeddings, chunker: options.chunker };
    const current = this.snapshot;
    const whole = () => store.load(expected, embeddings);
    // A change that cannot be applied to what this process holds is read whole instead, rather than failing the same way at every poll.
    const loading = current && store.loadChanges
      ? store.loadChanges(current, expected, embeddings).catch((error: Error) => {
          logger.warn(`could not apply the newer index ${store.where} as a change (${error.message}): reading it whole`);
          return whole();
        })
      : whole();
    const loaded = await loading.catch((error: Error) => {
      logger.warn(`could not load the newer index ${store.where}: ${error.message}`);
      return undefined;
    });
    return loaded?.status === 'loaded' ? loaded.snapshot : undefined;
  }

  private unchanged({ articles, chunks, textsToEmbed }: IndexSnapshot): ReloadReport {
    return { added: [], changed: [], removed: [], unchanged: articles.length, failed: [], chunks: chunks.length, toEmbed: textsToEmbed.size, ms: 0 };
  }

  /** Stops background embedding (its progress is saved), stops the embedder's workers, and lets another process update the data folder. */
  async close(): Promise<void> {
    await this.pauseEmbedding();
    await this.deps.embeddings.close?.();
    await this.store?.close();
  }

  /** The pid of another live process that holds the data folder (this one then only reads), if any. */
  get heldBy(): number | undefined {
    return this.owner;
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
        new FootnoteError(ErrorCode.IndexLocked, `Another Footnote process (pid ${this.owner}) holds the index ${this.store?.where}: nothing was reloaded. Reload from there (type /reload in its console, or use /reload in Discord), or stop it first.`),
      );
    }
    this.reloading ??= this.runReload().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private swap(snapshot: IndexSnapshot): void {
    this.snapshot = snapshot;
    if (snapshot.textsToEmbed.size) this.embedInBackground(snapshot);
  }

  /**
   * Embeds what the live snapshot lacks, in worker threads, while it serves: each chunk joins the
   * vector index as its vectors land. Alone, progress is saved every half minute (and at the end),
   * so a restart resumes where this stopped. On a store that shares embedding work, this process
   * embeds its share with the others, each batch saved as it is done; if sharing fails (the
   * database went away), it embeds the rest alone.
   */
  private embedInBackground(snapshot: IndexSnapshot): void {
    const { embeddings, logger } = this.deps;
    const shared = this.store?.embedding;
    const controller = new AbortController();
    const { signal } = controller;
    const bar = this.progress('Embedding');
    let savedAt = performance.now();
    const save = async () => {
      if (!this.store || this.owner || this.snapshot !== snapshot) return;
      await this.store.save(snapshot, { progress: true }).catch((error: Error) => logger.warn(`could not save the vectors embedded so far: ${error.message}`));
      savedAt = performance.now();
    };
    const alone = () =>
      embedPending(snapshot, embeddings, {
        signal,
        onBatch: async (count, total) => {
          bar.update(count, total);
          if (performance.now() - savedAt > SAVE_EVERY_MS) await save();
        },
      });
    const job = { controller, done: Promise.resolve() };
    job.done = (async () => {
      const started = performance.now();
      const toEmbed = snapshot.textsToEmbed.size;
      try {
        const embedded = shared
          ? await embedShared(snapshot, embeddings, shared, { signal, onBatch: (count, total) => bar.update(count, total) }).catch((error: Error) => {
              logger.warn(`could not share the embedding work ${this.store?.where} (${error.message}): embedding the rest alone`);
              return alone();
            })
          : await alone();
        bar.stop();
        const landed = toEmbed - snapshot.textsToEmbed.size;
        // Shared: the text vectors are saved already; this saves the passage vectors they complete.
        if (landed) await save();
        const left = snapshot.textsToEmbed.size;
        logger.info({ embedded, ...(shared ? { embeddedElsewhere: landed - embedded } : {}), left, ms: elapsed(started) }, left ? 'embedding paused; it resumes at the next start or reload' : 'every passage has its vector');
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
    return { chunks: snapshot.chunks.length, chunksWithVectors: snapshot.chunks.length - snapshot.chunksWithoutVectors.size, textsToEmbed: snapshot.textsToEmbed.size };
  }

  private async runReload(rebases = 0): Promise<ReloadReport> {
    const started = performance.now();
    const { options, embeddings, logger } = this.deps;
    const current = this.snapshot;
    const known = new Map(current?.articles.map((article) => [article.file, article]));
    const { articles, failed } = await readSeeds(options.seedsDir, { maxFileBytes: options.maxFileBytes, known });
    for (const { file, reason } of failed) logger.warn({ file }, `skipped ${file}: ${reason}`);
    if (!articles.length && current?.articles.length) {
      throw new FootnoteError(ErrorCode.NoArticles, 'No readable articles in the articles folder: keeping the current index.', { detail: options.seedsDir });
    }

    const before = new Map(current?.articles.map((article) => [article.id, article.hash]));
    const seen = new Set(articles.map((article) => article.id));
    const added = articles.filter((a) => !before.has(a.id)).map((a) => a.id);
    const changed = articles.filter((a) => before.has(a.id) && before.get(a.id) !== a.hash).map((a) => a.id);
    const removed = [...before.keys()].filter((id) => !seen.has(id));
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
      if (this.store?.heal && !this.owner) await this.store.heal(current).catch((error: Error) => logger.warn(`could not check the shared index ${this.store?.where} for missing rows: ${error.message}`));
      if (current.textsToEmbed.size && !this.background) this.embedInBackground(current);
      await this.settle();
      return report(current.chunks.length, current.textsToEmbed.size);
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
        // Another process saved since this one read the folder: read it again on top of that index, so neither change is lost.
        if (error instanceof StaleWriteError && rebases < MAX_REBASES) {
          logger.info(`another process saved the index ${this.store.where} since this one read the seeds: reading them again on top of it`);
          this.snapshot = (await this.loadNewer()) ?? this.snapshot;
          return this.runReload(rebases + 1);
        }
        // A store that says why in user terms (the shared database is down) is passed on as it is.
        if (current && error instanceof FootnoteError) throw error;
        if (current) {
          const reason = fileSystemReason(error);
          throw new FootnoteError(ErrorCode.IndexWriteFailed, `The new index could not be saved${reason ? ` (${reason})` : ''}, so the previous one is still in use.`, {
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
    const result = { ...report(next.chunks.length, next.textsToEmbed.size), ...(warning ? { warning } : {}) };
    // Counts, not the lists: one line however many articles changed (the reload report names them).
    logger.info({ added: result.added.length, changed: result.changed.length, removed: result.removed.length, unchanged: result.unchanged, failed: failed.length, chunks: result.chunks, toEmbed: result.toEmbed, ms: result.ms }, next.textsToEmbed.size ? 'index ready: answering by words while vectors are embedded' : 'index ready');
    await this.settle();
    return result;
  }

  /** The snapshot questions are answered from; throws (user-safe) before the first one is ready. */
  current(): IndexSnapshot {
    if (!this.snapshot) throw new FootnoteError(ErrorCode.NoArticles, 'The index is not ready yet. Try again in a moment.');
    return this.snapshot;
  }
}
