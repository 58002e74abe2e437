import { SyntheticEmbeddings } from '@langchain/core/utils/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FootnoteEmbeddings } from '../../src/index/embeddings.js';

/**
 * Synthetic articles for fault tests: made-up text (never a real corpus), deterministic, each
 * with a fact of its own ("The Velmora-17 turbine ... 417 megawatts") a question can find.
 */

const PLACES = ['Velmora', 'Ostrenko', 'Haldane', 'Quillby', 'Marrowdale', 'Tesselin', 'Brakkas', 'Orlundy'];
const THINGS = ['turbine', 'ferry', 'reservoir', 'observatory', 'railway', 'orchard', 'foundry', 'library'];
const FILLER = [
  'Officials said the work had been planned for several years and would continue through the winter.',
  'Residents gathered near the site to watch the engineers test the new equipment in the morning.',
  'The council published a report describing the costs, the schedule and the expected benefits.',
  'Local businesses welcomed the project, although some asked for clearer information about delays.',
  'A spokesperson said further details would be shared at a public meeting later in the month.',
  'Independent inspectors visited twice and found that the safety checks had been carried out properly.',
];

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vu', 'bel', 'dor', 'fen', 'gil'];

/** A made-up place name of its own for every n: "Velmora Kalomi", "Ostrenko Kalolo"... */
export function place(n: number): string {
  const word = String(n).padStart(3, '0').split('').map((digit) => SYLLABLES[Number(digit)]).join('');
  return `${PLACES[n % PLACES.length]} ${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** The one fact of article n, and the question that asks for it. */
export function fact(n: number, version = 1) {
  const thing = THINGS[n % THINGS.length]!;
  const amount = 100 + ((n * 37 + version * 11) % 900);
  return {
    sentence: `The ${place(n)} ${thing} reached ${amount} units of output on its first full day of operation.`,
    question: `How many units of output did the ${place(n)} ${thing} reach on its first full day?`,
    answer: `${amount} units`,
  };
}

/**
 * A news-like article of about `paragraphs` × 600 characters with the fact in its second paragraph;
 * with `paragraphs: 0`, just the title and the fact (one short chunk).
 */
export function syntheticArticle(n: number, { version = 1, paragraphs = 5 } = {}): string {
  const title = `${place(n)} ${THINGS[n % THINGS.length]} opens after long delay`;
  if (paragraphs === 0) return `${title}\n\n${fact(n, version).sentence}\n`;
  const body = Array.from({ length: paragraphs }, (_, p) => {
    const lines = Array.from({ length: 5 }, (_, s) => FILLER[(n + p * 5 + s) % FILLER.length]!);
    if (p === 1 || paragraphs === 1) lines.splice(2, 0, fact(n, version).sentence);
    return lines.join(' ');
  });
  return `${title}\n\n${body.join('\n\n')}\n`;
}

export const articleFile = (n: number) => `article-${String(n).padStart(4, '0')}.txt`;

export async function writeSyntheticArticles(seedsDir: string, numbers: Iterable<number>, options: { version?: number; paragraphs?: number } = {}): Promise<void> {
  for (const n of numbers) await writeFile(join(seedsDir, articleFile(n)), syntheticArticle(n, options));
}

export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Articles whose ten sentences are all their own (no filler shared with another), so each adds eleven texts to embed, title included. */
export async function writeHarbourArticles(seedsDir: string, numbers: Iterable<number>): Promise<void> {
  for (const n of numbers) {
    const body = range(0, 10).map((s) => `Harbour ${n} logged ${s * 7 + n} ferries in week ${s} of the season.`).join(' ');
    await writeFile(join(seedsDir, `harbour-${n}.txt`), `Harbour ${n} traffic\n\n${body}\n`);
  }
}

/**
 * The same vectors as tests/helpers.ts' TestEmbeddings (same id, so indexes are interchangeable; 32-d
 * unless told), importable outside vitest (by a child process) and able to go slowly or wait at a gate.
 */
export class FaultEmbeddings extends SyntheticEmbeddings implements FootnoteEmbeddings {
  readonly id: string;
  documentsEmbedded = 0;
  /** Called before each batch of documents is embedded; a test can make it wait. */
  beforeBatch: (texts: string[]) => Promise<void> | void = () => {};

  /** `dimension`: 512 for the Postgres store, whose vector column is the bundled embedder's size. */
  constructor(
    private readonly delayMs = 0,
    readonly dimension = 32,
  ) {
    super({ vectorSize: dimension });
    this.id = `synthetic-${dimension}`;
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    await this.beforeBatch(texts);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.documentsEmbedded += texts.length;
    return super.embedDocuments(texts);
  }
}

/** A promise a test opens by hand: `gate.wait()` blocks until `gate.open()`. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let reached!: () => void;
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  return {
    /** Resolves once something waits at the gate. */
    arrived,
    wait: () => {
      reached();
      return opened;
    },
    open,
  };
}
