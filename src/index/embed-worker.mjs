// A worker thread that embeds batches with the local model, so an index build uses every core and
// the main thread keeps answering questions meanwhile. Plain JS: it registers tsx itself, however
// the main thread was started.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { UseLiteEmbeddings } = await import('./embeddings.ts');
const embedder = new UseLiteEmbeddings();

parentPort.on('message', async ({ id, texts }) => {
  try {
    parentPort.postMessage({ id, vectors: await embedder.embedDocuments(texts) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
