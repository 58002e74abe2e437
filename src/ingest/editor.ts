import slugify from '@sindresorhus/slugify';
import { Mutex } from 'async-mutex';
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { Article, ArticleInfo, ReloadReport } from '../types.js';
import { contentHash } from './parse-article.js';
import { articleFromBytes, articleId, isArticleFile } from './read-seeds.js';

/** What the editor needs of the engine: the articles it serves, and a reload that sees a change just made. */
export interface EditedIndex {
  sources(): ArticleInfo[];
  articleWithText(hash: string): ArticleInfo | undefined;
  reload(options: { fresh: true }): Promise<ReloadReport>;
}

/** An article as text fields: what a moderator typed, or what was extracted from a page (with its link and date). */
export interface TypedArticle {
  title: string;
  byline?: string;
  body: string;
  source?: { url: string; publishedAt?: string };
}

/** New article text: a file's bytes (.txt or .md), or typed fields. */
export type ArticleInput = { bytes: Uint8Array; extension: '.txt' | '.md' } | TypedArticle;

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
const REMOVED_DIR = '.removed';
const NAME_CHARS = 60;

/** A typed article as a file: title line, for a page its `Source:` and `Published:` lines, optional "By ..." line, blank line, body. */
function compose(input: TypedArticle): Uint8Array {
  const byline = input.byline?.trim();
  const { source } = input;
  const header = source ? [`Source: ${source.url}`, ...(source.publishedAt ? [`Published: ${source.publishedAt}`] : [])] : [];
  const lines = [input.title.replace(/\s+/g, ' ').trim(), ...header, ...(byline ? [/^by\b/i.test(byline) ? byline : `By ${byline}`] : []), '', input.body.trim(), ''];
  return new TextEncoder().encode(lines.join('\n'));
}

/**
 * A file name from a title: lowercase ASCII words joined by hyphens, transliterated by slugify
 * ("Zürich" → zuerich, Cyrillic too; nothing that can climb out of the folder). A title with no
 * letters it can spell is named by its text's hash instead.
 */
function fileNameFor(title: string, extension: string, hash: string): string {
  const slug = slugify(title).slice(0, NAME_CHARS).replace(/-+$/, '');
  return `${slug || `article-${hash.slice(0, 8)}`}${extension}`;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * Adds, replaces and removes articles in the seeds folder for moderators who have no shell: each
 * change is checked by the same ingest rules as a file put there by hand, written atomically
 * (a temporary file, then a rename), and followed by the same incremental reload. Changes run one
 * at a time, so two adds never race for a name or a reload.
 */
export class ArticleEditor {
  private readonly turn = new Mutex();

  constructor(private readonly deps: { seedsDir: string; maxFileBytes: number; index: EditedIndex }) {}

  private serially<T>(change: () => Promise<T>): Promise<T> {
    return this.turn.runExclusive(change);
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
    const linked = article.url ? this.deps.index.sources().find((s) => s.url === article.url && s.id !== except) : undefined;
    if (linked) throw new FootnoteError(ErrorCode.ArticleExists, `Nothing was written: that link is already indexed as “${linked.title}” (\`${linked.id}\`). Use /article replace to change it.`);
  }

  private path(file: string): string {
    const path = join(this.deps.seedsDir, file);
    // Names are made here, never taken from the user; this guards against a change to that rule.
    if (relative(this.deps.seedsDir, path) !== file) throw new FootnoteError(ErrorCode.ArticleRejected, 'Nothing was written: that file name would leave the articles folder.');
    return path;
  }

  /** Writes `bytes` to a hidden temporary file in the folder (flushed to disk), and returns its path; nothing is left if that fails. */
  private async staged(bytes: Uint8Array): Promise<string> {
    const temporary = join(this.deps.seedsDir, `.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    } finally {
      await handle.close();
    }
    return temporary;
  }

  /**
   * Reloads, and returns what the index now says of the article. When the reload fails, or does not
   * index it, `undo` puts the folder back as it was: a change either shows in the index or is not made.
   */
  private async done(article: Article, undo: () => Promise<void>, keptAs?: string): Promise<Edited> {
    let report: ReloadReport;
    try {
      report = await this.deps.index.reload({ fresh: true });
    } catch (error) {
      await undo();
      throw error;
    }
    const info = this.deps.index.sources().find((s) => s.id === article.id && s.file === article.file);
    if (!info) {
      await undo();
      await this.deps.index.reload({ fresh: true }).catch(() => undefined);
      const why = report.failed.find((f) => f.file === article.file)?.reason;
      throw new FootnoteError(ErrorCode.ArticleRejected, `Nothing was changed: the article could not be indexed${why ? ` (${why})` : ''}.`);
    }
    return { article: info, paragraphs: article.paragraphs.length, hash: article.hash, report, ...(keptAs ? { keptAs } : {}) };
  }

  /** The file of an article with that id already, whatever the case of its extension (`dock-report.TXT`). */
  private async taken(id: string): Promise<string | undefined> {
    const files = await readdir(this.deps.seedsDir).catch(() => []);
    return files.find((file) => isArticleFile(file) && articleId(file) === id);
  }

  add(input: ArticleInput): Promise<Edited> {
    return this.serially(async () => {
      const extension = 'bytes' in input ? input.extension : '.txt';
      const parsed = this.parse(input, `new${extension}`);
      const file = fileNameFor(parsed.title, extension, parsed.hash);
      const article = { ...parsed, id: basename(file, extension), file };
      this.notADuplicate(article);
      const clash = await this.taken(article.id);
      if (clash) {
        const existing = this.deps.index.sources().find((s) => s.id === article.id);
        throw new FootnoteError(
          ErrorCode.ArticleExists,
          `Nothing was written: an article file named \`${clash}\` already exists${existing ? ` (“${existing.title}”, id \`${existing.id}\`)` : ''}. Use /article replace to change it.`,
        );
      }
      const path = this.path(file);
      const temporary = await this.staged('bytes' in input ? input.bytes : compose(input));
      try {
        // link, unlike rename, never replaces a file that appeared since the check.
        await link(temporary, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // Another process (or a hand) wrote a file of that name between the check and now.
        throw new FootnoteError(ErrorCode.ArticleExists, `Nothing was written: an article file named \`${file}\` appeared while this one was being saved (added at the same moment elsewhere?). Run /sources to see it, or /article replace to change it.`);
      } finally {
        await unlink(temporary).catch(() => undefined);
      }
      return this.done(article, () => unlink(path).catch(() => undefined));
    });
  }

  /** The indexed article `id`, or an error naming what to do. */
  existing(id: string): ArticleInfo {
    const info = this.deps.index.sources().find((s) => s.id === id);
    if (!info) throw new FootnoteError(ErrorCode.ArticleNotFound, `No article has the id \`${id}\`. Pick one from the list as you type.`);
    return info;
  }

  /** Where a removed or replaced file is kept, relative to the folder. */
  private async keptName(file: string): Promise<string> {
    await mkdir(join(this.deps.seedsDir, REMOVED_DIR), { recursive: true });
    return join(REMOVED_DIR, `${stamp()}-${file}`);
  }

  /** The current file of an article, or a clear error when it has gone from the folder since the last reload. */
  private async present(info: ArticleInfo): Promise<string> {
    const path = this.path(info.file);
    if (!(await lstat(path).then(() => true, () => false))) throw new FootnoteError(ErrorCode.ArticleNotFound, `The file of \`${info.id}\` is already gone; run /reload.`);
    return path;
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
      const path = await this.present(current);
      const kept = await this.keptName(current.file);
      const temporary = await this.staged('bytes' in input ? input.bytes : compose(input));
      try {
        // The old text is kept (a hard link), then the new one takes its place in one rename.
        await link(path, join(this.deps.seedsDir, kept));
        await rename(temporary, path);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        await unlink(join(this.deps.seedsDir, kept)).catch(() => undefined);
        throw error;
      }
      const undo = () => rename(join(this.deps.seedsDir, kept), path).catch(() => undefined);
      return this.done(article, undo, kept);
    });
  }

  remove(id: string): Promise<{ article: ArticleInfo; hash: string; keptAs: string; report: ReloadReport }> {
    return this.serially(async () => {
      const current = this.existing(id);
      const path = await this.present(current);
      const hash = contentHash((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
      const keptAs = await this.keptName(current.file);
      await rename(path, join(this.deps.seedsDir, keptAs));
      try {
        return { article: current, hash, keptAs, report: await this.deps.index.reload({ fresh: true }) };
      } catch (error) {
        await rename(join(this.deps.seedsDir, keptAs), path).catch(() => undefined);
        throw error;
      }
    });
  }
}
