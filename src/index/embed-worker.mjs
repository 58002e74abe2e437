// A worker thread (run by piscina) that embeds batches with the local model, so an index build uses
// every core and the main thread keeps answering questions meanwhile. Plain JS: next to the compiled
// embeddings.js (dist/) it imports that; next to the sources it registers tsx and imports embeddings.ts.
import { existsSync } from 'node:fs';

const compiled = new URL('./embeddings.js', import.meta.url);
if (!existsSync(compiled)) (await import('tsx/esm/api')).register();
const { UseLiteEmbeddings } = await import(existsSync(compiled) ? compiled.href : './embeddings.ts');
const embedder = new UseLiteEmbeddings();

/** @param {string[]} texts */
export default (texts) => embedder.embedDocuments(texts);
