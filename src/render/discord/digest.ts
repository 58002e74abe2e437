import type { APIEmbed } from 'discord.js';
import type { Summary } from '../../types.js';
import { withoutBidiControls } from '../safe-text.js';
import { linkTarget } from './citations.js';
import { Colors, DiscordLimits, type DiscordMessage, byline, cut, fitMessage, plain } from './message.js';

/** The feed digest: one message after a poll that added articles, each new article's title linked to its page and two sentences quoted from it. */

/** Articles shown at most: one embed each, within Discord's ten. */
export const DIGEST_ARTICLES = 10;

export function renderDigest(summaries: readonly Summary[], total: number): DiscordMessage {
  const embeds = summaries.slice(0, DIGEST_ARTICLES).map<APIEmbed>(({ article, citations }) => {
    const target = linkTarget(article.url);
    const by = byline(article);
    const meta = [by && plain(by), article.publishedAt && `published ${article.publishedAt.slice(0, 10)}`].filter(Boolean).join(' · ');
    return {
      title: cut(withoutBidiControls(article.title).replace(/\s+/g, ' '), DiscordLimits.title),
      ...(target ? { url: target } : {}),
      // Verbatim sentences, each with where it is: a summary that cites, like /summary's.
      description: [...citations.map((c) => `> ${cut(plain(c.quote), 600)} *(¶${c.paragraph})*`), ...(meta ? [`-# ${meta}`] : [])].join('\n') || 'No sentence could be quoted.',
      color: Colors.summary,
    };
  });
  const more = total > embeds.length ? ` The first ${embeds.length} are below; /sources lists them all.` : '';
  return fitMessage({ content: `📰 ${total} new article${total === 1 ? '' : 's'} from the feeds, quoted word for word.${more} Ask about them with /ask.`, embeds });
}
