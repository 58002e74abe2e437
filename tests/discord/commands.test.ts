import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botEngine } from '../../src/discord/command.js';
import type { Engine } from '../../src/engine/engine.js';
import { expectCleanExchanges, SEED_TITLE, startHarness, type Harness } from './harness.js';

/** /summary, /sources, /help and /reload end to end. Tests run in order: /reload adds articles. */

const SEED_ID = '000_384e7f44ba0120d1';
let h: Harness;
/** While set, /reload's reply waits for it (the real reload has already run): "/ask during /reload" is then certain. */
let hold: Promise<void> | undefined;

beforeAll(async () => {
  h = await startHarness({
    wrap: (engine: Engine) => ({
      ...botEngine(engine),
      reload: async () => {
        const report = engine.reload();
        report.catch(() => {});
        await hold;
        return report;
      },
    }),
  });
});
afterAll(() => h?.close());
expectCleanExchanges(() => h);

describe('/summary', () => {
  it('GIVEN no options THEN summarises the most recent article, every sentence numbered and quoted', async () => {
    const reply = await h.fake.command('summary').done();
    expect(reply.text).toContain(`Summary: ${SEED_TITLE}`);
    expect(reply.text).toContain('Batya Jerenberg, World Israel News');
    expect(reply.text).toMatch(/\[5\]/);
    expect(reply.text).toMatch(/medium summary/);
  });

  it('GIVEN article, length and topic THEN follows all three', async () => {
    const reply = await h.fake.command('summary', { article: SEED_ID, length: 'short', topic: 'firewall' }).done();
    expect(reply.text).toContain('*On “firewall”*');
    expect(reply.text).toMatch(/\[3\]/);
    expect(reply.text).not.toMatch(/\[4\]/);
    expect(reply.text).toMatch(/short summary/);
  });

  it('GIVEN an article that does not exist THEN explains privately, with an error id that is also in the log', async () => {
    const reply = await h.fake.command('summary', { article: 'no such story' }).done();
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('No article matches "no such story". Use /sources to see the articles.');
    const errorId = /Error id `([0-9a-f]{6})`/.exec(reply.text)?.[1];
    expect(h.logs.find((line) => line.errorId === errorId)).toMatchObject({ code: 'ARTICLE_NOT_FOUND', command: 'summary' });
  });

  it('GIVEN letters typed in the article option THEN autocompletes matching titles, with ids as values', async () => {
    const found = await h.fake.autocomplete('summary', { article: 'iran' }, 'article').done();
    expect(found.choices).toEqual([{ name: SEED_TITLE, value: SEED_ID }]);
    const none = await h.fake.autocomplete('summary', { article: 'football' }, 'article').done();
    expect(none.choices).toEqual([]);
  });
});

describe('/help and /sources', () => {
  it('GIVEN /help THEN explains the bot, lists every command and three example questions', async () => {
    const reply = await h.fake.command('help').done();
    expect(reply.ephemeral).toBe(true);
    for (const name of ['ask', 'summary', 'sources', 'reload', 'help']) expect(reply.text).toContain(`\`/${name}\``);
    expect(reply.text.match(/\/ask question: /g)).toHaveLength(3);
    expect(reply.text).toContain(`Who wrote “${SEED_TITLE}”?`);
  });

  it('GIVEN /sources THEN lists each article with its id, chunks and indexing time', async () => {
    const reply = await h.fake.command('sources').done();
    expect(reply.text).toContain(`1. ${SEED_TITLE}`);
    expect(reply.text).toMatch(new RegExp(`id \`${SEED_ID}\` · \\d+ chunks · indexed <t:\\d+:f>`));
    expect(reply.buttons).toEqual([]);
  });
});

describe('/reload', () => {
  it('GIVEN a member without Manage Server or a moderator role THEN refuses privately and audits the attempt', async () => {
    const member = h.fake.member({ roles: ['111111111111111111'] });
    const reply = await h.fake.command('reload', {}, member).done();
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain('Only moderators can reload the articles');
    expect((await h.readJsonl(h.config.AUDIT_LOG)).at(-1)).toMatchObject({ action: 'reload', result: 'refused', guild: h.fake.guildId });
  });

  it('GIVEN a moderator with Manage Server THEN defers, reloads and reports added and failed files; /ask meanwhile is answered', async () => {
    for (let i = 1; i <= 11; i++) {
      const text = `Local story number ${i}\n\nBy Reporter ${i}, Test Gazette\n\nThe council of town ${i} voted on ${i * 3} new bus lines on Tuesday.\n\nResidents of town ${i} said the buses were late ${i} times last month.\n`;
      await writeFile(join(h.seedsDir, `news_${String(i).padStart(2, '0')}.txt`), text);
    }
    await writeFile(join(h.seedsDir, 'broken.txt'), Buffer.from([0x66, 0x00, 0x6f]));
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));

    const reload = h.fake.command('reload', {}, h.fake.member({ manageGuild: true }));
    await h.fake.waitFor(() => reload.initial === 5);
    const answer = await h.fake.command('ask', { question: 'How many attacks did Iran say it neutralized last year?' }).done();
    expect(answer.text).toContain('**33 million**');
    expect(reload.settled).toBe(false);
    release();
    hold = undefined;

    await reload.done();
    expect(reload.ephemeral).toBe(false);
    expect(reload.text).toContain('Index reloaded');
    expect(reload.text).toContain('Added (11)');
    expect(reload.text).toContain('`news_01`');
    expect(reload.text).toMatch(/Failed \(1\)\n`broken\.txt`: .*binary/);
    expect(reload.text).toMatch(/Reloaded in \d+/);
    expect((await h.readJsonl(h.config.AUDIT_LOG)).at(-1)).toMatchObject({ action: 'reload', result: 'ok', added: expect.arrayContaining(['news_01']), failed: [expect.objectContaining({ file: 'broken.txt' })] });
  });

  it('GIVEN a member with a role from MOD_ROLE_IDS THEN may reload too', async () => {
    const reply = await h.fake.command('reload', {}, h.fake.member({ roles: [h.fake.modRoleId] })).done();
    expect(reply.text).toContain('Index already up to date');
    expect(reply.text).toContain('Added (0)');
  });

  it('GIVEN twelve articles THEN /sources pages through them with ◀ and ▶', async () => {
    const first = await h.fake.command('sources').done();
    expect(first.text).toContain('Indexed articles (12)');
    expect(first.text).toContain('Page 1 of 2');
    expect(first.buttons.map((b) => [b.label, b.disabled])).toEqual([
      ['◀ Previous', true],
      ['Next ▶', false],
    ]);
    const second = await h.fake.click(first, 'sources:page:1').done();
    expect(second.initial).toBe(7);
    expect(second.text).toContain('Page 2 of 2');
    expect(second.text).toContain('11. ');
    const back = await h.fake.click(second.visible!, 'sources:page:0').done();
    expect(back.text).toContain('Page 1 of 2');
  });
});
