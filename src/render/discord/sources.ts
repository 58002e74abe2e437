import { ButtonStyle, ComponentType, type APIEmbedField } from 'discord.js';
import type { IndexingProgress } from '../../engine/engine.js';
import { indexingNote } from '../notes.js';
import type { ArticleInfo } from '../../types.js';
import { oneLine, withoutBidiControls } from '../safe-text.js';
import { Colors, type DiscordMessage, type MessageRow, byline, cut, fitMessage, plain } from './message.js';

/** The /sources view: the indexed articles, a page at a time. */

const SOURCES_PAGE_SIZE = 10;

export const sourcesPageCount = (count: number) => Math.max(1, Math.ceil(count / SOURCES_PAGE_SIZE));

function discordTime(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<t:${seconds}:f>` : iso;
}

/** One page of /sources; `pageId(n)` names the button that shows page n. */
export function renderSources(sources: ArticleInfo[], page: number, pageId: (page: number) => string, indexing?: IndexingProgress): DiscordMessage {
  if (!sources.length) {
    return { embeds: [{ title: 'Indexed articles', description: 'No articles are indexed. Add .txt or .md files to the seeds folder, then run /reload.', color: Colors.info }] };
  }
  const pages = sourcesPageCount(sources.length);
  const current = Math.min(Math.max(0, page), pages - 1);
  const first = current * SOURCES_PAGE_SIZE;
  const fields = sources.slice(first, first + SOURCES_PAGE_SIZE).map<APIEmbedField>((info, i) => {
    const by = byline(info);
    return {
      name: cut(`${first + i + 1}. ${withoutBidiControls(info.title).replace(/\s+/g, ' ')}`, 200),
      value: cut([by && plain(by), `id \`${oneLine(withoutBidiControls(info.id)).replace(/`/g, "'")}\` · ${info.chunks} chunk${info.chunks === 1 ? '' : 's'} · indexed ${discordTime(info.indexedAt)}`].filter(Boolean).join('\n'), 300),
    };
  });
  const components: MessageRow[] =
    pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: pageId(current - 1), label: '◀ Previous', disabled: current === 0 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: pageId(current + 1), label: 'Next ▶', disabled: current === pages - 1 },
            ],
          },
        ]
      : [];
  return fitMessage({
    embeds: [
      {
        title: `Indexed articles (${sources.length})`,
        ...(indexing && indexing.chunksWithVectors < indexing.chunks ? { description: indexingNote(indexing) } : {}),
        fields,
        color: Colors.info,
        footer: { text: `Page ${current + 1} of ${pages}` },
      },
    ],
    components,
  });
}
