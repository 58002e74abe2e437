import type { Answer } from '../types.js';

export interface RememberedAnswer {
  answer: Answer;
  /** Who voted what on this answer, by hashed user id: a repeated vote is not logged twice. */
  votes: Map<string, 'up' | 'down'>;
}

/**
 * Recent answers by the id of the interaction that asked them, so the buttons under an answer can
 * show its passages and record feedback. Bounded: the oldest answers are forgotten first.
 */
export class AnswerCache {
  private readonly entries = new Map<string, RememberedAnswer>();

  constructor(private readonly capacity = 1000) {}

  remember(interactionId: string, answer: Answer): void {
    this.entries.delete(interactionId);
    this.entries.set(interactionId, { answer, votes: new Map() });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get(interactionId: string): RememberedAnswer | undefined {
    return this.entries.get(interactionId);
  }

  get size(): number {
    return this.entries.size;
  }
}
