import { LRUCache } from 'lru-cache';
import type { Answer } from '../types.js';

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
