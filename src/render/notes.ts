import type { IndexingProgress } from '../engine/engine.js';
import type { Difference } from '../types.js';

/** Notes shown beside answers and lists, in the same words in every interface. */

/** While vectors are embedded in the background: how far it has got. */
export const indexingNote = ({ chunks, chunksWithVectors }: IndexingProgress) =>
  `Indexing: ${chunksWithVectors.toLocaleString('en')} of ${chunks.toLocaleString('en')} passages have their vectors; the rest are found by their words until then.`;

/** A question that does not read as English (src/answer/language.ts). */
export const NOT_ENGLISH_NOTE = 'The articles are read in English, and this question does not read as English: asking in English finds more.';

/** A claim's verdicts, in the same words in every interface. */
export const VERDICT_LABEL = { supported: 'Supported', differs: 'The articles differ', 'not-in-articles': 'Not in the articles' } as const;

/** What a cited sentence gives otherwise: "the message says 30 million; the article says 33 million". */
export const differenceNote = (d: Difference) => `the message says ${d.claim}; the article says ${d.article}`;
