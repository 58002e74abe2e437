import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, FootnoteError } from '../../src/errors.js';
import { ArticleEditor, type EditedIndex } from '../../src/ingest/editor.js';
import { readSeeds } from '../../src/ingest/read-seeds.js';
import type { ArticleInfo, ReloadReport } from '../../src/types.js';
import { tempDir } from '../helpers.js';

/** The editor on real files, with an index that reads the folder as the engine does, and can be made to fail. */
function folderIndex(dir: string, { failReloads = false } = {}): EditedIndex & { reloads: number } {
  let infos: ArticleInfo[] = [];
  const index = {
    reloads: 0,
    sources: () => infos,
    articleWithText: () => undefined,
    async reload(): Promise<ReloadReport> {
      index.reloads += 1;
      if (failReloads) throw new FootnoteError(ErrorCode.IndexWriteFailed, 'The new index could not be saved, so the previous one is still in use.');
      const { articles, failed } = await readSeeds(dir, { maxFileBytes: 10_000 });
      infos = articles.map((a) => ({ id: a.id, title: a.title, file: a.file, chunks: 1, indexedAt: '' }));
      return { added: [], changed: [], removed: [], unchanged: articles.length, failed, chunks: articles.length, toEmbed: 0, ms: 1 };
    },
  };
  return index;
}

const STORY = 'Ferry timetable changes\n\nThe morning ferry now leaves at 7:15, the operator said.\n';

describe('ArticleEditor', () => {
  it('GIVEN two processes adding one title at the same moment THEN one file is written and the other is told, in words, that it appeared meanwhile', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = await tempDir();
      // Two editors on one folder, as two bots or a bot and a console have: neither waits for the other.
      const [a, b] = [0, 1].map(() => new ArticleEditor({ seedsDir: dir, maxFileBytes: 10_000, index: folderIndex(dir) }));
      const results = await Promise.allSettled([a!, b!].map((editor) => editor.add({ title: 'Ferry timetable changes', byline: '', body: 'The morning ferry now leaves at 7:15, the operator said.' })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as FootnoteError;
      expect(refused).toMatchObject({ code: 'ARTICLE_EXISTS', userMessage: expect.stringContaining('`ferry-timetable-changes.txt`') });
      expect((await readdir(dir)).filter((f) => !f.startsWith('.'))).toEqual(['ferry-timetable-changes.txt']);
    }
  });

  it('GIVEN a file of that id already, with its extension in capitals THEN an add of the same title is refused and names the file: no second file of one id', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'ferry-timetable-changes.TXT'), 'Ferry timetable changes\n\nAn older text.\n');
    const editor = new ArticleEditor({ seedsDir: dir, maxFileBytes: 10_000, index: folderIndex(dir) });
    await expect(editor.add({ title: 'Ferry timetable changes', byline: '', body: 'The morning ferry now leaves at 7:15, the operator said.' })).rejects.toMatchObject({
      code: 'ARTICLE_EXISTS',
      userMessage: expect.stringContaining('`ferry-timetable-changes.TXT` already exists'),
    });
    expect(await readdir(dir)).toEqual(['ferry-timetable-changes.TXT']);
  });

  it('GIVEN a reload that fails after the file is written THEN the file is taken back: the folder is as it was', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'old.txt'), 'Old story\n\nSomething happened on Monday in the harbour.\n');
    const editor = new ArticleEditor({ seedsDir: dir, maxFileBytes: 10_000, index: folderIndex(dir, { failReloads: true }) });
    await expect(editor.add({ bytes: new TextEncoder().encode(STORY), extension: '.txt' })).rejects.toMatchObject({ code: 'INDEX_WRITE_FAILED' });
    expect(await readdir(dir)).toEqual(['old.txt']);
  });

  it('GIVEN a replace whose reload fails THEN the old text is back in place', async () => {
    const dir = await tempDir();
    const index = folderIndex(dir);
    await writeFile(join(dir, 'ferry-timetable-changes.txt'), STORY);
    await index.reload({ fresh: true });
    const failing = new ArticleEditor({ seedsDir: dir, maxFileBytes: 10_000, index: { ...index, reload: () => Promise.reject(new Error('disk full')) } });
    await expect(failing.replace('ferry-timetable-changes', { title: 'Ferry timetable changes', body: 'The morning ferry now leaves at 7:45.' })).rejects.toThrow('disk full');
    expect(await readFile(join(dir, 'ferry-timetable-changes.txt'), 'utf8')).toBe(STORY);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('GIVEN an article whose file was deleted by hand THEN replace and remove say so clearly and leave nothing behind', async () => {
    const dir = await tempDir();
    const index = folderIndex(dir);
    await writeFile(join(dir, 'ferry-timetable-changes.txt'), STORY);
    await index.reload({ fresh: true });
    const editor = new ArticleEditor({ seedsDir: dir, maxFileBytes: 10_000, index });
    await rm(join(dir, 'ferry-timetable-changes.txt'));
    await expect(editor.replace('ferry-timetable-changes', { title: 'Ferry timetable changes', body: 'New text about the ferry.' })).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND', userMessage: expect.stringContaining('already gone; run /reload') });
    await expect(editor.remove('ferry-timetable-changes')).rejects.toMatchObject({ code: 'ARTICLE_NOT_FOUND' });
    expect((await readdir(dir)).filter((f) => f !== '.removed')).toEqual([]);
  });

  it('GIVEN several changes at once (a feed poll) THEN they are made with one reload, and those that break a rule are left out and said', async () => {
    const dir = await tempDir();
    const index = folderIndex(dir);
    await writeFile(join(dir, 'old-pier.txt'), 'Old pier\n\nThe old pier was closed in 1990.\n');
    await writeFile(join(dir, 'ferry-timetable-changes.txt'), STORY);
    await index.reload({ fresh: true });
    const before = index.reloads;
    const editor = new ArticleEditor({ seedsDir: dir, maxFileBytes: 10_000, index });
    const applied = await editor.apply({
      add: [
        { title: 'Market hall reopens', body: 'The market hall reopened on Friday.', source: { url: 'https://coast.example/market' } },
        { title: 'Market hall reopens again', body: 'The market hall reopened on Friday.', source: { url: 'https://coast.example/market' } },
        { title: 'Tide tables', body: '' },
      ],
      replace: [{ id: 'ferry-timetable-changes', input: { title: 'Ferry timetable changes', body: 'The morning ferry now leaves at 7:45.' } }],
      remove: ['old-pier', 'no-such-article'],
    });
    expect(index.reloads - before).toBe(1);
    expect(applied.added.map((a) => [a.index, a.article.id])).toEqual([[0, 'market-hall-reopens']]);
    expect(applied.replaced.map((r) => r.article.id)).toEqual(['ferry-timetable-changes']);
    expect(applied.removed.map((r) => [r.article.id, r.keptAs])).toEqual([['old-pier', expect.stringMatching(/^\.removed\/.+-old-pier\.txt$/)]]);
    expect(applied.rejected.map((r) => [r.kind, r.index, (r.error as FootnoteError).code])).toEqual([
      ['add', 1, 'ARTICLE_REJECTED'],
      ['add', 2, 'ARTICLE_REJECTED'],
      ['remove', 1, 'ARTICLE_NOT_FOUND'],
    ]);
    expect((await readdir(dir)).filter((f) => !f.startsWith('.')).sort()).toEqual(['ferry-timetable-changes.txt', 'market-hall-reopens.txt']);
    expect(await editor.apply({ add: [{ title: 'Empty', body: '' }] })).toMatchObject({ added: [], rejected: [{ kind: 'add', index: 0 }] });
    expect(index.reloads - before).toBe(1);
  });
});
