import type { Config } from './config.js';
import { Engine, type EngineOptions } from './engine/engine.js';
import { WorkQueue } from './engine/queue.js';
import { shippedModels } from './answer/models.js';
import { Reader } from './answer/reader.js';
import { UseLiteEmbeddings, type FootnoteEmbeddings } from './index/embeddings.js';
import { OpenAICompatibleEmbeddings } from './index/openai-embeddings.js';
import { WorkerPoolEmbeddings } from './index/worker-embeddings.js';
import { chatModelFactory, shownEndpoint, type ChatModelSettings } from './llm/chat-model.js';
import { LlmWriter } from './llm/writer.js';
import type { IndexStore } from './index/store.js';
import { WebFetcher } from './ingest/web/fetch.js';
import type { ArticleEditor } from './ingest/editor.js';
import { FeedPoller, type PollerDeps } from './ingest/feeds/poller.js';
import { FileFeedState, type FeedStateStore } from './ingest/feeds/state.js';
import type { ArticleInfo } from './types.js';
import type { Logger } from './logger.js';
import type { ProgressFactory } from './progress.js';

/** The composition root: the only place that turns configuration into concrete parts. */

export async function createEmbeddings(config: Config): Promise<FootnoteEmbeddings> {
  if (config.EMBEDDINGS === 'openai') {
    const embeddings = new OpenAICompatibleEmbeddings({ url: config.EMBEDDINGS_URL!, model: config.EMBEDDINGS_MODEL, apiKey: config.EMBEDDINGS_API_KEY });
    await embeddings.probe();
    return embeddings;
  }
  return new WorkerPoolEmbeddings(new UseLiteEmbeddings(), config.EMBED_WORKERS);
}

export function engineOptions(config: Config, { serving = false } = {}): EngineOptions {
  return {
    embedInBackground: serving,
    seedsDir: config.SEEDS_DIR,
    dataDir: config.DATA_DIR,
    maxFileBytes: config.MAX_FILE_BYTES,
    maxQuestionChars: config.MAX_QUESTION_CHARS,
    chunker: { size: config.CHUNK_SIZE, overlap: config.CHUNK_OVERLAP },
    answer: {
      retrieval: { mode: config.RETRIEVAL, fusion: config.FUSION, denseWeight: config.DENSE_WEIGHT, k: 8 },
      maxCitations: config.MAX_CITATIONS,
      minConfidence: config.MIN_CONFIDENCE,
      minRelevance: config.MIN_RELEVANCE,
      minShortAnswer: config.MIN_SHORT_ANSWER,
    },
  };
}

/** What fetches links and feeds, within the size and time caps, refusing private addresses unless ALLOW_PRIVATE_URLS. */
export function createWebFetcher(config: Config): WebFetcher {
  return new WebFetcher({ maxBytes: config.MAX_FILE_BYTES, timeoutMs: config.FETCH_TIMEOUT_MS, allowPrivate: config.ALLOW_PRIVATE_URLS });
}

/** Where the followed feeds are kept: DATA_DIR/feeds.json, or with STORE=postgres the shared database (where one process of all polls). */
async function createFeedState(config: Config): Promise<FeedStateStore> {
  if (config.STORE !== 'postgres') return new FileFeedState(config.DATA_DIR);
  const { PostgresFeedState } = await import('./ingest/feeds/postgres-state.js');
  // The poller renews its lease at every poll: three intervals without one, and another process takes over.
  return PostgresFeedState.open(config.DATABASE_URL!, { leaseMs: 3 * config.FEED_POLL_MINUTES * 60_000 });
}

/** The feed poller over the index's articles and the one editor of the seeds folder. */
export async function createFeedPoller(
  config: Config,
  parts: { sources: () => ArticleInfo[]; editor: ArticleEditor; web: WebFetcher; logger: Logger; audit: PollerDeps['audit']; onAdded?: PollerDeps['onAdded'] },
): Promise<FeedPoller> {
  return new FeedPoller({
    ...parts,
    store: await createFeedState(config),
    settings: { pollMinutes: config.FEED_POLL_MINUTES, ...(config.FEED_MAX_AGE_DAYS ? { maxAgeDays: config.FEED_MAX_AGE_DAYS } : {}) },
  });
}

/** ANSWERER=llm: the writer for the configured model, announced in one log line (article text leaves this machine for it). */
export async function createWriter(config: Config, logger: Logger): Promise<LlmWriter | undefined> {
  if (config.ANSWERER !== 'llm') return undefined;
  const settings: ChatModelSettings = { provider: config.LLM_PROVIDER, baseUrl: config.LLM_BASE_URL, model: config.LLM_MODEL!, apiKey: config.LLM_API_KEY };
  const endpoint = shownEndpoint(settings);
  logger.info(
    { provider: settings.provider, model: settings.model, endpoint },
    `answers are written by ${settings.model} (${settings.provider}) at ${endpoint}: passages of the articles are sent there with each question; only quotes checked against the articles are shown`,
  );
  return new LlmWriter({
    settings: { model: settings.model, endpoint, timeoutMs: config.LLM_TIMEOUT_MS, passages: config.LLM_PASSAGES },
    newModel: await chatModelFactory(settings),
    logger,
  });
}

/** STORE=postgres: the shared index (the schema brought up to date); local: the engine keeps it in DATA_DIR. */
export async function createStore(config: Config, logger: Logger): Promise<IndexStore | undefined> {
  if (config.STORE !== 'postgres') return undefined;
  const { PostgresStore } = await import('./index/postgres/store.js');
  const store = await PostgresStore.open(config.DATABASE_URL!, logger);
  logger.info(`the index is shared ${store.where}`);
  return store;
}

/** `serving`: a bot or console, which answers while vectors are embedded in the background. */
export async function createEngine(config: Config, logger: Logger, { progress, serving = false }: { progress?: ProgressFactory; serving?: boolean } = {}): Promise<Engine> {
  const embeddings = await createEmbeddings(config);
  const writer = await createWriter(config, logger);
  const store = await createStore(config, logger);
  // Local embeddings run on this thread: one question at a time keeps a serving process responsive (see WorkQueue).
  const queue = new WorkQueue(config.EMBEDDINGS === 'local' ? 1 : config.MAX_CONCURRENT_REQUESTS);
  return new Engine({
    options: engineOptions(config, { serving }),
    schedule: (job) => queue.run(job),
    embeddings,
    ...(store ? { store } : {}),
    reader: new Reader(shippedModels),
    ...(writer ? { writer } : {}),
    logger,
    ...(progress ? { progress } : {}),
  });
}
