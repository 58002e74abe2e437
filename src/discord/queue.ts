import { botEngine, type BotEngine } from './command.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs engine calls at most `parallelism` at a time, first come first served, and lets the event
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

/** The engine with the reader's work on questions and summaries going through `queue`; listing and reloading bypass it. */
export function queuedEngine(engine: BotEngine, queue: WorkQueue): BotEngine {
  return {
    ...botEngine(engine),
    // Only the reader's turn is queued: waiting for a language model must not hold up other questions.
    ask: (question, options) => engine.ask(question, { ...options, schedule: (job) => queue.run(job) }),
    summarize: (request, options) => engine.summarize(request, { ...options, schedule: (job) => queue.run(job) }),
  };
}
