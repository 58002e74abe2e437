import { ApplicationCommandType } from 'discord.js';
import { Colors, DiscordLimits, type DiscordMessage, cut, fitMessage } from './message.js';

/** The /help view. */

export interface HelpCommand {
  /** A message command is used from a message's menu (right-click › Apps). */
  type?: ApplicationCommandType;
  name: string;
  description?: string;
}

const line = (c: HelpCommand) => (c.type === ApplicationCommandType.Message ? `Right-click a message › Apps › **${c.name}**` : `\`/${c.name}\` — ${c.description ?? ''}`);

/** /help: what the bot does, its commands, three questions to try. */
export function renderHelp(commands: readonly HelpCommand[], examples: readonly string[]): DiscordMessage {
  return fitMessage({
    embeds: [
      {
        title: 'Footnote',
        description:
          'I answer questions about the news articles indexed for this server. Every answer quotes, word for word, ' +
          "the passages it rests on, numbered like footnotes. When the articles don't cover a question, I say so instead of guessing.",
        color: Colors.info,
        fields: [
          { name: 'Commands', value: cut(commands.map(line).join('\n'), DiscordLimits.fieldValue) },
          { name: 'Try asking', value: cut(examples.map((q) => `\`/ask question: ${q.replace(/`/g, "'")}\``).join('\n'), DiscordLimits.fieldValue) },
          { name: 'Or mention me', value: 'A message that mentions me with a question is answered as a reply: `@Footnote who wrote the article?`' },
        ],
        footer: { text: 'Answers never ping anyone. Buttons under an answer show the full passages and record your feedback.' },
      },
    ],
  });
}
