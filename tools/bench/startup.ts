import { makeBenchEngine } from './setup.js';
import { peakRssMiB } from './process.js';

const round = (x: number) => Math.round(x * 10) / 10;

export interface StartupSpec {
  kind: 'startup';
  seedsDir: string;
  dataDir: string;
  question: string;
  resultFile: string;
}

export interface StartupResult {
  /** From process start (node, tsx, imports) until engine.start() resolved: ready to answer. */
  processReadyMs: number;
  /** engine.start() alone: load the saved index, check the seeds. */
  engineStartMs: number;
  /** Texts embedded during start (0 when the saved index was used as is). */
  embeddedOnStart: number;
  /** The first question after start, which loads the embedding model for queries. */
  firstAskMs: number;
  peakRssMiB: number;
}


/** Start-up with a saved index, timed inside a fresh process. */
export async function measureStartup(spec: StartupSpec): Promise<StartupResult> {
  const { engine, timed } = await makeBenchEngine(spec.seedsDir, spec.dataDir, 'start-up');
  const started = performance.now();
  await engine.start();
  const ready = performance.now();
  await engine.ask(spec.question);
  return {
    processReadyMs: round(ready),
    engineStartMs: round(ready - started),
    embeddedOnStart: timed.texts,
    firstAskMs: round(performance.now() - ready),
    peakRssMiB: peakRssMiB(),
  };
}

