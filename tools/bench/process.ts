import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Each measurement runs in a process of its own, so its peak RSS is its own and the embedding
 * model is loaded from cold. The parent sends a spec file and reads a result file; the child's
 * stdout and stderr both go to the parent's stderr, which keeps the parent's stdout for results.
 */

const CHILD = join(import.meta.dirname, 'child.ts');
const ROOT = join(import.meta.dirname, '..', '..');

/** The commit measured, and whether the work tree had changes on top of it. */
export function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

export async function runChild<Result>(spec: object, env: NodeJS.ProcessEnv = process.env): Promise<Result & { wallMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'footnote-bench-ipc-'));
  try {
    const specFile = join(dir, 'spec.json');
    const resultFile = join(dir, 'result.json');
    await writeFile(specFile, JSON.stringify({ ...spec, resultFile }));
    const started = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, specFile], { stdio: ['ignore', process.stderr, process.stderr], env });
      child.on('error', reject);
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : null)));
    });
    const wallMs = performance.now() - started;
    if (code !== 0) throw new Error(`benchmark child ${JSON.stringify((spec as { kind?: string }).kind)} exited with code ${code}`);
    return { ...(JSON.parse(await readFile(resultFile, 'utf8')) as Result), wallMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Peak resident set size of this process so far, in MiB (maxRSS is in KiB on Linux). */
export const peakRssMiB = () => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
export const rssMiB = () => Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;

/** Bytes of all files under `dir`. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

export const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
