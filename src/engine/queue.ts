import PQueue from 'p-queue';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the reader's work (p-queue) at most `parallelism` at a time, first come first served, and lets the event
 * loop turn before each one. With local embeddings the engine is CPU-bound on this thread: calls
 * run side by side only interleave as one long chain of microtasks, so every answer finishes last,
 * timers (the 3 s deferral) fire late and the gateway waits. One at a time, each answer is sent as
 * soon as it is ready and replies, deferrals and heartbeats get through between answers.
 */
export class WorkQueue {
  private readonly queue: PQueue;

  constructor(readonly parallelism: number) {
    this.queue = new PQueue({ concurrency: parallelism });
  }

  /** Jobs waiting for a turn. */
  get queued(): number {
    return this.queue.size;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    return this.queue.add(async () => {
      await nextTurn();
      return job();
    });
  }
}
