/**
 * A Footnote process for the kill -9 test on the shared store:
 * `node --import tsx tests/store/pg-writer-child.ts <seeds> <database url>`. It starts an engine on
 * the Postgres store (which loads the corpus, then reloads the seeds and saves what changed), says
 * "reloading" as it starts and "done" when the new corpus is saved.
 */
import { engineOptions } from '../../src/app.js';
import { shippedModels } from '../../src/answer/models.js';
import { Reader } from '../../src/answer/reader.js';
import { loadConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { PostgresStore } from '../../src/index/postgres/store.js';
import { createLogger } from '../../src/logger.js';
import { FaultEmbeddings } from '../faults/synthetic.js';

const [seedsDir = '', url = ''] = process.argv.slice(2);
if (seedsDir && url) {
  const logger = createLogger('silent');
  const store = await PostgresStore.open(url, logger);
  const engine = new Engine({ options: { ...engineOptions(loadConfig({})), seedsDir, dataDir: undefined }, embeddings: new FaultEmbeddings(0, 512), store, reader: new Reader(shippedModels), logger });
  process.stdout.write('reloading\n');
  await engine.start();
  process.stdout.write('done\n');
  await engine.close();
}
