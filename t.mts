import { readSeeds } from './src/ingest/read-seeds.js';
import { chunkArticle } from './src/ingest/chunk.js';
const r = await readSeeds('/work/main/seeds', { maxFileBytes: 5e6 });
const a = r.articles[0]!;
console.log(a.title, '|', a.author, '|', a.publication, a.paragraphs.length);
for (const c of chunkArticle(a, { size: 500, overlap: 150 })) { console.log('---', c.id, c.start, c.end, c.sentences.length, c.text.length); for (const s of c.sentences) console.log('  S', a.source.slice(s.start, s.end)); }
