import { readFileSync, watch } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, FakeAttachment, FakeInteraction } from '../../tools/fake-discord/server.js';
import { expectCleanExchanges, SEED, startHarness, type Harness } from './harness.js';

/** /article through the real discord.js client, the real engine on a copy of the seed, and the fake Discord's CDN. */

const HARBOUR = `Velmora ferry strike ends after nine days
By Ana Ruiz, Coast Ledger

The ferry crews of Velmora returned to work on Tuesday after a nine-day strike over night-shift pay.

The harbour authority agreed to a pay rise of 6 percent, the union's spokesperson, Tomas Brenner, said.
`;

let h: Harness;
let moderator: Actor;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_FILE_BYTES: '4000' }, bot: { confirmTimeoutMs: 1500 } });
  moderator = h.fake.member({ manageGuild: true });
});
afterAll(() => h?.close());
expectCleanExchanges(() => h);

const files = async () => (await readdir(h.seedsDir)).filter((f) => !f.startsWith('.')).sort();
const attach = (content: string | Uint8Array, extra: Partial<FakeAttachment> = {}): FakeAttachment => ({ filename: 'story.txt', content, contentType: 'text/plain', ...extra });
const article = (subcommand: string, options: Record<string, string | FakeAttachment>, by: Actor = moderator) => h.fake.command('article', options, by, { subcommand }).done();
const ask = (question: string) => h.fake.command('ask', { question }).done();
const audit = async () => h.readJsonl(h.config.AUDIT_LOG);

describe('/article add', () => {
  it('GIVEN a moderator attaching a .txt article THEN it is written under a name made from its title, indexed, reported privately, audited, and /ask cites it', async () => {
    const reply = await article('add', { file: attach(HARBOUR) });
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('Added: Velmora ferry strike ends after nine days');
    expect(reply.text).toContain('By Ana Ruiz, Coast Ledger');
    expect(reply.text).toMatch(/2 paragraphs · \d+ chunks? · id `velmora-ferry-strike-ends-after-nine-days`/);
    expect(await readFile(join(h.seedsDir, 'velmora-ferry-strike-ends-after-nine-days.txt'), 'utf8')).toBe(HARBOUR);
    expect((await audit()).at(-1)).toMatchObject({ action: 'article-add', result: 'ok', article: 'velmora-ferry-strike-ends-after-nine-days', hash: expect.stringMatching(/^[0-9a-f]{16}$/), guild: h.fake.guildId });
    expect(JSON.stringify(await audit())).not.toContain(moderator.user.id);

    const answer = await ask('How much of a pay rise did the Velmora harbour authority agree to?');
    expect(answer.text).toContain('6 percent');
    expect(answer.text).toContain('— *Velmora ferry strike ends after nine days*');
  });

  it('GIVEN the moment the new file lands in the folder (where a kill -9 could stop the bot) THEN the audit log already says who asked to add it', async () => {
    let seenAtWrite: string | undefined;
    const watcher = watch(h.seedsDir, (_event, name) => {
      if (name === 'dock-crane-repaired.txt' && seenAtWrite === undefined) seenAtWrite = readFileSync(h.config.AUDIT_LOG, 'utf8').trim().split('\n').at(-1);
    });
    try {
      await article('add', { file: attach('Dock crane repaired\n\nThe dock crane was repaired on Friday, the port said.\n') });
    } finally {
      watcher.close();
    }
    expect(JSON.parse(seenAtWrite!)).toMatchObject({ action: 'article-add', result: 'started', guild: h.fake.guildId });
    expect((await audit()).at(-1)).toMatchObject({ action: 'article-add', result: 'ok', article: 'dock-crane-repaired' });
  });

  it('GIVEN no attachment THEN a form opens; submitted with title, byline and body THEN the article is added', async () => {
    const opened = await article('add', {});
    expect(opened.modal).toMatchObject({ custom_id: 'article:add', title: 'Add an article' });
    const submitted = await h.fake.submitModal(opened, { title: 'Lakeside library reopens', byline: 'Mira Holt, Valley Post', body: 'The Lakeside library reopened on Saturday after a two-year rebuild.\n\nIt now holds 40,000 books, the librarian said.' }, moderator).done();
    expect(submitted.text).toContain('Added: Lakeside library reopens');
    expect(submitted.text).toContain('By Mira Holt, Valley Post');
    expect(await readFile(join(h.seedsDir, 'lakeside-library-reopens.txt'), 'utf8')).toBe(
      'Lakeside library reopens\nBy Mira Holt, Valley Post\n\nThe Lakeside library reopened on Saturday after a two-year rebuild.\n\nIt now holds 40,000 books, the librarian said.\n',
    );
  });

  it.each<[string, FakeAttachment, RegExp]>([
    ['an empty file', attach('   \n'), /Nothing was written: it is empty/],
    ['a binary file', attach(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x41])), /Nothing was written: it is a binary file/],
    ['a file that is not UTF-8', attach(new Uint8Array([0x54, 0x69, 0x74, 0x6c, 0x65, 0x0a, 0xff, 0xfe, 0x41])), /Nothing was written: it is not valid UTF-8 text/],
    ['a file over MAX_FILE_BYTES', attach(`Big story\n\n${'word '.repeat(1000)}`), /larger than the 4 KiB limit/],
    ['a file that says it is small but is not', attach(`Big story\n\n${'word '.repeat(1000)}`, { size: 100 }), /larger than the 4 KiB limit/],
    ['a .pdf (never downloaded)', attach('%PDF-1.4', { filename: 'story.pdf', contentType: 'application/pdf' }), /attach a \.txt or \.md file/],
    ['an attachment the CDN no longer serves', attach(HARBOUR.replace('Velmora', 'Ostrava'), { serve: 'missing' }), /Discord did not serve that attachment \(HTTP 404\)/],
    ['an attachment redirected to another host', attach(HARBOUR.replace('Velmora', 'Brno'), { serve: 'redirect', redirectTo: 'http://127.0.0.2:9/evil.txt' }), /sent that attachment elsewhere; it was not followed/],
    ['the text of an indexed article', attach(readFileSync(SEED)), /already indexed as “US cyber attack failed, Iran says” \(`000_384e7f44ba0120d1`\)/],
  ])('GIVEN %s THEN a private reply says why, and nothing is written', async (name, file, message) => {
    const before = await files();
    const fetches = h.fake.attachmentFetches.length;
    const reply = await article('add', { file });
    if (name.includes('never downloaded')) expect(h.fake.attachmentFetches.length).toBe(fetches);
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toMatch(message);
    expect(await files()).toEqual(before);
    expect((await readdir(h.seedsDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await audit()).at(-1)).toMatchObject({ action: 'article-add', result: 'failed' });
  });

  it('GIVEN a new article whose title makes the name of an existing file THEN nothing is written and replace is offered', async () => {
    await writeFile(join(h.seedsDir, 'harbour-gate-report.txt'), 'Harbour gate report\n\nGate 4 was repaired on Monday.\n');
    const before = await readFile(join(h.seedsDir, 'harbour-gate-report.txt'), 'utf8');
    const reply = await article('add', { file: attach('Harbour gate report\n\nGate 9 was painted on Friday, the crew said.\n') });
    expect(reply.text).toContain('an article file named `harbour-gate-report.txt` already exists');
    expect(reply.text).toContain('Use /article replace');
    expect(await readFile(join(h.seedsDir, 'harbour-gate-report.txt'), 'utf8')).toBe(before);
  });

  it('GIVEN a title whose name an article of another extension has THEN nothing is written (both would have one id)', async () => {
    await writeFile(join(h.seedsDir, 'tide-tables.md'), '# Tide tables\n\nHigh tide was at 6:10 on Monday.\n');
    await h.engine.reload();
    const reply = await article('add', { file: attach('Tide tables\n\nLow tide was at 12:20 on Monday, the harbour master said.\n') });
    expect(reply.text).toContain('an article file named `tide-tables.md` already exists (“Tide tables”, id `tide-tables`)');
    expect(await files()).not.toContain('tide-tables.txt');
  });

  it('GIVEN a title in another script THEN the file is named by its transliteration, or by the text\'s hash when it has none', async () => {
    const cyrillic = await article('add', { file: attach('Новости порта\n\nПаром вернулся в порт в понедельник утром.\n') });
    expect(cyrillic.text).toContain('id `novosti-porta`');
    const japanese = await article('add', { file: attach('港のニュース\n\nフェリーは月曜日の朝に港へ戻った。\n') });
    expect(japanese.text).toMatch(/id `article-[0-9a-f]{8}`/);
  });

  it('GIVEN a title that tries to climb out of the folder THEN the file lands inside it under a plain name', async () => {
    const reply = await article('add', { file: attach('../../../etc/passwd\n\nThe council met on Monday to discuss the new bridge over the river.\n') });
    expect(reply.text).toContain('id `etc-passwd`');
    expect(await files()).toContain('etc-passwd.txt');
  });

  it('GIVEN a member without Manage Server or a moderator role THEN it is refused and audited (and the command is registered for Manage Server only)', async () => {
    expect(h.fake.registered(h.fake.guildId).find((c) => c.name === 'article').default_member_permissions).toBe('32');
    const before = await files();
    const reply = await article('add', { file: attach('Members news\n\nAnyone can write here, they said on Monday.\n') }, h.fake.member());
    expect(reply.text).toContain('Only moderators can change the articles');
    expect(await files()).toEqual(before);
    expect((await audit()).at(-1)).toMatchObject({ action: 'article-add', result: 'refused', precondition: 'moderator' });
  });

  it('GIVEN a member with a moderator role (MOD_ROLE_IDS) THEN the add is allowed', async () => {
    const reply = await article('add', { file: attach('River bridge opens\n\nThe river bridge opened to traffic on Sunday, the mayor said.\n') }, h.fake.member({ roles: [h.fake.modRoleId] }));
    expect(reply.text).toContain('Added: River bridge opens');
  });

  it('GIVEN three adds at once THEN each is written and indexed; two with the same title at once THEN one is added and the other offered replace', async () => {
    const stories = ['North pier', 'South pier', 'East pier'].map((title) => attach(`${title} reopens\n\nThe ${title.toLowerCase()} reopened on Monday after repairs costing ${title.length * 1000} euros.\n`));
    const replies = await Promise.all(stories.map((file) => article('add', { file })));
    expect(replies.map((r) => /Added: (\w+) pier reopens/.exec(r.text)?.[1])).toEqual(['North', 'South', 'East']);
    const ids = h.engine.sources().map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['north-pier-reopens', 'south-pier-reopens', 'east-pier-reopens']));

    const twins = await Promise.all(['first', 'second'].map((word) => article('add', { file: attach(`West pier reopens\n\nThe ${word} report says the west pier reopened.\n`) })));
    expect(twins.filter((r) => r.text.includes('Added: West pier reopens'))).toHaveLength(1);
    expect(twins.filter((r) => r.text.includes('Use /article replace'))).toHaveLength(1);
  });
});

describe('/article replace and remove', () => {
  it('GIVEN a new file for an article THEN its text is replaced, the old one kept in .removed/, and /ask sees the new text', async () => {
    const reply = await article('replace', { article: 'velmora-ferry-strike-ends-after-nine-days', file: attach(HARBOUR.replace('6 percent', '8 percent')) });
    expect(reply.text).toContain('Replaced: Velmora ferry strike ends after nine days');
    expect(reply.text).toMatch(/The previous text is kept as `\.removed\/[^`]+-velmora-ferry-strike-ends-after-nine-days\.txt`/);
    const kept = await readdir(join(h.seedsDir, '.removed'));
    expect(await readFile(join(h.seedsDir, '.removed', kept.find((f) => f.endsWith('velmora-ferry-strike-ends-after-nine-days.txt'))!), 'utf8')).toBe(HARBOUR);
    const answer = await ask('How much of a pay rise did the Velmora harbour authority agree to?');
    expect(answer.text).toContain('8 percent');
    expect((await audit()).at(-1)).toMatchObject({ action: 'article-replace', result: 'ok', article: 'velmora-ferry-strike-ends-after-nine-days' });
  });

  it('GIVEN replace without a file THEN the form opens with the title filled in, and its text replaces the article', async () => {
    const opened = await article('replace', { article: 'lakeside-library-reopens' });
    expect(opened.modal.custom_id).toBe(`article:replace:${opened.id}`);
    expect(opened.modal.components[0].components[0].value).toBe('Lakeside library reopens');
    expect(opened.modal.components[1].components[0].value).toBe('Mira Holt, Valley Post');
    const submitted = await h.fake.submitModal(opened, { title: 'Lakeside library reopens', byline: '', body: 'The library now holds 50,000 books.' }, moderator).done();
    expect(submitted.text).toContain('Replaced: Lakeside library reopens');
    expect(await readFile(join(h.seedsDir, 'lakeside-library-reopens.txt'), 'utf8')).toContain('50,000 books');
  });

  it('GIVEN the article option THEN autocomplete suggests matching titles', async () => {
    const choices = await h.fake.autocomplete('article', { article: 'pier' }, 'article', moderator, { subcommand: 'remove' }).done();
    expect(choices.choices!.map((c) => c.value)).toEqual(expect.arrayContaining(['north-pier-reopens', 'south-pier-reopens']));
  });

  it('GIVEN a file put in the folder by hand whose id is over 100 characters THEN autocomplete offers it (a value Discord accepts) and /article remove with that value finds it', async () => {
    const long = `harbour-${'long-name-'.repeat(12)}report`;
    await writeFile(join(h.seedsDir, `${long}.txt`), 'Harbour long-name report\n\nThe harbour logged 212 ferries on Sunday, the harbour master said.\n');
    await h.engine.reload();
    const choices = (await h.fake.autocomplete('article', { article: 'long-name' }, 'article', moderator, { subcommand: 'remove' }).done()).choices!;
    expect(choices).toHaveLength(1);
    expect(choices[0]!.value.length).toBeLessThanOrEqual(100);
    const request = await article('remove', { article: String(choices[0]!.value) });
    expect(request.text).toContain('Remove “Harbour long-name report”?');
    await h.fake.click(request, request.buttons.find((b) => b.label === 'Cancel')!.custom_id, moderator).done();
  });

  it('GIVEN remove THEN it asks first; another user pressing Remove is refused; the asker confirming moves the file to .removed/ and the article is gone', async () => {
    const request = await article('remove', { article: 'north-pier-reopens' });
    expect(request.ephemeral).toBe(false);
    expect(request.text).toContain('Remove “North pier reopens”?');
    const confirm = request.buttons.find((b) => b.label === 'Remove')!.custom_id;

    const other = await h.fake.click(request, confirm, h.fake.member({ manageGuild: true })).done();
    expect(other.text).toContain('Only the moderator who asked can answer this request.');
    expect(await files()).toContain('north-pier-reopens.txt');

    const pressed = h.fake.click(request, confirm, moderator);
    await h.fake.waitFor(() => request.visible!.embeds.some((e) => String(e.title).startsWith('Removed:')));
    expect(request.visible!.embeds[0].description).toMatch(/Moved to `\.removed\/[^`]+-north-pier-reopens\.txt`.*To undo, move the file back/);
    expect(pressed.acks[0]?.type).toBe(7);
    expect(await files()).not.toContain('north-pier-reopens.txt');
    expect(h.engine.sources().map((s) => s.id)).not.toContain('north-pier-reopens');
    expect((await audit()).at(-1)).toMatchObject({ action: 'article-remove', result: 'ok', article: 'north-pier-reopens', hash: expect.any(String) });
  });

  it('GIVEN a removal nobody confirms THEN it times out: the buttons go and nothing is removed', async () => {
    const request: FakeInteraction = await article('remove', { article: 'south-pier-reopens' });
    await h.fake.waitFor(() => request.visible!.content?.startsWith('Timed out') === true);
    expect(request.buttons).toEqual([]);
    expect(await files()).toContain('south-pier-reopens.txt');
  });
});
