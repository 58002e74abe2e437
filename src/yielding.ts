/**
 * For long loops on the main thread: `await pause()` every step, and every `budgetMs` it lets
 * the event loop run (interactions, timers), so no build step holds the bot for long.
 */
export function yieldEvery(budgetMs = 10): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
}
