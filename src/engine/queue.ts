const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the reader's work at most `parallelism` at a time, first come first served, and lets the event
 * loop turn before each one. With local embeddings the engine is CPU-bound on this thread: calls
 * run side by side only interleave as one long chain of microtasks, so every answer finishes last,
 * timers (the 3 s deferral) fire late and the gateway waits. One at a time, each answer is sent as
 * soon as it is ready and replies, deferrals and heartbeats get through between answers.
 */
export class WorkQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly parallelism: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active < this.parallelism) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over
    try {
      await nextTurn();
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

