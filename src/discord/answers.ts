import { LRUCache } from 'lru-cache';
import { renderAnswer } from '../render/discord/ask.js';
import type { DiscordMessage } from '../render/discord/message.js';
import type { Answer } from '../types.js';
import { customId } from './command.js';

export interface RememberedAnswer {
  answer: Answer;
  /** Who voted what on this answer, by hashed user id: a repeated vote is not logged twice. */
  votes: Map<string, 'up' | 'down'>;
}

/**
 * Recent answers by the id of the interaction that asked them, so the buttons under an answer can
 * show its passages and record feedback. Bounded (lru-cache): the answers least recently asked about are forgotten first.
 */
export class AnswerCache {
  private readonly entries: LRUCache<string, RememberedAnswer>;

  constructor(capacity = 1000) {
    this.entries = new LRUCache({ max: capacity });
  }

  remember(interactionId: string, answer: Answer): void {
    this.entries.set(interactionId, { answer, votes: new Map() });
  }

  get(interactionId: string): RememberedAnswer | undefined {
    return this.entries.get(interactionId);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * An answer as posted, with its buttons (Show passages, Follow up on a public answer, 👍, 👎:
 * `ask:<action>:<id>`), remembered under `id` (the interaction's, or the message's that asked by
 * mention) for those buttons.
 */
export function answerReply(answers: AnswerCache, id: string, answer: Answer, { isPublic }: { isPublic: boolean }): DiscordMessage {
  answers.remember(id, answer);
  const hasPassages = answer.citations.length + answer.closest.length > 0;
  return renderAnswer(answer, {
    ...(hasPassages ? { passages: customId('ask', 'passages', id) } : {}),
    ...(isPublic ? { followUp: customId('ask', 'follow', id) } : {}),
    up: customId('ask', 'up', id),
    down: customId('ask', 'down', id),
  });
}
