import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, realpath, type FileHandle } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative } from 'node:path';
import { ErrorCode, fileSystemReason, FootnoteError } from '../errors.js';
import type { Article, FailedFile } from '../types.js';
import { parseArticle } from './parse-article.js';

export const ARTICLE_EXTENSIONS = new Set(['.txt', '.md']);

/** An article's id: its file name without the extension (`dock-report.TXT` → `dock-report`). */
export const articleId = (file: string) => basename(file, extname(file));

/** File signatures of what is most often renamed or dropped into the folder by mistake. */
const SIGNATURES: [string, number[]][] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a ZIP archive or an Office document', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
];

/**
 * What kind of binary file the bytes are, if they are one: a known signature, a NUL byte, or mostly
 * control characters at the start. Checked before the text is decoded, so a picture is called a
 * picture, not "invalid UTF-8".
 */
function binaryKind(bytes: Uint8Array): string | undefined {
  const signature = SIGNATURES.find(([, magic]) => magic.every((b, i) => bytes[i] === b));
  if (signature) return signature[0];
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return 'NUL bytes';
  const control = head.filter((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c).length;
  return head.length && control / head.length > 0.1 ? 'mostly control characters' : undefined;
}

/** Whether the folder reads a file of this name as an article (.txt or .md, in any case). */
export const isArticleFile = (file: string) => ARTICLE_EXTENSIONS.has(extname(file).toLowerCase());
const decoder = new TextDecoder('utf-8', { fatal: true }); // strips a BOM, rejects invalid UTF-8

export interface SeedsResult {
  articles: Article[];
  failed: FailedFile[];
}

export interface ReadSeedsOptions {
  maxFileBytes: number;
  /** Articles already read, by file name: a file of the same size and modification time is taken as it is, unread. */
  known?: ReadonlyMap<string, Article>;
}

/** The known article of `file` when the file still has its size and modification time (links are always read). */
async function unchanged(path: string, known: Article | undefined): Promise<Article | undefined> {
  if (!known || known.size === undefined) return undefined;
  const info = await lstat(path);
  return info.isFile() && info.size === known.size && info.mtimeMs === known.modifiedAt ? known : undefined;
}

function reasonFor(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file disappeared before it could be read';
  if (code === 'EACCES' || code === 'EPERM') return 'the file is not readable (permission denied)';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'ELOOP') return 'it became a symbolic link while it was being read, and links are not followed';
  return `the file could not be read (${code ?? (error as Error).message})`;
}

/**
 * A link may point anywhere (/etc/passwd, the bot's .env): one that leads out of the seeds folder
 * is never read. The file is opened without following links, so it cannot be swapped for one
 * between the check and the read.
 */
async function openArticle(realDir: string, path: string): Promise<FileHandle> {
  let target = path;
  if ((await lstat(path)).isSymbolicLink()) {
    target = await realpath(path);
    if (relative(realDir, target).startsWith('..') || isAbsolute(relative(realDir, target))) {
      throw new Error('it is a symbolic link to a file outside the seeds folder, and links out of the folder are never followed');
    }
  }
  return open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
}

/**
 * The ingest rules every article meets, from a file in the folder or from Discord: text, valid
 * UTF-8, not empty (a title alone is empty), within the size limit. Throws an Error whose message says what is wrong.
 */
export function articleFromBytes(bytes: Uint8Array, { file, modifiedAt, maxFileBytes }: { file: string; modifiedAt: number; maxFileBytes: number }): Article {
  if (bytes.length > maxFileBytes) throw new Error(`it is larger than the ${Math.round(maxFileBytes / 1024)} KiB limit (${bytes.length} bytes)`);
  const binary = binaryKind(bytes);
  if (binary) throw new Error(`it is a binary file (${binary}), not text`);
  let source: string;
  try {
    source = decoder.decode(bytes);
  } catch {
    throw new Error('it is not valid UTF-8 text');
  }
  if (!source.trim()) throw new Error('it is empty');
  const article = parseArticle({ id: articleId(file), file, source, modifiedAt });
  if (!article.paragraphs.length) throw new Error('it has a title but no text under it to answer from');
  return { ...article, size: bytes.length };
}

async function readArticle(realDir: string, dir: string, file: string, options: ReadSeedsOptions): Promise<Article> {
  const handle = await openArticle(realDir, join(dir, file));
  let bytes: Buffer;
  let info: Stats;
  try {
    info = await handle.stat();
    if (!info.isFile()) throw new Error('it is not a regular file');
    // Checked before reading, so a huge file is never loaded.
    if (info.size > options.maxFileBytes) {
      throw new Error(`it is larger than the ${Math.round(options.maxFileBytes / 1024)} KiB limit (${info.size} bytes)`);
    }
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  return articleFromBytes(bytes, { file, modifiedAt: info.mtimeMs, maxFileBytes: options.maxFileBytes });
}

/**
 * Reads every .txt/.md article in `dir`. A bad file never stops the others: it is reported in
 * `failed` with a reason a moderator can act on. Files with the same text are kept once, and so
 * are files with the same id (a name without its extension: `twin.txt` and `twin.md`): the first
 * readable one in name order is indexed, the other named, so answers never quote one file for another.
 */
export async function readSeeds(dir: string, options: ReadSeedsOptions): Promise<SeedsResult> {
  let entries: string[];
  let realDir: string;
  try {
    entries = await readdir(dir);
    realDir = await realpath(dir);
  } catch (error) {
    // The folder's path is for the operator (the detail), not for a reply a channel may see.
    const reason = fileSystemReason(error);
    throw new FootnoteError(ErrorCode.SeedsUnavailable, `The articles folder cannot be read${reason ? ` (${reason})` : ''}.`, { cause: error, detail: `${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
  }
  const files = entries.filter(isArticleFile).sort();
  const articles: Article[] = [];
  const failed: FailedFile[] = [];
  // Other visible files are named once, so a notes.pdf dropped in is not silently left out.
  for (const file of entries.filter((f) => !isArticleFile(f) && !f.startsWith('.')).sort()) {
    if (await lstat(join(dir, file)).then((info) => info.isFile(), () => false)) failed.push({ file, reason: `only .txt and .md files are read (this is ${extname(file) ? `a ${extname(file)} file` : 'a file without an extension'})` });
  }
  const byHash = new Map<string, Article>();
  const byId = new Map<string, string>();
  for (const file of files) {
    const id = articleId(file);
    const sameId = byId.get(id);
    if (sameId) {
      failed.push({ file, reason: `it has the same id (“${id}”) as ${sameId}, which is read instead: rename or remove one of them` });
      continue;
    }
    try {
      const article = (await unchanged(join(dir, file), options.known?.get(file))) ?? (await readArticle(realDir, dir, file, options));
      const twin = byHash.get(article.hash);
      if (twin) {
        failed.push({ file, reason: `it has the same text as ${twin.file}` });
        continue;
      }
      byHash.set(article.hash, article);
      byId.set(id, file);
      articles.push(article);
    } catch (error) {
      const reason = error instanceof Error && !('code' in error) ? error.message : reasonFor(error);
      failed.push({ file, reason });
    }
  }
  return { articles, failed };
}
