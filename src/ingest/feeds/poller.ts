import { Mutex } from 'async-mutex';
import PQueue from 'p-queue';
import { elapsed } from '../../engine/elapsed.js';
import { ErrorCode, FootnoteError, toFootnoteError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ArticleInfo, ReloadReport } from '../../types.js';
import { within } from '../../within.js';
import type { ArticleEditor } from '../editor.js';
import { parseLink, type Fetched, type WebFetcher } from '../web/fetch.js';
import { articleFromLink, type LinkedArticle } from '../web/link.js';
import { canonicalLink, parseFeed, type FeedItem, type ParsedFeed } from './parse.js';
import type { FeedState, FeedStateStore, FollowedFeed, SeenItem } from './state.js';

export interface FeedSettings {
  /** FEED_POLL_MINUTES: how often each feed is read, give or take a tenth (so feeds do not all come due at once). */
  pollMinutes: number;
  /** FEED_MAX_AGE_DAYS: articles the feeds added that were published longer ago go to seeds/.removed/ at a poll. */
  maxAgeDays?: number;
}

export interface PollerDeps {
  store: FeedStateStore;
  web: WebFetcher;
  /** The one path to the seeds folder; its changes take turns with /article's. */
  editor: Pick<ArticleEditor, 'apply'>;
  /** The indexed articles (their dates, for FEED_MAX_AGE_DAYS). */
  sources: () => ArticleInfo[];
  settings: FeedSettings;
  /** The audit log: every article a feed adds, updates or lets go. */
  audit: (entry: Record<string, unknown>) => Promise<void>;
  logger: Logger;
  /** After a poll that added articles: the digest. */
  onAdded?: (articles: ArticleInfo[]) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export interface FeedOutcome {
  url: string;
  title?: string;
  /** `read`: the feed was fetched and read; `not-modified`: the server said nothing changed (304). */
  outcome: 'read' | 'not-modified' | 'failed';
  added: number;
  error?: string;
}

export interface PollReport {
  feeds: FeedOutcome[];
  added: ArticleInfo[];
  updated: ArticleInfo[];
  /** Moved to seeds/.removed/: older than FEED_MAX_AGE_DAYS. */
  removed: ArticleInfo[];
  /** Items not added, and why (not an article, the same text as another, too old…). */
  skipped: { url: string; reason: string }[];
  /** The one reload, when anything changed. */
  reload?: ReloadReport;
  ms: number;
}

/** Feeds and pages fetched at once. */
const CONCURRENCY = 4;
/** The longest back-off of a failing feed. */
const MAX_BACKOFF_MS = 24 * 3600_000;
/** An item whose page could not be fetched is tried at this many polls, then left. */
const MAX_ITEM_FAILURES = 3;
/** The scheduler never waits less than this between two polls (a feed due every minute still waits a minute). */
const MIN_TICK_MS = 60_000;
/** How long stopping waits for a poll in flight. */
const STOP_GRACE_MS = 5000;
const DAY_MS = 24 * 3600_000;

type Polled = { feed: FollowedFeed } & ({ outcome: 'read'; parsed: ParsedFeed; fetched: Fetched } | { outcome: 'not-modified' } | { outcome: 'failed'; error: FootnoteError });
type Candidate = { item: FeedItem; feed: string; seen?: SeenItem };
type Page = Candidate & ({ linked: LinkedArticle } | { error: FootnoteError });

/** A failure that says the item will never be an article (not a page, refused, no text), as opposed to one that may pass (a server down). */
const permanent = (error: FootnoteError) => error.code !== ErrorCode.FetchFailed;

/**
 * Follows feeds: reads each when it is due (conditional requests, so an unchanged feed costs a 304),
 * fetches its new and updated items as links are, drops what it has already (by canonical link and
 * by text), and adds the rest through the editor with one reload per poll. A feed that fails is
 * recorded and backed off (its interval doubled per failure in a row, up to a day); nothing a feed
 * does can stop the bot. Changes to the followed feeds and the polls take turns.
 */
export class FeedPoller {
  private readonly turn = new Mutex();
  private readonly queue = new PQueue({ concurrency: CONCURRENCY });
  private readonly now: () => number;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  private get intervalMs(): number {
    return this.deps.settings.pollMinutes * 60_000;
  }

  /** When a feed with `failures` failures in a row is read next: the interval (doubled per failure, at most a day), give or take a tenth. */
  private nextPoll(failures: number): string {
    const wait = Math.min(this.intervalMs * 2 ** failures, Math.max(MAX_BACKOFF_MS, this.intervalMs));
    return new Date(this.now() + wait * (0.9 + 0.2 * this.random())).toISOString();
  }

  private tooOld(date: string | undefined): boolean {
    const { maxAgeDays } = this.deps.settings;
    return maxAgeDays !== undefined && date !== undefined && this.now() - Date.parse(date) > maxAgeDays * DAY_MS;
  }

  list(): Promise<FollowedFeed[]> {
    return this.deps.store.read().then((state) => state.feeds);
  }

  /** Follows a feed: checks that it is one and reads it at once; nothing is saved when either fails. */
  add(link: string): Promise<{ feed: FollowedFeed; report: PollReport }> {
    return this.turn.runExclusive(async () => {
      const url = canonicalLink(parseLink(link).href);
      const exists = () => new FootnoteError(ErrorCode.FeedExists, `Already following ${url}. /feeds list shows it.`);
      if ((await this.deps.store.read()).feeds.some((f) => f.url === url)) throw exists();
      const fetched = await this.deps.web.get(url, { kind: 'feed' }).catch((error: unknown) => {
        const failure = toFootnoteError(error);
        // A site's home page instead of its feed is the usual mistake.
        throw failure.userMessage.includes('not a feed') ? new FootnoteError(ErrorCode.FeedInvalid, `${failure.userMessage} Give the address of its RSS, Atom or JSON feed.`) : failure;
      });
      if (fetched.status !== 'ok') throw new FootnoteError(ErrorCode.FetchFailed, `${new URL(url).host} answered as if the feed had been read before.`);
      const { title } = parseFeed(fetched);
      const at = new Date(this.now()).toISOString();
      const feed: FollowedFeed = { url, ...(title ? { title } : {}), addedAt: at, validators: {}, failures: 0, nextPollAt: at, itemsAdded: 0 };
      await this.deps.store.update((state) => {
        if (state.feeds.some((f) => f.url === url)) throw exists();
        state.feeds.push(feed);
      });
      // A first read that fails (its reload refused, say) leaves the feed not followed, as the reply says.
      const report = await this.pollNow((f) => f.url === url, new Map([[url, fetched]])).catch(async (error: unknown) => {
        await this.deps.store.update((state) => {
          state.feeds = state.feeds.filter((f) => f.url !== url);
        });
        throw error;
      });
      return { feed: (await this.list()).find((f) => f.url === url) ?? feed, report };
    });
  }

  /** Stops following a feed (by its link); the articles it added stay. */
  remove(link: string): Promise<FollowedFeed> {
    return this.turn.runExclusive(async () => {
      const wanted = (() => {
        try {
          return canonicalLink(parseLink(link).href);
        } catch {
          return link.trim();
        }
      })();
      return this.deps.store.update((state) => {
        const index = state.feeds.findIndex((f) => f.url === wanted || f.url === link.trim());
        if (index < 0) throw new FootnoteError(ErrorCode.FeedNotFound, `No feed ${wanted.slice(0, 200)} is followed. /feeds list shows the feeds.`);
        return state.feeds.splice(index, 1)[0]!;
      });
    });
  }

  /** Reads the feeds that are due (`all`: every feed, as `footnote feeds poll` does). */
  poll({ all = false }: { all?: boolean } = {}): Promise<PollReport> {
    const now = this.now();
    return this.turn.runExclusive(() => this.pollNow((feed) => all || Date.parse(feed.nextPollAt) <= now));
  }

  private async readFeed(feed: FollowedFeed, prefetched: Fetched | undefined): Promise<Polled> {
    try {
      const fetched = prefetched ?? (await this.deps.web.get(feed.url, { kind: 'feed', validators: feed.validators }));
      if (fetched.status === 'not-modified') return { feed, outcome: 'not-modified' };
      return { feed, outcome: 'read', parsed: parseFeed(fetched), fetched };
    } catch (error) {
      return { feed, outcome: 'failed', error: toFootnoteError(error) };
    }
  }

  /** Items new to Footnote, or updated since they were added, each once (the first feed that lists it has it). */
  private candidates(polled: Polled[], state: FeedState, skipped: Map<string, { feed: string; reason: string; item: FeedItem }>): Candidate[] {
    const claimed = new Set<string>();
    const out: Candidate[] = [];
    for (const result of polled) {
      if (result.outcome !== 'read') continue;
      for (const item of result.parsed.items) {
        if (claimed.has(item.url)) continue;
        claimed.add(item.url);
        const seen = state.items[item.url];
        const retry = seen && !seen.articleId && !seen.skipped && (seen.failures ?? 0) < MAX_ITEM_FAILURES;
        const updated = seen?.articleId && !seen.removedAt && item.version && item.version !== seen.version;
        if (seen && !retry && !updated) continue;
        if (!updated && this.tooOld(item.published)) skipped.set(item.url, { feed: result.feed.url, reason: `published ${item.published!.slice(0, 10)}, older than FEED_MAX_AGE_DAYS`, item });
        else out.push({ item, feed: result.feed.url, ...(seen ? { seen } : {}) });
      }
    }
    return out;
  }

  private async pollNow(due: (feed: FollowedFeed) => boolean, prefetched = new Map<string, Fetched>()): Promise<PollReport> {
    const started = performance.now();
    const state = await this.deps.store.read();
    const feeds = state.feeds.filter(due);
    if (!feeds.length) return { feeds: [], added: [], updated: [], removed: [], skipped: [], ms: elapsed(started) };
    const polled = await Promise.all(feeds.map((feed) => this.queue.add(() => this.readFeed(feed, prefetched.get(feed.url)))));
    const skipped = new Map<string, { feed: string; reason: string; item: FeedItem }>();
    const pages: Page[] = await Promise.all(
      this.candidates(polled, state, skipped).map((candidate) =>
        this.queue.add(() => articleFromLink(this.deps.web, candidate.item.url).then((linked): Page => ({ ...candidate, linked }), (error: unknown): Page => ({ ...candidate, error: toFootnoteError(error) }))),
      ),
    );

    // What to write of each item, by canonical link; and the changes for the one reload.
    const seenNow = new Date(this.now()).toISOString();
    const items = new Map<string, SeenItem>();
    const failedItems: Page[] = [];
    // Each text seen: the article it is (`id`), or the item of this poll that brings it.
    const texts = new Map<string, string>(Object.values(state.items).flatMap((i) => (i.articleId && i.textHash ? [[i.textHash, `\`${i.articleId}\``]] : [])));
    const indexed = new Map(this.deps.sources().map((s) => [s.id, s]));
    const adds: { page: Page; linked: LinkedArticle }[] = [];
    const replaces: { page: Page; linked: LinkedArticle; id: string }[] = [];
    for (const page of pages) {
      const { item, seen } = page;
      if ('error' in page) {
        if (permanent(page.error)) skipped.set(item.url, { feed: page.feed, reason: page.error.userMessage, item });
        else {
          failedItems.push(page);
          items.set(item.url, { feed: page.feed, version: item.version, seenAt: seenNow, failures: (seen?.failures ?? 0) + 1 });
        }
        continue;
      }
      const { linked } = page;
      // A page without a date of its own takes the feed's.
      if (!linked.input.source.publishedAt && item.published) linked.input.source.publishedAt = item.published;
      if (seen?.articleId) {
        // Updated in the feed: replaced when its text changed and it is still indexed.
        if (seen.textHash !== linked.textHash && indexed.has(seen.articleId)) replaces.push({ page, linked, id: seen.articleId });
        else items.set(item.url, { ...seen, version: item.version });
        continue;
      }
      const pageUrl = canonicalLink(linked.input.source.url);
      const known = pageUrl !== item.url ? state.items[pageUrl]?.articleId : undefined;
      const twin = texts.get(linked.textHash) ?? (known ? `\`${known}\`` : undefined);
      if (twin) skipped.set(item.url, { feed: page.feed, reason: `the same article as ${twin}`, item });
      else if (this.tooOld(linked.input.source.publishedAt)) skipped.set(item.url, { feed: page.feed, reason: `published ${linked.input.source.publishedAt!.slice(0, 10)}, older than FEED_MAX_AGE_DAYS`, item });
      else {
        texts.set(linked.textHash, item.url);
        adds.push({ page, linked });
      }
    }
    const expired = Object.entries(state.items).filter(([, i]) => i.articleId && !i.removedAt && indexed.has(i.articleId) && this.tooOld(indexed.get(i.articleId)!.publishedAt ?? i.publishedAt ?? i.seenAt));

    const applied =
      adds.length || replaces.length || expired.length
        ? await this.deps.editor.apply({ add: adds.map((a) => a.linked.input), replace: replaces.map((r) => ({ id: r.id, input: r.linked.input })), remove: expired.map(([, i]) => i.articleId!) })
        : undefined;
    const addedBy = new Map<string, number>();
    for (const { index, article, hash } of applied?.added ?? []) {
      const { page, linked } = adds[index]!;
      items.set(page.item.url, { feed: page.feed, version: page.item.version, seenAt: seenNow, articleId: article.id, textHash: linked.textHash, ...(linked.input.source.publishedAt ? { publishedAt: linked.input.source.publishedAt } : {}) });
      addedBy.set(page.feed, (addedBy.get(page.feed) ?? 0) + 1);
      await this.deps.audit({ at: seenNow, action: 'feed-article-add', result: 'ok', feed: page.feed, url: linked.input.source.url, article: article.id, hash });
    }
    for (const { index, article, hash } of applied?.replaced ?? []) {
      const { page, linked } = replaces[index]!;
      items.set(page.item.url, { ...page.seen!, version: page.item.version, textHash: linked.textHash });
      await this.deps.audit({ at: seenNow, action: 'feed-article-replace', result: 'ok', feed: page.feed, url: linked.input.source.url, article: article.id, hash });
    }
    for (const { index, article, hash, keptAs } of applied?.removed ?? []) {
      const [url, item] = expired[index]!;
      items.set(url, { ...item, removedAt: seenNow });
      await this.deps.audit({ at: seenNow, action: 'feed-article-remove', result: 'ok', reason: `older than FEED_MAX_AGE_DAYS (${this.deps.settings.maxAgeDays})`, feed: item.feed, article: article.id, hash, keptAs });
    }
    for (const { kind, index, error } of applied?.rejected ?? []) {
      if (kind === 'remove') continue;
      const { page } = kind === 'add' ? adds[index]! : replaces[index]!;
      // An update that cannot be made keeps the article as it was: the item is not tried again until it changes again.
      if (kind === 'replace') items.set(page.item.url, { ...page.seen!, version: page.item.version });
      else skipped.set(page.item.url, { feed: page.feed, reason: toFootnoteError(error).userMessage, item: page.item });
    }
    for (const [url, { feed, reason, item }] of skipped) items.set(url, { feed, version: item.version, seenAt: seenNow, skipped: reason });

    await this.deps.store.update((current) => {
      for (const result of polled) {
        // A feed removed while it was being read is not brought back.
        const feed = current.feeds.find((f) => f.url === result.feed.url);
        if (!feed) continue;
        feed.lastPollAt = seenNow;
        if (result.outcome === 'failed') {
          feed.failures += 1;
          feed.lastError = result.error.userMessage;
          feed.lastErrorAt = seenNow;
          feed.nextPollAt = this.nextPoll(feed.failures);
          continue;
        }
        feed.failures = 0;
        feed.lastSuccessAt = seenNow;
        feed.nextPollAt = this.nextPoll(0);
        feed.itemsAdded += addedBy.get(feed.url) ?? 0;
        if (result.outcome === 'read') {
          feed.validators = { ...(result.fetched.etag ? { etag: result.fetched.etag } : {}), ...(result.fetched.lastModified ? { lastModified: result.fetched.lastModified } : {}) };
          if (result.parsed.title) feed.title = result.parsed.title;
        }
      }
      for (const [url, item] of items) current.items[url] = item;
    });

    const report: PollReport = {
      feeds: polled.map((result) => ({
        url: result.feed.url,
        ...(result.feed.title ? { title: result.feed.title } : {}),
        outcome: result.outcome,
        added: addedBy.get(result.feed.url) ?? 0,
        ...(result.outcome === 'failed' ? { error: result.error.userMessage } : {}),
      })),
      added: (applied?.added ?? []).map((a) => a.article),
      updated: (applied?.replaced ?? []).map((r) => r.article),
      removed: (applied?.removed ?? []).map((r) => r.article),
      skipped: [...[...skipped].map(([url, { reason }]) => ({ url, reason })), ...failedItems.map((p) => ({ url: p.item.url, reason: `${'error' in p ? p.error.userMessage : ''} (tried again at the next poll)` }))],
      ...(applied?.report ? { reload: applied.report } : {}),
      ms: elapsed(started),
    };
    const { logger } = this.deps;
    for (const feed of report.feeds) if (feed.error) logger.warn({ feed: feed.url }, `feed ${feed.url} failed: ${feed.error}`);
    logger.info({ feeds: report.feeds.length, added: report.added.length, updated: report.updated.length, removed: report.removed.length, skipped: report.skipped.length, ms: report.ms }, 'feeds polled');
    if (report.added.length && this.deps.onAdded) await this.deps.onAdded(report.added).catch((error: unknown) => logger.warn({ err: error }, 'the digest of the new articles could not be posted'));
    return report;
  }

  /** Milliseconds until the next feed is due, within [MIN_TICK_MS, the interval]. */
  private async untilNextDue(): Promise<number> {
    const feeds = await this.list();
    const next = Math.min(...feeds.map((f) => Date.parse(f.nextPollAt)));
    return Math.min(this.intervalMs, Math.max(MIN_TICK_MS, next - this.now()));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // The poller never keeps a process alive that has nothing else to do.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let delay = this.intervalMs;
    // Another process polls (Postgres): this one asks again at the next interval, and takes over if that one has gone.
    this.running = (async () => {
      if (!(await this.deps.store.lead())) return;
      await this.poll();
      delay = await this.untilNextDue();
    })();
    try {
      await this.running;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'polling the feeds failed; the next poll tries again');
    } finally {
      this.running = undefined;
      this.schedule(delay);
    }
  }

  /** Polls in the running bot: the first feeds that are due within a minute of the start, then each as it comes due. */
  start(): void {
    this.stopped = false;
    this.schedule(Math.min(MIN_TICK_MS, this.intervalMs) * this.random());
  }

  /** Stops the schedule, lets a poll or a moderator's add or remove in flight finish (briefly), and releases the store. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await within(Promise.all([this.running?.catch(() => undefined), this.turn.waitForUnlock()]), STOP_GRACE_MS, undefined);
    await this.deps.store.close();
  }
}
