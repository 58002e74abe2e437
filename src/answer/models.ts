import answerability from './models/answerability.json' with { type: 'json' };
import span from './models/span-extractor.json' with { type: 'json' };
import ranker from './models/sentence-ranker.json' with { type: 'json' };
import type { LinearModel } from './model.js';
import type { ReaderModels } from './reader.js';

/** The models shipped with Footnote, trained by `npm run train` (each file says on what, and how it scored). */
export const shippedModels: ReaderModels = {
  ranker: ranker as LinearModel,
  span: span as LinearModel,
  answerability: answerability as LinearModel,
};

/** The decision thresholds chosen on the dev split with the models: the defaults of their settings. */
export const calibrated = {
  minConfidence: shippedModels.answerability.thresholds.answer ?? 0.5,
  minRelevance: shippedModels.answerability.thresholds.bestMatch ?? 0.1,
  minShortAnswer: shippedModels.span.thresholds.short ?? 0.5,
};
