import { SyntheticEmbeddings } from '@langchain/core/utils/testing';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { engineOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { Engine, type EngineOptions } from '../src/engine/engine.js';
import { shippedModels } from '../src/answer/models.js';
import { Reader } from '../src/answer/reader.js';
import { UseLiteEmbeddings, type FootnoteEmbeddings } from '../src/index/embeddings.js';
import { createLogger } from '../src/logger.js';
import type { Answer } from '../src/types.js';

/** The seed story, owned by the tests (the operator's seeds/ may change). */
export const SEEDS_DIR = join(import.meta.dirname, 'fixtures', 'seed');
export const SEED_ID = '000_384e7f44ba0120d1';
export const SEED_FILE = join(SEEDS_DIR, `${SEED_ID}.txt`);
export const silentLogger = createLogger('silent');

/** The passage a user sees first: the citation [1] of an answer, else the best match or closest passage. */
export const firstShown = (answer: Answer) => (answer.outcome === 'answer' ? answer.citations : answer.closest)[0]?.quote ?? '';

/** A temporary folder removed when the test ends. */
export async function tempDir(prefix = 'footnote-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A seeds folder holding a copy of the real seed story. */
export async function seedCopy(): Promise<string> {
  const dir = await tempDir('footnote-seeds-');
  await cp(SEEDS_DIR, dir, { recursive: true });
  return dir;
}

/** Deterministic, fast embeddings for tests about storage and reloads rather than answer quality. */
export class TestEmbeddings extends SyntheticEmbeddings implements FootnoteEmbeddings {
  readonly id = 'synthetic-32';
  readonly dimension = 32;
  documentsEmbedded = 0;
  constructor() {
    super({ vectorSize: 32 });
  }
  override async embedDocuments(texts: string[]): Promise<number[][]> {
    this.documentsEmbedded += texts.length;
    return super.embedDocuments(texts);
  }
}

/** The real offline embedder, loaded once per test file. */
let realEmbeddings: UseLiteEmbeddings | undefined;
export const useLite = () => (realEmbeddings ??= new UseLiteEmbeddings());

export function testOptions(overrides: Partial<EngineOptions> & { seedsDir: string }): EngineOptions {
  return { ...engineOptions(loadConfig({})), dataDir: undefined, ...overrides };
}

/** The shipped reader, one per test file: its lexicon and caches are shared by the engines of the file. */
let testReader: Reader | undefined;
export const reader = () => (testReader ??= new Reader(shippedModels));

export function makeEngine<E extends FootnoteEmbeddings = TestEmbeddings>(options: Partial<EngineOptions> & { seedsDir: string }, inner: E = new TestEmbeddings() as FootnoteEmbeddings as E) {
  return { engine: new Engine({ options: testOptions(options), embeddings: inner, reader: reader(), logger: silentLogger }), inner };
}
