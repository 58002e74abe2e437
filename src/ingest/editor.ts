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

export interface Removed {
  article: ArticleInfo;
  hash: string;
  /** Where the file was moved, relative to the seeds folder. */
  keptAs: string;
  report: ReloadReport;
}

/** Several changes made with one reload. */
export interface Changes {
  add?: readonly ArticleInput[];
  replace?: readonly { id: string; input: ArticleInput }[];
  remove?: readonly string[];
}

type ChangeKind = 'add' | 'replace' | 'remove';

/** What `apply` did: each change by its position in its list, or why it was not made (the error as it was thrown). */
export interface Applied {
  added: (Edited & { index: number })[];
  replaced: (Edited & { index: number })[];
  removed: (Removed & { index: number })[];
  rejected: { kind: ChangeKind; index: number; error: unknown }[];
  /** The one reload; absent when no change could be made. */
  report?: ReloadReport;
}

/** A change written to the folder, not yet reloaded: the article it makes, and how to take it back. */
interface Placed {
  article: Article;
  keptAs?: string;
  undo: () => Promise<void>;
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

const bytesOf = (input: ArticleInput) => ('bytes' in input ? input.bytes : compose(input));

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
    const bytes = bytesOf(input);
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

  /** The file of an article with that id already, whatever the case of its extension (`dock-report.TXT`). */
  private async taken(id: string): Promise<string | undefined> {
    const files = await readdir(this.deps.seedsDir).catch(() => []);
    return files.find((file) => isArticleFile(file) && articleId(file) === id);
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


  /** A new article's file, written (never over another file) but not yet indexed. `batch`: the texts and links of this change so far. */
  private async placeNew(input: ArticleInput, batch: Set<string>): Promise<Placed> {
    const extension = 'bytes' in input ? input.extension : '.txt';
    const parsed = this.parse(input, `new${extension}`);
    const file = fileNameFor(parsed.title, extension, parsed.hash);
    const article = { ...parsed, id: basename(file, extension), file };
    this.notADuplicate(article);
    if (batch.has(article.hash) || (article.url && batch.has(article.url))) throw new FootnoteError(ErrorCode.ArticleRejected, 'Nothing was written: the same article came twice in this change.');
    const clash = await this.taken(article.id);
    if (clash) {
      const existing = this.deps.index.sources().find((s) => s.id === article.id);
      throw new FootnoteError(
        ErrorCode.ArticleExists,
        `Nothing was written: an article file named \`${clash}\` already exists${existing ? ` (“${existing.title}”, id \`${existing.id}\`)` : ''}. Use /article replace to change it.`,
      );
    }
    const path = this.path(file);
    const temporary = await this.staged(bytesOf(input));
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
    batch.add(article.hash);
    if (article.url) batch.add(article.url);
    return { article, undo: () => unlink(path).catch(() => undefined) };
  }

  /** New text in an article's file (the old one kept in .removed/), not yet indexed. */
  private async placeReplacement(id: string, input: ArticleInput): Promise<Placed & { keptAs: string }> {
    const current = this.existing(id);
    // The file keeps its name (and so its id); new text is checked as if it were that file.
    const article = this.parse(input, current.file);
    if ('bytes' in input && input.extension !== extname(current.file)) {
      throw new FootnoteError(ErrorCode.ArticleRejected, `Nothing was written: \`${current.file}\` is a ${extname(current.file)} file; attach a ${extname(current.file)} file to replace it.`);
    }
    this.notADuplicate(article, id);
    const path = await this.present(current);
    const keptAs = await this.keptName(current.file);
    const temporary = await this.staged(bytesOf(input));
    try {
      // The old text is kept (a hard link), then the new one takes its place in one rename.
      await link(path, join(this.deps.seedsDir, keptAs));
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      await unlink(join(this.deps.seedsDir, keptAs)).catch(() => undefined);
      throw error;
    }
    return { article, keptAs, undo: () => rename(join(this.deps.seedsDir, keptAs), path).catch(() => undefined) };
  }

  /** An article's file moved to .removed/, not yet reloaded. */
  private async placeRemoval(id: string): Promise<{ info: ArticleInfo; hash: string; keptAs: string; undo: () => Promise<void> }> {
    const current = this.existing(id);
    const path = await this.present(current);
    const hash = contentHash((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
    const keptAs = await this.keptName(current.file);
    await rename(path, join(this.deps.seedsDir, keptAs));
    return { info: current, hash, keptAs, undo: () => rename(join(this.deps.seedsDir, keptAs), path).catch(() => undefined) };
  }

  /**
   * Makes several changes with one reload (a feed poll's new, updated and expired articles). Each
   * change that breaks a rule is left out and said in `rejected`; the others are made. A reload that
   * fails undoes them all; an article the reload did not index is taken back: every change either
   * shows in the index or is not made.
   */
  apply(changes: Changes): Promise<Applied> {
    return this.serially(() => this.applyNow(changes));
  }

  private async applyNow({ add = [], replace = [], remove = [] }: Changes): Promise<Applied> {
    const rejected: Applied['rejected'] = [];
    const attempt = async <T>(kind: ChangeKind, index: number, place: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await place();
      } catch (error) {
        rejected.push({ kind, index, error });
        return undefined;
      }
    };
    const batch = new Set<string>();
    const written: { kind: 'add' | 'replace'; index: number; placed: Placed }[] = [];
    for (const [index, input] of add.entries()) {
      const placed = await attempt('add', index, () => this.placeNew(input, batch));
      if (placed) written.push({ kind: 'add', index, placed });
    }
    for (const [index, { id, input }] of replace.entries()) {
      const placed = await attempt('replace', index, () => this.placeReplacement(id, input));
      if (placed) written.push({ kind: 'replace', index, placed });
    }
    const removals: { index: number; removal: Awaited<ReturnType<ArticleEditor['placeRemoval']>> }[] = [];
    for (const [index, id] of remove.entries()) {
      const removal = await attempt('remove', index, () => this.placeRemoval(id));
      if (removal) removals.push({ index, removal });
    }
    if (!written.length && !removals.length) return { added: [], replaced: [], removed: [], rejected };

    let report: ReloadReport;
    try {
      report = await this.deps.index.reload({ fresh: true });
    } catch (error) {
      for (const { placed } of written) await placed.undo();
      for (const { removal } of removals) await removal.undo();
      throw error;
    }
    const sources = this.deps.index.sources();
    const infoOf = (article: Article) => sources.find((s) => s.id === article.id && s.file === article.file);
    const missing = written.filter(({ placed }) => !infoOf(placed.article));
    for (const { kind, index, placed } of missing) {
      await placed.undo();
      const why = report.failed.find((f) => f.file === placed.article.file)?.reason;
      rejected.push({ kind, index, error: new FootnoteError(ErrorCode.ArticleRejected, `Nothing was changed: the article could not be indexed${why ? ` (${why})` : ''}.`) });
    }
    if (missing.length) await this.deps.index.reload({ fresh: true }).catch(() => undefined);
    const edited = written
      .filter((w) => !missing.includes(w))
      .map(({ kind, index, placed }) => ({ kind, index, article: infoOf(placed.article)!, paragraphs: placed.article.paragraphs.length, hash: placed.article.hash, report, ...(placed.keptAs ? { keptAs: placed.keptAs } : {}) }));
    return {
      added: edited.filter((e) => e.kind === 'add'),
      replaced: edited.filter((e) => e.kind === 'replace'),
      removed: removals.map(({ index, removal }) => ({ index, article: removal.info, hash: removal.hash, keptAs: removal.keptAs, report })),
      rejected,
      report,
    };
  }

  /** One change: its result, or what stopped it, thrown as it was. */
  private async one<T>(changes: Changes, pick: (applied: Applied) => T | undefined): Promise<T> {
    const applied = await this.apply(changes);
    if (applied.rejected[0]) throw applied.rejected[0].error;
    return pick(applied)!;
  }

  add(input: ArticleInput): Promise<Edited> {
    return this.one({ add: [input] }, (applied) => applied.added[0]);
  }

  replace(id: string, input: ArticleInput): Promise<Edited> {
    return this.one({ replace: [{ id, input }] }, (applied) => applied.replaced[0]);
  }

  remove(id: string): Promise<Removed> {
    return this.one({ remove: [id] }, (applied) => applied.removed[0]);
  }
}
