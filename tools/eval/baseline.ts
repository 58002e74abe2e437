import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../../src/logger.js';
import { toolEmbeddings } from '../lib/corpus-snapshot.js';
import type { EvaluatedEngine, Scored } from './run.js';

/** The engine before reader v2: the first trained reader (linear models over lexical and sentence-vector features), main at the start of round three. */
export const BASELINE_COMMIT = 'ab1e013';

const root = join(import.meta.dirname, '..', '..');

/**
 * The engine of an earlier commit, checked out beside this one (a git worktree sharing this
 * node_modules) and driven through its own Engine class, so both are measured on the same questions.
 */
export async function baselineEngine(commit: string): Promise<EvaluatedEngine> {
  const dir = join(tmpdir(), `footnote-baseline-${commit}`);
  if (!existsSync(dir)) {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, commit], { stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  }
  const load = (path: string) => import(pathToFileURL(join(dir, path)).href);
  const [app, config, engineModule, embeddingsModule] = await Promise.all([load('src/app.ts'), load('src/config.ts'), load('src/engine.ts'), load('src/index/embeddings.ts')]);
  // A trained reader is passed in from the commit that has one; earlier engines build their own rules.
  const reader = existsSync(join(dir, 'src/answer/models.ts'))
    ? new (await load('src/answer/reader.ts')).Reader((await load('src/answer/models.ts')).shippedModels)
    : undefined;
  const embeddings = toolEmbeddings();
  return {
    name: `previous engine (${commit})`,
    async answerAll(seedsDir, questions) {
      const options = { ...app.engineOptions(config.loadConfig({})), seedsDir, dataDir: undefined };
      const engine = new engineModule.Engine({ options, embeddings: reader ? embeddings : new embeddingsModule.CachedEmbeddings(embeddings), ...(reader ? { reader } : {}), logger: createLogger('warn') });
      await engine.start();
      const out: Scored[] = [];
      for (const question of questions) {
        const a = await engine.ask(question.question);
        out.push({ question, outcome: a.outcome ?? (a.refused ? 'not-found' : 'answer'), kind: a.kind, answer: a.answer, citations: a.citations, closest: a.closest, ms: a.timings.totalMs });
      }
      return out;
    },
  };
}
