import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { renderAnswer, renderReload, renderSources, renderSummary } from '../../src/render/terminal.js';
import type { Answer, ReloadReport } from '../../src/types.js';
import { attachBot, type AttachedBot } from '../discord/harness.js';
import { SEEDS_DIR, makeEngine } from '../helpers.js';

/**
 * An article written to cause trouble: markdown, mentions, terminal escape sequences and other
 * control characters, a line of 6,000 characters and a 5,000-character word. Its quotes must show
 * as text in a terminal, in JSON and in Discord, never break a reply and never ping anyone.
 */

const ESC = '\u001b';
const MENTIONS = '@everyone @here <@123456789012345678> <@!234567890123456789> <@&345678901234567890> <#456789012345678901>';
const TITLE = `**Zanthorp** votes ${MENTIONS} ||spoiler|| [click](https://evil.example) ${'long headline '.repeat(30)}`.trim();
const CONTROL = `${ESC}[2J${ESC}[31mred${ESC}[0m ${ESC}]0;pwned\u0007 bell\u0007 back\b\b\b cr\rOVERWRITE del\u007f csi\u009b31m rtl\u202Eesrever\u202C`;
const ARTICLE = [
  TITLE,
  '# Not a heading\n> not a quote\n- not a list\n1. not a numbered item',
  `The Zanthorp council said ${MENTIONS} should read the plan before the vote, with **bold**, __underline__, ~~strike~~, \`code\`, \`\`\`fence\`\`\` and [a link](https://evil.example) in it.`,
  `The Zanthorp treasurer added ${CONTROL} at the end of the meeting.`,
  `The Zanthorp flood ${'flood '.repeat(1000)}went on.`,
  `The Zanthorp warehouse ${'W'.repeat(5000)} stood empty.`,
].join('\n\n');
const HOSTILE_FILE = 'evil-`<@123456789012345678>`-\u001b[31m.txt';

const QUESTIONS = [
  'What did the Zanthorp council say before the vote?',
  'What did the Zanthorp treasurer add at the end of the meeting?',
  'What happened in the Zanthorp flood?',
  'What stood empty in the Zanthorp warehouse?',
];

/** Characters that act on a terminal instead of showing: C0 controls but tab and newline, DEL, C1 controls. */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
/** A mention that Discord would turn into a ping in message content. */
const RAW_MENTION = /@everyone|@here|(?<!\\)<@[!&]?\d+(?<!\\)>/;

let root: string;
let engine: Engine;
let answers: Answer[];
let reload: ReloadReport;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'footnote-hostile-'));
  const seedsDir = join(root, 'seeds');
  await cp(SEEDS_DIR, seedsDir, { recursive: true });
  await writeFile(join(seedsDir, 'zanthorp.txt'), ARTICLE);
  ({ engine } = makeEngine({ seedsDir }));
  await engine.start();
  await writeFile(join(seedsDir, HOSTILE_FILE), '');
  reload = await engine.reload();
  answers = await Promise.all(QUESTIONS.map((q) => engine.ask(q)));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('hostile text in the terminal and in JSON', () => {
  it('GIVEN the article THEN the engine quotes it verbatim, hostile characters included', () => {
    const article = ARTICLE;
    for (const answer of answers) {
      const passage = (answer.outcome === 'answer' ? answer.citations : answer.closest)[0]!;
      expect(passage.articleId).toBe('zanthorp');
      expect(article.slice(passage.start, passage.end)).toBe(passage.quote);
    }
    expect(answers.map((a) => (a.refused ? a.closest : a.citations)[0]!.quote).join(' ')).toContain(CONTROL.slice(0, 20));
  });

  it('GIVEN hostile quotes, title and file name THEN the terminal rendering holds no control character that a terminal would act on', async () => {
    const rendered = [
      ...answers.map(renderAnswer),
      renderSummary(await engine.summarize({ article: 'zanthorp', length: 'long' })),
      renderSources(engine.sources()),
      renderReload(reload),
    ];
    for (const text of rendered) {
      const found = TERMINAL_CONTROL.exec(text);
      expect(found && { character: `U+${found[0].codePointAt(0)!.toString(16).padStart(4, '0')}`, near: JSON.stringify(text.slice(Math.max(0, found.index - 30), found.index + 10)) }).toBeNull();
    }
  });

  it('GIVEN hostile quotes THEN the --json output is one line of valid JSON whose quotes are the verbatim text', () => {
    for (const answer of answers) {
      const line = JSON.stringify(answer);
      expect(line).not.toMatch(/[\n\r\u001b\u0007\u0008]/);
      expect((JSON.parse(line) as Answer).citations.map((c) => c.quote)).toEqual(answer.citations.map((c) => c.quote));
    }
  });
});

describe('hostile text in Discord', () => {
  let bot: AttachedBot;

  beforeAll(async () => {
    await mkdir(join(root, 'logs'));
    bot = await attachBot({ engine, root });
  });
  afterAll(() => bot?.close());

  it('GIVEN answers, passages, a summary, the sources and a reload report quoting the article THEN Discord accepts every reply, markdown and mentions show as text, and nobody is pinged', async () => {
    const { fake } = bot;
    const replies = [];
    for (const question of QUESTIONS) {
      const reply = await fake.command('ask', { question }).done();
      expect(reply.text).toMatch(/\*\*\[1\]\*\* /);
      replies.push(reply);
      const passages = reply.buttons.find((b) => b.label === 'Show passages');
      if (passages) replies.push(await fake.click(reply, passages.custom_id).done());
    }
    replies.push(await fake.command('summary', { article: 'zanthorp', length: 'long' }).done());
    replies.push(await fake.command('sources').done());
    replies.push(await fake.command('reload', {}, fake.member({ roles: [fake.modRoleId] })).done());

    expect(fake.rejections).toEqual([]);
    expect(fake.pings).toEqual([]);
    for (const message of fake.messages) {
      expect(message.allowed_mentions).toEqual({ parse: [], replied_user: false });
      expect(message.content).not.toMatch(RAW_MENTION);
    }
    const shown = replies.map((r) => r.text).join('\n');
    expect(shown).toContain('\\*\\*bold\\*\\*');
    expect(shown).toContain('\\`code\\`');
    expect(shown).toContain('\\<@123456789012345678\\>');
    expect(shown).toContain('\\[a link\\](https://evil.example)');
    // The 6,000-character line is cut to fit, with an ellipsis, and the reply still reads as an answer.
    const flood = replies.find((r) => r.text.includes('Zanthorp flood'))!;
    expect(flood.text).toMatch(/flood…/);
    expect(replies.at(-1)!.text).toContain('Failed (1)');
  });
});
