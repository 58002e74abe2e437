import { LRUCache } from 'lru-cache';

/** An action waiting for the one user who asked for it to confirm it (a button, a form), until it expires. */
export interface Pending<T> {
  userId: string;
  action: T;
  expiresAt: number;
}

/**
 * Confirmations by the id of the interaction that asked, held in memory (a restart forgets them:
 * the button then says so). Expired entries are dropped as new ones come in.
 */
export class Confirmations<T = { kind: 'remove' | 'replace'; articleId: string }> {
  private readonly pending = new Map<string, Pending<T>>();
  /** Requests already answered, so a late second press is told so rather than "expired". */
  private readonly answered = new LRUCache<string, true>({ max: 1000 });

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  ask(id: string, userId: string, action: T): void {
    for (const [key, entry] of this.pending) if (entry.expiresAt <= this.now()) this.pending.delete(key);
    this.pending.set(id, { userId, action, expiresAt: this.now() + this.ttlMs });
  }

  /** What pressing the button by `userId` means: the action (taken, so it runs once), or why not. */
  take(id: string, userId: string): { action: T } | { refused: 'unknown' | 'expired' | 'not-yours' | 'answered' } {
    const entry = this.pending.get(id);
    if (!entry) return { refused: this.answered.has(id) ? 'answered' : 'unknown' };
    if (entry.expiresAt <= this.now()) {
      this.pending.delete(id);
      return { refused: 'expired' };
    }
    if (entry.userId !== userId) return { refused: 'not-yours' };
    this.pending.delete(id);
    this.answered.set(id, true);
    return { action: entry.action };
  }

  /** Forgets a pending action (it timed out); true when it was still pending. */
  drop(id: string): boolean {
    return this.pending.delete(id);
  }
}
