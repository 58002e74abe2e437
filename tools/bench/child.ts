/**
 * Entry point of one benchmark child process: `node --import tsx tools/bench/child.ts <spec.json>`.
 * Started by tools/bench/run.ts (never by hand); writes its result to the spec's `resultFile`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { LangChainSpec } from './langchain.js';
import type { SizeSpec } from './measure.js';
import type { SoakSpec } from './soak.js';
import type { StartupSpec } from './startup.js';

const spec = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as SizeSpec | StartupSpec | SoakSpec | LangChainSpec;
// Only what this child needs is imported: the start-up child must not pay for LangChain or ROUGE.
const result =
  spec.kind === 'langchain'
    ? await (await import('./langchain.js')).measureLangChain(spec)
    : spec.kind === 'startup'
      ? await (await import('./startup.js')).measureStartup(spec)
      : spec.kind === 'soak'
        ? await (await import('./soak.js')).measureSoak(spec)
        : await (await import('./measure.js')).measureSize(spec);
await writeFile(spec.resultFile, JSON.stringify(result));
// Embedding workers and timers must not keep a finished child alive.
process.exit(0);
