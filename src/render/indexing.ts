import type { IndexingProgress } from '../engine/engine.js';

/** While vectors are embedded in the background: how far it has got, in words for every interface. */
export const indexingNote = ({ chunks, chunksWithVectors }: IndexingProgress) =>
  `Indexing: ${chunksWithVectors.toLocaleString('en')} of ${chunks.toLocaleString('en')} passages have their vectors; the rest are found by their words until then.`;
