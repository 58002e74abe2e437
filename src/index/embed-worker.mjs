// A worker thread that embeds batches with the local model, so an index build uses every core and
// the main thread keeps answering questions meanwhile. Plain JS: next to the compiled embeddings.js
// (dist/) it imports that; next to the sources it registers tsx and imports embeddings.ts.
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

const compiled = new URL('./embeddings.js', import.meta.url);
if (!existsSync(compiled)) (await import('tsx/esm/api')).register();
const { UseLiteEmbeddings } = await import(existsSync(compiled) ? compiled.href : './embeddings.ts');
const embedder = new UseLiteEmbeddings();

parentPort.on('message', async ({ id, texts }) => {
  try {
    parentPort.postMessage({ id, vectors: await embedder.embedDocuments(texts) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
