import { percentile } from '../eval/metrics.js';
import { log, peakRssMiB, rssMiB } from './process.js';
import { makeBenchEngine } from './setup.js';

/**
 * The soak: a fresh process starts on the saved index, as the bot does after a restart, answers
 * every question once to warm up, then asks `asks` questions in a loop. RSS is sampled eleven
 * times; stable means every sample stays within 10% of the first.
 */

export interface SoakSpec {
  kind: 'soak';
  seedsDir: string;
  dataDir: string;
  questions: string[];
  asks: number;
  label: string;
  resultFile: string;
}

export interface SoakResult {
  asks: number;
  rssMiB: { start: number; middle: number; end: number };
  /** RSS before every tenth of the asks, and at the end. */
  trace: number[];
  heapUsedMiB: number[];
  p50: number;
  p95: number;
  p99: number;
  peakRssMiB: number;
  stable: boolean;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const heapMiB = () => round(process.memoryUsage().heapUsed / 1024 / 1024);

export async function measureSoak(spec: SoakSpec): Promise<SoakResult> {
  const { engine } = await makeBenchEngine(spec.seedsDir, spec.dataDir, spec.label);
  await engine.start();
  for (const question of spec.questions) await engine.ask(question);
  const trace: number[] = [];
  const heap: number[] = [];
  const latencies: number[] = [];
  const every = Math.max(1, Math.floor(spec.asks / 10));
  for (let i = 0; i < spec.asks; i++) {
    if (i % every === 0) {
      trace.push(rssMiB());
      heap.push(heapMiB());
    }
    const started = performance.now();
    await engine.ask(spec.questions[i % spec.questions.length]!);
    latencies.push(performance.now() - started);
    if (i % 2000 === 1999) log(`${spec.label}: soak ${i + 1}/${spec.asks}, RSS ${rssMiB()} MiB`);
  }
  trace.push(rssMiB());
  heap.push(heapMiB());
  const start = trace[0]!;
  return {
    asks: spec.asks,
    rssMiB: { start, middle: trace[Math.floor((trace.length - 1) / 2)]!, end: trace.at(-1)! },
    trace,
    heapUsedMiB: heap,
    p50: round(percentile(latencies, 50), 2),
    p95: round(percentile(latencies, 95), 2),
    p99: round(percentile(latencies, 99), 2),
    peakRssMiB: peakRssMiB(),
    stable: Math.max(...trace) <= start * 1.1 && Math.min(...trace) >= start * 0.9,
  };
}
