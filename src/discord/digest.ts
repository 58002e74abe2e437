import { Routes, type REST } from 'discord.js';
import type { Logger } from '../logger.js';
import { DIGEST_ARTICLES, renderDigest } from '../render/discord/digest.js';
import type { ArticleInfo, Summary } from '../types.js';
import type { BotEngine } from './command.js';

/** Sentences quoted from each new article. */
const DIGEST_SENTENCES = 2;

/**
 * Posts the digest of a poll's new articles in FEED_DIGEST_CHANNEL_ID: one message, mentions off
 * (nothing in an article can ping). An article that cannot be summarised is left out of it.
 */
export async function postDigest({ rest, channelId, engine, logger }: { rest: REST; channelId: string; engine: Pick<BotEngine, 'summarize'>; logger: Logger }, articles: readonly ArticleInfo[]): Promise<void> {
  const summaries: Summary[] = [];
  for (const article of articles.slice(0, DIGEST_ARTICLES)) {
    const summary = await engine.summarize({ article: article.id, sentences: DIGEST_SENTENCES }).catch((error: unknown) => logger.warn({ err: error, article: article.id }, 'left out of the digest: it could not be summarised'));
    if (summary) summaries.push(summary);
  }
  if (!summaries.length) return;
  await rest.post(Routes.channelMessages(channelId), { body: { ...renderDigest(summaries, articles.length), allowed_mentions: { parse: [] } } });
}
