import { createHash } from 'node:crypto';
import type { APIEmbedField } from 'discord.js';
import type { PollReport } from '../../ingest/feeds/poller.js';
import type { FollowedFeed } from '../../ingest/feeds/state.js';
import { withoutBidiControls } from '../safe-text.js';
import { linkTarget } from './citations.js';
import { Colors, DiscordLimits, type DiscordMessage, cut, fitMessage, ms, plain } from './message.js';

/** The /feeds views: what following a feed added, the list of feeds with their health, the feed picker. */

const when = (iso: string | undefined) => {
  const seconds = iso ? Math.floor(Date.parse(iso) / 1000) : NaN;
  return Number.isFinite(seconds) ? `<t:${seconds}:R>` : 'never';
};

const feedName = (feed: Pick<FollowedFeed, 'title' | 'url'>) => withoutBidiControls(feed.title ?? new URL(feed.url).host).replace(/\s+/g, ' ');

/** A feed's link, shown as itself (Discord links it) or, when it cannot be a link, as code. */
const shownLink = (url: string) => (linkTarget(url) ? `<${linkTarget(url)}>` : `\`${url.replace(/`/g, "'")}\``);

/** The skipped items of a poll, a few of them with why. */
function skippedLines(report: PollReport): string[] {
  if (!report.skipped.length) return [];
  const shown = report.skipped.slice(0, 5).map((s) => `• ${cut(plain(s.reason), 200)}`);
  return [`${report.skipped.length} item${report.skipped.length === 1 ? '' : 's'} not added:`, ...shown, ...(report.skipped.length > 5 ? [`…and ${report.skipped.length - 5} more.`] : [])];
}

/** /feeds add: the feed followed, and what its first poll added. */
export function renderFeedAdded(feed: FollowedFeed, report: PollReport): DiscordMessage {
  const added = report.added.length;
  return fitMessage({
    embeds: [
      {
        title: cut(`Following: ${feedName(feed)}`, DiscordLimits.title),
        description: [
          shownLink(feed.url),
          added ? `${added} article${added === 1 ? '' : 's'} added; they can be asked about now.` : 'No new articles in it yet.',
          ...skippedLines(report),
          'New items are added as they come; `/feeds list` shows how the feed is doing.',
        ].join('\n'),
        color: Colors.summary,
        ...(report.reload ? { footer: { text: `Index reloaded in ${ms(report.reload.ms)}` } } : {}),
      },
    ],
  });
}

export function renderFeedRemoved(feed: FollowedFeed): DiscordMessage {
  return fitMessage({
    embeds: [{ title: cut(`No longer following: ${feedName(feed)}`, DiscordLimits.title), description: `${shownLink(feed.url)}\nThe ${feed.itemsAdded} article${feed.itemsAdded === 1 ? '' : 's'} it added stay (remove them with /article remove).`, color: Colors.summary }],
  });
}

/** /feeds list: each feed with what it added, when it was last read, its last error and when it is tried again. */
export function renderFeeds(feeds: readonly FollowedFeed[]): DiscordMessage {
  if (!feeds.length) return { embeds: [{ title: 'Feeds followed', description: 'No feeds are followed. Add one with `/feeds add url:<feed address>`.', color: Colors.info }] };
  const fields = feeds.slice(0, DiscordLimits.fields).map<APIEmbedField>((feed) => ({
    name: cut(`${feed.failures ? '⚠️ ' : ''}${feedName(feed)}`, DiscordLimits.fieldName),
    value: cut(
      [
        shownLink(feed.url),
        `${feed.itemsAdded} article${feed.itemsAdded === 1 ? '' : 's'} added · last read ${when(feed.lastSuccessAt)}`,
        ...(feed.lastError ? [`Last error ${when(feed.lastErrorAt)}: ${cut(plain(feed.lastError), 300)}`] : []),
        feed.failures ? `Tried again ${when(feed.nextPollAt)} (${feed.failures} failure${feed.failures === 1 ? '' : 's'} in a row)` : `Next read ${when(feed.nextPollAt)}`,
      ].join('\n'),
      DiscordLimits.fieldValue,
    ),
  }));
  const more = feeds.length > fields.length ? ` (the first ${fields.length})` : '';
  return fitMessage({ embeds: [{ title: `Feeds followed: ${feeds.length}${more}`, fields, color: Colors.info }] });
}

/**
 * A feed's value in a choice list: its link, or when that is over Discord's 100 characters, "~" and
 * 16 hex digits of its hash (what `feedFromChoice` reads back).
 */
function feedChoiceValue(url: string): string {
  return url.length <= DiscordLimits.choiceValue ? url : `~${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
}

export function renderFeedChoices(feeds: readonly FollowedFeed[], typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toLowerCase();
  return feeds
    .filter((f) => f.url.toLowerCase().includes(needle) || f.title?.toLowerCase().includes(needle))
    .slice(0, DiscordLimits.choices)
    .map((f) => ({ name: cut(f.title ? `${feedName(f)} — ${f.url}` : f.url, DiscordLimits.choiceName), value: feedChoiceValue(f.url) }));
}

/** The feed link a chosen (or typed) value stands for. */
export const feedFromChoice = (value: string, feeds: readonly FollowedFeed[]) => feeds.find((f) => feedChoiceValue(f.url) === value)?.url ?? value;
