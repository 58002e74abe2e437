import answerability from './models/answerability.json' with { type: 'json' };
import span from './models/span-extractor.json' with { type: 'json' };
import ranker from './models/sentence-ranker.json' with { type: 'json' };
import short from './models/short-answer.json' with { type: 'json' };
import network from './models/span-network.json' with { type: 'json' };
import { ANSWERABILITY_FEATURES, SENTENCE_FEATURES, SHORT_ANSWER_FEATURES, SPAN_FEATURES } from './features.js';
import { loadModel } from './model.js';
import type { ReaderModels } from './reader.js';
import { loadNetwork } from './span-network.js';

const spanNetwork = loadNetwork('src/answer/models/span-network.json', network);

/** The models shipped with Footnote, trained by `npm run train` (each file says on what, and how it scored). */
export const shippedModels: ReaderModels = {
  ranker: loadModel('src/answer/models/sentence-ranker.json', ranker, 'softmax', SENTENCE_FEATURES),
  span: loadModel('src/answer/models/span-extractor.json', span, 'softmax', SPAN_FEATURES),
  answerability: loadModel('src/answer/models/answerability.json', answerability, 'logistic', ANSWERABILITY_FEATURES),
  short: loadModel('src/answer/models/short-answer.json', short, 'logistic', SHORT_ANSWER_FEATURES),
  // Shipped only if it beat the linear span model on dev (its card says by how much).
  ...(spanNetwork.file.use ? { network: spanNetwork } : {}),
};

/** The decision thresholds chosen on the dev split with the models: the defaults of their settings. */
export const calibrated = {
  minConfidence: shippedModels.answerability.thresholds.answer ?? 0.5,
  minRelevance: shippedModels.answerability.thresholds.bestMatch ?? 0.1,
  minShortAnswer: shippedModels.short.thresholds.short ?? 0.9,
};
