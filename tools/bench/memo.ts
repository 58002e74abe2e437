/**
 * The reader's memo (lru-cache) against the Map-based one it replaced: a sentence memo of 20k
 * entries read 0.8M times over 25k keys, some evicting, as a long-running bot reads it.
 *
 *   node --import tsx tools/bench/memo.ts
 */
import { Memo } from '../../src/answer/analysis.js';

/** The previous memo: a Map kept in use order by deleting and re-inserting each hit. */
class MapMemo<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string, compute: () => V): V {
    const known = this.entries.get(key);
    if (known !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

const keys = Array.from({ length: 25_000 }, (_, i) => `sentence-${i}`);
for (const [name, memo] of [['Map memo', new MapMemo<{ i: number }>(20_000)], ['lru-cache memo', new Memo<{ i: number }>(20_000)]] as const) {
  let lookups = 0;
  const started = performance.now();
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 30_000; i += round % 2 ? 1 : 3) {
      memo.get(keys[(i * 7919) % keys.length]!, () => ({ i }));
      lookups += 1;
    }
  }
  process.stdout.write(`${name}: ${lookups.toLocaleString('en')} lookups in ${Math.round(performance.now() - started)} ms\n`);
}
