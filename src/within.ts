import pTimeout from 'p-timeout';

/** Resolves with the promise's value, or with `fallback` after `ms` (p-timeout: the timer never outlives the race). */
export function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return pTimeout<T | F>(promise, { milliseconds: ms, fallback: () => fallback });
}
