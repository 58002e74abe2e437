import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { Article, ArticleInfo, ReloadReport } from '../types.js';
import { contentHash } from './parse-article.js';
import { articleFromBytes } from './read-seeds.js';

/** What the editor needs of the engine: the articles it serves, and a reload that sees a change just made. */
export interface EditedIndex {
  sources(): ArticleInfo[];
  articleWithText(hash: string): ArticleInfo | undefined;
  reload(options: { fresh: true }): Promise<ReloadReport>;
}

/** New article text: a file's bytes (.txt or .md), or what a moderator typed. */
export type ArticleInput = { bytes: Uint8Array; extension: '.txt' | '.md' } | { title: string; byline?: string; body: string };

export interface Edited {
  article: ArticleInfo;
  paragraphs: number;
  /** sha256 of the text, shortened, as the index keys it. */
  hash: string;
  report: ReloadReport;
  /** Where a replaced or removed file was kept, relative to the seeds folder. */
  keptAs?: string;
}

/** Where removed and replaced files go, inside the seeds folder, so a mistake can be undone by hand. */
export const REMOVED_DIR = '.removed';
const NAME_CHARS = 60;

/** A typed article as a file: title line, optional "By ..." line, blank line, body. */
function compose(input: { title: string; byline?: string; body: string }): Uint8Array {
  const byline = input.byline?.trim();
  const lines = [input.title.replace(/\s+/g, ' ').trim(), ...(byline ? [/^by\b/i.test(byline) ? byline : `By ${byline}`] : []), '', input.body.trim(), ''];
  return new TextEncoder().encode(lines.join('\n'));
}

/** A file name from a title: lowercase ASCII words joined by hyphens (nothing that can climb out of the folder). */
export function fileNameFor(title: string, extension: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, NAME_CHARS)
    .replace(/-+$/, '');
  return `${slug || 'article'}${extension}`;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * Adds, replaces and removes articles in the seeds folder for moderators who have no shell: each
 * change is checked by the same ingest rules as a file put there by hand, written atomically
 * (a temporary file, then a rename), and followed by the same incremental reload. Changes run one
 * at a time, so two adds never race for a name or a reload.
 */
export class ArticleEditor {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { seedsDir: string; maxFileBytes: number; index: EditedIndex }) {}

  private serially<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change, change);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The article the input makes, by the ingest rules; the error says what is wrong in words a moderator can act on. */
  private parse(input: ArticleInput, file: string): Article {
    const bytes = 'bytes' in input ? input.bytes : compose(input);
    try {
      return articleFromBytes(bytes, { file, modifiedAt: Date.now(), maxFileBytes: this.deps.maxFileBytes });
    } catch (error) {
      throw new FootnoteError(ErrorCode.ArticleRejected, `Nothing was written: ${(error as Error).message}.`);
    }
  }

  private notADuplicate(article: Article, except?: string): void {
    const twin = this.deps.index.articleWithText(article.hash);
    if (twin && twin.id !== except) throw new FootnoteError(ErrorCode.ArticleRejected, `Nothing was written: this text is already indexed as “${twin.title}” (\`${twin.id}\`).`);
  }

  private path(file: string): string {
    const path = join(this.deps.seedsDir, file);
    // Names are made here, never taken from the user; this guards against a change to that rule.
    if (relative(this.deps.seedsDir, path) !== file) throw new FootnoteError(ErrorCode.ArticleRejected, 'Nothing was written: that file name would leave the articles folder.');
    return path;
  }

  /** Writes `bytes` to a hidden temporary file beside `path` (flushed to disk), and returns its path. */
  private async staged(path: string, bytes: Uint8Array): Promise<string> {
    const temporary = join(this.deps.seedsDir, `.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temporary;
  }

  private async done(article: Article, keptAs?: string): Promise<Edited> {
    const report = await this.deps.index.reload({ fresh: true });
    const info = this.deps.index.sources().find((s) => s.id === article.id);
    if (!info) {
      const why = report.failed.find((f) => f.file === article.file)?.reason;
      throw new FootnoteError(ErrorCode.ArticleRejected, `The file ${article.file} was written but not indexed${why ? `: ${why}` : ''}.`);
    }
    return { article: info, paragraphs: article.paragraphs.length, hash: article.hash, report, ...(keptAs ? { keptAs } : {}) };
  }

  add(input: ArticleInput): Promise<Edited> {
    return this.serially(async () => {
      const extension = 'bytes' in input ? input.extension : '.txt';
      const parsed = this.parse(input, `new${extension}`);
      const file = fileNameFor(parsed.title, extension);
      const article = { ...parsed, id: basename(file, extension), file };
      this.notADuplicate(article);
      const path = this.path(file);
      const temporary = await this.staged(path, 'bytes' in input ? input.bytes : compose(input));
      try {
        // link, unlike rename, never replaces: a file of that name (even one just made) stays as it is.
        await link(temporary, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          const existing = this.deps.index.sources().find((s) => s.file === file);
          throw new FootnoteError(
            ErrorCode.ArticleExists,
            `Nothing was written: an article file named \`${file}\` already exists${existing ? ` (“${existing.title}”, id \`${existing.id}\`)` : ''}. Use /article replace to change it.`,
          );
        }
        throw error;
      } finally {
        await unlink(temporary).catch(() => undefined);
      }
      return this.done(article);
    });
  }

  /** The indexed article `id`, or an error naming what to do. */
  private existing(id: string): ArticleInfo {
    const info = this.deps.index.sources().find((s) => s.id === id);
    if (!info) throw new FootnoteError(ErrorCode.ArticleNotFound, `No article has the id \`${id}\`. Pick one from the list as you type.`);
    return info;
  }

  /** Keeps a copy of the current file under .removed/ (a hard link: instant, and the file stays until it is replaced or unlinked). */
  private async keep(file: string): Promise<string> {
    await mkdir(join(this.deps.seedsDir, REMOVED_DIR), { recursive: true });
    const kept = join(REMOVED_DIR, `${stamp()}-${file}`);
    await link(this.path(file), join(this.deps.seedsDir, kept));
    return kept;
  }

  replace(id: string, input: ArticleInput): Promise<Edited> {
    return this.serially(async () => {
      const current = this.existing(id);
      // The file keeps its name (and so its id); new text is checked as if it were that file.
      const article = this.parse(input, current.file);
      if ('bytes' in input && input.extension !== extname(current.file)) {
        throw new FootnoteError(ErrorCode.ArticleRejected, `Nothing was written: \`${current.file}\` is a ${extname(current.file)} file; attach a ${extname(current.file)} file to replace it.`);
      }
      this.notADuplicate(article, id);
      const path = this.path(current.file);
      const temporary = await this.staged(path, 'bytes' in input ? input.bytes : compose(input));
      const keptAs = await this.keep(current.file);
      await rename(temporary, path);
      return this.done(article, keptAs);
    });
  }

  remove(id: string): Promise<{ article: ArticleInfo; hash: string; keptAs: string; report: ReloadReport }> {
    return this.serially(async () => {
      const current = this.existing(id);
      const path = this.path(current.file);
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) throw new FootnoteError(ErrorCode.ArticleNotFound, `The file of \`${id}\` is already gone; run /reload.`);
      const keptAs = join(REMOVED_DIR, `${stamp()}-${current.file}`);
      await mkdir(join(this.deps.seedsDir, REMOVED_DIR), { recursive: true });
      await rename(path, join(this.deps.seedsDir, keptAs));
      return { article: current, hash: contentHash(text.replace(/^\uFEFF/, '')), keptAs, report: await this.deps.index.reload({ fresh: true }) };
    });
  }
}
