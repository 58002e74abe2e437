import { Mutex } from 'async-mutex';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { ErrorCode, FootnoteError } from '../../errors.js';

/** Times are ISO 8601 strings: the state reads the same in a file, in Postgres and in a log. */
const FollowedFeedSchema = z.object({
  url: z.string(),
  title: z.string().optional(),
  addedAt: z.string(),
  /** What the server said last (ETag, Last-Modified): sent back, so an unchanged feed costs a 304. */
  validators: z.object({ etag: z.string().optional(), lastModified: z.string().optional() }).default({}),
  lastPollAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastError: z.string().optional(),
  lastErrorAt: z.string().optional(),
  /** Failures in a row: the back-off doubles with each. */
  failures: z.number().int().min(0).default(0),
  nextPollAt: z.string(),
  itemsAdded: z.number().int().min(0).default(0),
});

const SeenItemSchema = z.object({
  /** The feed it was first seen in. */
  feed: z.string(),
  version: z.string(),
  seenAt: z.string(),
  /** The article it became (still there, or removed since: either way it is not added again). */
  articleId: z.string().optional(),
  /** Hash of its body text: the same story under another link is not added twice. */
  textHash: z.string().optional(),
  publishedAt: z.string().optional(),
  /** Why it was not added (not an article, a duplicate…); not tried again. */
  skipped: z.string().optional(),
  /** Fetches that failed in a row (the server was down): tried again at the next polls, up to a few times. */
  failures: z.number().int().min(0).optional(),
  removedAt: z.string().optional(),
});

const FeedStateSchema = z.object({
  feeds: z.array(FollowedFeedSchema),
  /** Every item seen, by canonical link. */
  items: z.record(z.string(), SeenItemSchema),
});

export type FollowedFeed = z.infer<typeof FollowedFeedSchema>;
export type SeenItem = z.infer<typeof SeenItemSchema>;
export type FeedState = z.infer<typeof FeedStateSchema>;

export const emptyFeedState = (): FeedState => ({ feeds: [], items: {} });

/** Items remembered at most; the ones seen longest ago are forgotten first (a feed lists its recent items only). */
const MAX_ITEMS = 50_000;

/** Checks a saved state; the error names where it is kept, so an operator can fix or remove it. */
export function readFeedState(json: unknown, where: string): FeedState {
  const result = FeedStateSchema.safeParse(json);
  if (!result.success) throw new FootnoteError(ErrorCode.Internal, `The feed state ${where} cannot be read (${result.error.issues[0]?.message ?? 'invalid'}): fix or remove it to follow feeds again.`);
  return result.data;
}

/** The state bounded in size, for saving. */
export function bounded(state: FeedState): FeedState {
  const entries = Object.entries(state.items);
  if (entries.length <= MAX_ITEMS) return state;
  entries.sort(([, a], [, b]) => a.seenAt.localeCompare(b.seenAt));
  return { ...state, items: Object.fromEntries(entries.slice(-MAX_ITEMS)) };
}

/**
 * Where the feeds and what was seen of them are kept. `update` is the only write: it applies a
 * change to the state as it is now (another process may have changed it since this one read it) and
 * saves the result, one change at a time.
 */
export interface FeedStateStore {
  readonly where: string;
  read(): Promise<FeedState>;
  update<T>(change: (state: FeedState) => T): Promise<T>;
  /** Whether this process is the one that polls: always when it is alone; with Postgres, exactly one process of all. */
  lead(): Promise<boolean>;
  close(): Promise<void>;
}

const FILE = 'feeds.json';

/** The feed state in DATA_DIR/feeds.json, written atomically (a temporary file, then a rename). */
export class FileFeedState implements FeedStateStore {
  private readonly turn = new Mutex();

  constructor(private readonly dataDir: string) {}

  get where(): string {
    return `in ${join(this.dataDir, FILE)}`;
  }

  async read(): Promise<FeedState> {
    let text: string;
    try {
      text = await readFile(join(this.dataDir, FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyFeedState();
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new FootnoteError(ErrorCode.Internal, `The feed state ${this.where} cannot be read (${(error as Error).message}): fix or remove it to follow feeds again.`);
    }
    return readFeedState(json, this.where);
  }

  update<T>(change: (state: FeedState) => T): Promise<T> {
    return this.turn.runExclusive(async () => {
      const state = await this.read();
      const result = change(state);
      await mkdir(this.dataDir, { recursive: true });
      await writeFileAtomic(join(this.dataDir, FILE), `${JSON.stringify(bounded(state))}\n`, { mode: 0o600 });
      return result;
    });
  }

  /** One process per data folder: the index's lock already says which (another one cannot reload). */
  async lead(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
