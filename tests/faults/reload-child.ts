/**
 * A Footnote process for the kill -9 test: `node --import tsx tests/faults/reload-child.ts <seeds> <data> <delayMs>`.
 * It starts an engine on the saved index (which reloads the seeds) with slow synthetic embeddings,
 * says "embedding" when the first batch starts and "done" when the new index is saved.
 */
import { engineOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { shippedModels } from '../../src/answer/models.js';
import { Reader } from '../../src/answer/reader.js';
import { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/logger.js';
import { FaultEmbeddings } from './synthetic.js';

const [seedsDir = '', dataDir = '', delayMs = '0'] = process.argv.slice(2);
const inner = new FaultEmbeddings(Number(delayMs));
let announced = false;
inner.beforeBatch = () => {
  if (!announced) process.stdout.write('embedding\n');
  announced = true;
};
const engine = new Engine({
  options: { ...engineOptions(loadConfig({})), seedsDir, dataDir },
  embeddings: inner,
  reader: new Reader(shippedModels),
  logger: createLogger('silent'),
});
const report = await engine.start();
process.stdout.write(`done ${JSON.stringify({ added: report.added.length, changed: report.changed.length, removed: report.removed.length })}\n`);
