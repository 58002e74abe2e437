/** Milliseconds since `since` (a performance.now() reading), to two decimals: what reports and timings show. */
export const elapsed = (since: number) => Math.round((performance.now() - since) * 100) / 100;
