import { copyFile, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../src/ingest/read-seeds.js';
import { SEED_FILE, tempDir } from '../helpers.js';

describe('readSeeds', () => {
  it('GIVEN bad files beside a good one THEN each bad file is skipped with a named reason and the good one is read', async () => {
    const dir = await tempDir();
    await copyFile(SEED_FILE, join(dir, 'good.txt'));
    await copyFile(SEED_FILE, join(dir, 'twin.md'));
    await writeFile(join(dir, 'empty.txt'), '  \n\n');
    await writeFile(join(dir, 'title-only.md'), 'A headline and nothing else\n\n');
    await writeFile(join(dir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    await writeFile(join(dir, 'latin1.txt'), Buffer.from('Caf\xe9 story\n\nIt was cold.', 'latin1'));
    await writeFile(join(dir, 'huge.txt'), 'Huge\n\n' + 'word '.repeat(1000));
    await symlink(join(dir, 'missing-target.txt'), join(dir, 'gone.txt'));
    await mkdir(join(dir, 'folder.txt'));
    await writeFile(join(dir, 'notes.pdf'), 'not an article type');
    await writeFile(join(dir, 'picture.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x41, 0x42]));

    const { articles, failed } = await readSeeds(dir, { maxFileBytes: 4000 });

    expect(articles.map((a) => a.file)).toEqual(['good.txt']);
    const reasons = Object.fromEntries(failed.map((f) => [f.file, f.reason]));
    expect(reasons).toEqual({
      'binary.txt': expect.stringMatching(/binary/),
      'empty.txt': expect.stringMatching(/empty/),
      'folder.txt': expect.stringMatching(/not a regular file/),
      'gone.txt': expect.stringMatching(/disappeared/),
      'huge.txt': expect.stringMatching(/larger than/),
      'latin1.txt': expect.stringMatching(/UTF-8/),
      'notes.pdf': 'only .txt and .md files are read (this is a .pdf file)',
      'picture.md': 'it is a binary file (a PNG image), not text',
      'title-only.md': 'it has a title but no text under it to answer from',
      'twin.md': 'it has the same text as good.txt',
    });
  });

  it('GIVEN two files with one id (twin.txt and twin.MD) THEN the first is indexed and the other is skipped and named, so answers never quote one for the other', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'twin.txt'), 'Harbour report\n\nThe harbour reopened on Monday.\n');
    await writeFile(join(dir, 'twin.MD'), 'Dock report\n\nThe dock closed on Tuesday.\n');
    await writeFile(join(dir, 'other.txt'), 'Other story\n\nNothing happened.\n');
    const { articles, failed } = await readSeeds(dir, { maxFileBytes: 4000 });
    expect(articles.map((a) => [a.id, a.file])).toEqual([['other', 'other.txt'], ['twin', 'twin.MD']]);
    expect(failed).toEqual([{ file: 'twin.txt', reason: 'it has the same id (“twin”) as twin.MD, which is read instead: rename or remove one of them' }]);
  });

  it('GIVEN symbolic links THEN one leading out of the seeds folder is skipped and named, never read; one inside is read', async () => {
    const outside = await tempDir('footnote-secrets-');
    await writeFile(join(outside, '.env'), 'DISCORD_TOKEN=MTIz.secret.token\n');
    await writeFile(join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    const dir = await tempDir();
    await mkdir(join(dir, 'archive'));
    await copyFile(SEED_FILE, join(dir, 'archive', 'story.txt'));
    await symlink(join(outside, '.env'), join(dir, 'env.txt'));
    await symlink(join(outside, 'passwd'), join(dir, 'passwd.md'));
    await symlink(join(dir, 'archive', 'story.txt'), join(dir, 'linked-story.txt'));

    const { articles, failed } = await readSeeds(dir, { maxFileBytes: 100_000 });

    expect(articles.map((a) => a.file)).toEqual(['linked-story.txt']);
    expect(failed).toEqual([
      { file: 'env.txt', reason: expect.stringMatching(/symbolic link to a file outside the seeds folder/) },
      { file: 'passwd.md', reason: expect.stringMatching(/symbolic link to a file outside the seeds folder/) },
    ]);
    expect(JSON.stringify(articles)).not.toContain('secret');
  });

  it('GIVEN files already read THEN one of the same size and time is taken as it is, unread; a touched one is read again', async () => {
    const dir = await tempDir();
    await copyFile(SEED_FILE, join(dir, 'story.txt'));
    const first = await readSeeds(dir, { maxFileBytes: 100_000 });
    const known = new Map(first.articles.map((a) => [a.file, a]));
    expect((await readSeeds(dir, { maxFileBytes: 100_000, known })).articles[0]).toBe(known.get('story.txt'));
    await utimes(join(dir, 'story.txt'), new Date(), new Date(Date.now() + 5000));
    const reread = (await readSeeds(dir, { maxFileBytes: 100_000, known })).articles[0]!;
    expect(reread).not.toBe(known.get('story.txt'));
    expect(reread.hash).toBe(known.get('story.txt')!.hash);
  });

  it('GIVEN a BOM and curly quotes THEN the BOM is dropped and the quotes are kept verbatim', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bom.txt'), '\uFEFFHeadline\r\n\r\n“Quoted,” she said.\r\n');
    const { articles } = await readSeeds(dir, { maxFileBytes: 1000 });
    expect(articles[0]!.title).toBe('Headline');
    expect(articles[0]!.source.startsWith('Headline')).toBe(true);
    expect(articles[0]!.source).toContain('“Quoted,” she said.');
  });

  it('GIVEN a missing seeds folder THEN it fails with a typed, named error', async () => {
    await expect(readSeeds('/nonexistent/seeds', { maxFileBytes: 1000 })).rejects.toMatchObject({ code: 'SEEDS_UNAVAILABLE' });
  });
});
