import { describe, expect, it } from 'vitest';
import { renderArticleChoices } from '../../src/render/discord/article.js';
import { renderAnswer, renderPassages } from '../../src/render/discord/ask.js';
import { renderHelp } from '../../src/render/discord/help.js';
import { cut, DiscordLimits, embedsLength, escapeText, fitMessage } from '../../src/render/discord/message.js';
import { renderReload } from '../../src/render/discord/reload.js';
import { renderSources } from '../../src/render/discord/sources.js';
import { renderSummary } from '../../src/render/discord/summary.js';
import type { Answer, ArticleInfo, Citation, Summary } from '../../src/types.js';
import { pingsOf, validateMessage } from '../../tools/fake-discord/server.js';
import { renderDigest } from '../../src/render/discord/digest.js';

const words = (n: number, word = 'passage') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

const citation = (n: number, quote: string, title = 'US cyber attack failed, Iran says'): Citation => ({
  n,
  articleId: '000_384e7f44ba0120d1',
  title,
  paragraph: n + 2,
  start: 100 * n,
  end: 100 * n + quote.length,
  quote,
});

const answer = (overrides: Partial<Answer>): Answer => ({
  question: 'How many attacks did Iran say it neutralized last year?',
  answer: '33 million',
  outcome: 'answer',
  kind: 'short',
  refused: false,
  confidence: 0.9,
  answerer: 'extractive',
  citations: [citation(1, 'Last year we neutralized 33 million attacks with the (national) firewall.')],
  closest: [],
  timings: { totalMs: 78.4 },
  ...overrides,
});

const ids = { passages: 'ask:passages:1', up: 'ask:up:1', down: 'ask:down:1' };

describe('cut', () => {
  it('GIVEN text within the limit THEN returns it unchanged', () => {
    expect(cut('short text', 20)).toBe('short text');
  });

  it('GIVEN long text THEN cuts at a word boundary and ends with an ellipsis', () => {
    const result = cut('the quick brown fox jumps over the lazy dog', 20);
    expect(result).toBe('the quick brown fox…');
    expect(result.length).toBeLessThanOrEqual(20);
  });

  it('GIVEN one overlong word THEN cuts it hard to the limit', () => {
    expect(cut('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('GIVEN an emoji at the cut THEN never leaves half a surrogate pair', () => {
    const result = cut(`${'a'.repeat(8)}😀😀😀`, 10);
    expect(result.length).toBeLessThanOrEqual(10);
    expect(() => encodeURIComponent(result)).not.toThrow();
  });

  it('GIVEN escaped markdown at the cut THEN no backslash escapes the ellipsis', () => {
    expect(cut(`${'a '.repeat(3)}\\*\\*${'b'.repeat(20)}`, 12).endsWith('\\…')).toBe(false);
  });
});

describe('renderAnswer', () => {
  it('GIVEN a short answer THEN shows it in bold, then the numbered verbatim quote with title and paragraph, then the time', () => {
    const embed = renderAnswer(answer({}), ids).embeds![0]!;
    expect(embed.description).toContain('**33 million** [1]');
    expect(embed.description).toContain('> **[1]** Last year we neutralized 33 million attacks with the (national) firewall.');
    expect(embed.description).toContain('— *US cyber attack failed, Iran says*, ¶3');
    expect(embed.footer?.text).toContain('78 ms');
  });

  it('GIVEN a sentence answer THEN does not bold it', () => {
    const embed = renderAnswer(answer({ kind: 'sentence', answer: 'Iran said it stopped them.' }), ids).embeds![0]!;
    expect(embed.description?.startsWith('Iran said it stopped them. [1]')).toBe(true);
  });

  it('GIVEN a refusal with closest passages THEN says the articles do not cover it and marks the passages as closest', () => {
    const refused = answer({ outcome: 'not-found', refused: true, kind: 'refused', answer: "I couldn't find that in the articles.", citations: [], closest: [citation(1, 'Unrelated passage.')] });
    const embed = renderAnswer(refused, ids).embeds![0]!;
    expect(embed.description).toMatch(/I couldn't find that in the articles\./);
    expect(embed.description).toMatch(/Closest passages.*don't answer the question/);
    expect(embed.footer?.text).toContain('not covered');
  });

  it('GIVEN a question that does not read as English THEN the reply says the articles are read in English, before the quotes', () => {
    const refused = answer({ outcome: 'not-found', refused: true, kind: 'refused', answer: "I couldn't find that in the articles.", citations: [], closest: [citation(1, 'Unrelated passage.')], notEnglish: true });
    const description = renderAnswer(refused, ids).embeds![0]!.description!;
    expect(description).toMatch(/\*The articles are read in English, and this question does not read as English: asking in English finds more\.\*[^]*Unrelated passage/);
  });

  it('GIVEN markdown and mentions in a quote THEN shows them as text', () => {
    const embed = renderAnswer(answer({ citations: [citation(1, 'He said *loudly* to @everyone and <@123>: `code`')] }), ids).embeds![0]!;
    expect(embed.description).toContain('\\*loudly\\*');
    expect(embed.description).toContain('\\`code\\`');
  });

  it('GIVEN right-to-left overrides in a title, a quote and the question THEN none reaches Discord, and the three outcomes read differently', () => {
    const rlo = '\u202e';
    const tricky = answer({ question: `Who won${rlo}?`, citations: [citation(1, `He said ${rlo}evil${'\u202c'} things.`, `Title ${rlo}sdrawkcab`)] });
    expect(JSON.stringify(renderAnswer(tricky))).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.stringify(renderPassages(tricky))).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const bestMatch = renderAnswer(answer({ outcome: 'best-match', kind: 'passage', answer: 'Best match — this may not answer your question.', citations: [], closest: [citation(1, 'A related passage.')] }));
    expect(bestMatch.embeds![0]!.description).toContain("**Best match — this may not answer your question.** The articles don't clearly answer this");
    expect(bestMatch.embeds![0]!.footer!.text).toContain('best match, not an answer');
    expect(renderArticleChoices([{ id: 'a', title: `Mayor ${rlo}sdrawkcab`, file: 'a.txt', chunks: 1, indexedAt: '' }])).toEqual([{ name: 'Mayor sdrawkcab', value: 'a' }]);
  });

  it('GIVEN ten huge citations and a huge question THEN stays within every Discord limit', () => {
    const huge = answer({
      question: words(2000, 'why'),
      answer: words(2000, 'because'),
      kind: 'sentence',
      citations: Array.from({ length: 10 }, (_, i) => citation(i + 1, words(3000), words(100, 'Title'))),
    });
    const message = renderAnswer(huge, ids);
    expect(validateMessage(message, { create: true })).toEqual([]);
    const description = message.embeds![0]!.description!;
    expect(description).toContain('[10]');
    expect(description).toMatch(/passage\d+…/);
  });

  it('GIVEN buttons THEN offers Show passages, 👍 and 👎 in one row', () => {
    const row = renderAnswer(answer({}), ids).components![0]!;
    expect(row.components.map((b) => ('custom_id' in b ? b.custom_id : ''))).toEqual(['ask:passages:1', 'ask:up:1', 'ask:down:1']);
  });
});

describe('renderPassages', () => {
  it('GIVEN citations THEN shows each quote whole with its paragraph and offsets', () => {
    const quote = words(120);
    const embeds = renderPassages(answer({ citations: [citation(1, quote)] })).embeds!;
    expect(embeds[0]!.description).toBe(quote);
    expect(embeds[0]!.footer?.text).toBe(`¶3 · characters 100–${100 + quote.length}`);
  });

  it('GIVEN passages over 6,000 characters together THEN cuts them to fit one message', () => {
    const message = renderPassages(answer({ citations: Array.from({ length: 12 }, (_, i) => citation(i + 1, words(2000))) }));
    expect(message.embeds).toHaveLength(10);
    expect(validateMessage(message, { create: true })).toEqual([]);
  });
});

describe('other renderings', () => {
  const info = (i: number): ArticleInfo => ({ id: `article_${i}`, title: `Article number ${i}`, author: 'A. Writer', publication: 'Daily', file: `article_${i}.txt`, chunks: 3, indexedAt: '2026-01-01T00:00:00.000Z' });

  it('GIVEN 23 articles THEN /sources shows ten per page with working page buttons', () => {
    const sources = Array.from({ length: 23 }, (_, i) => info(i));
    const pageId = (n: number) => `sources:page:${n}`;
    const first = renderSources(sources, 0, pageId);
    expect(first.embeds![0]!.fields).toHaveLength(10);
    expect(first.embeds![0]!.footer?.text).toBe('Page 1 of 3');
    expect(first.components![0]!.components).toMatchObject([{ custom_id: 'sources:page:-1', disabled: true }, { custom_id: 'sources:page:1', disabled: false }]);
    const last = renderSources(sources, 99, pageId);
    expect(last.embeds![0]!.fields).toHaveLength(3);
    expect(last.embeds![0]!.fields![0]!.value).toContain('id `article_20` · 3 chunks · indexed <t:1767225600:f>');
  });

  it('GIVEN a summary with a topic THEN numbers every sentence and names the passages', () => {
    const summary: Summary = {
      article: info(1),
      length: 'short',
      topic: 'firewall',
      citations: [citation(1, 'First sentence.'), citation(2, 'Second sentence.')],
      answerer: 'extractive',
      timings: { totalMs: 4 },
    };
    const embed = renderSummary(summary).embeds![0]!;
    expect(embed.description).toBe('*On “firewall”*\n\nFirst sentence. [1] Second sentence. [2]');
    expect(embed.author?.name).toBe('A. Writer, Daily');
    expect(embed.fields![0]!.value).toBe('[1] ¶3 · [2] ¶4');
    const reversed = renderSummary({ ...summary, article: { ...info(1), title: 'Title \u202esdrawkcab' } });
    expect(JSON.stringify(reversed)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('GIVEN a reload of thousands of files THEN lists them within the field limits', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `file_${i}`);
    const message = renderReload({ added: many, changed: [], removed: many, unchanged: 1, failed: many.map((file) => ({ file, reason: 'it is a binary file, not text' })), chunks: 9, toEmbed: 0, ms: 1234 });
    expect(validateMessage(message, { create: true })).toEqual([]);
    expect(message.embeds![0]!.fields![0]!.name).toBe('Added (3000)');
    expect(message.embeds![0]!.footer?.text).toBe('Reloaded in 1.2 s');
  });

  it('GIVEN commands and examples THEN /help lists both', () => {
    const embed = renderHelp([{ name: 'ask', description: 'Ask.' }], ['Who wrote it?', 'Where?', 'When?']).embeds![0]!;
    expect(embed.fields![0]!.value).toBe('`/ask` — Ask.');
    expect(embed.fields![1]!.value.split('\n')).toHaveLength(3);
  });
});

describe('fitMessage', () => {
  it('GIVEN a payload over every limit THEN returns one Discord accepts', () => {
    const long = words(3000);
    const message = fitMessage({
      content: long,
      embeds: Array.from({ length: 12 }, () => ({
        title: long,
        description: long,
        footer: { text: long },
        author: { name: long },
        fields: Array.from({ length: 30 }, () => ({ name: long, value: long })),
      })),
      components: Array.from({ length: 7 }, (_, r) => ({
        type: 1,
        components: Array.from({ length: 7 }, (_, b) => ({ type: 2, style: 2, custom_id: `b${r}-${b}`, label: long })),
      })) as never,
    });
    expect(validateMessage(message, { create: true })).toEqual([]);
    expect(embedsLength(message.embeds!)).toBeLessThanOrEqual(DiscordLimits.embedTotal);
    expect(message.content?.endsWith('…')).toBe(true);
  });
});

describe('escapeText', () => {
  it('GIVEN markdown, mentions and line starts THEN escapes them so they show as typed', () => {
    expect(escapeText('**bold** _it_ ~~s~~ `c` ||spoiler|| [link](x) <@123> \\')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\| \\[link\\](x) \\<@123\\> \\\\');
    expect(escapeText('# Title\n- item\n1. first\n-# small')).toBe('\\# Title\n\\- item\n1\\. first\n\\-# small');
  });

  it('GIVEN 100,000 characters THEN escapes every markdown character', () => {
    const text = '*a* '.repeat(25_000);
    expect(escapeText(text)).toHaveLength(text.length + 50_000);
  });
});

describe('citations of an article added by its link', () => {
  it('GIVEN a link with brackets, angle brackets or spaces THEN the title links to it with them percent-encoded (nothing ends the link early); a link that is not http(s) is no link', () => {
    const linked = (url: string) => answer({ citations: [{ ...citation(1, 'The ferry crews returned to work on Tuesday.', 'Ferry crews [return]'), url }] });
    const description = (url: string) => renderAnswer(linked(url), ids).embeds![0]!.description!;
    expect(description('https://coast.example/news/ferry_(strike)>x?q=a b')).toContain('— [*Ferry crews \\[return\\]*](<https://coast.example/news/ferry_%28strike%29%3Ex?q=a%20b>), ¶3');
    expect(description('javascript:alert(1)')).toContain('— *Ferry crews \\[return\\]*, ¶3');
    const passages = renderPassages(linked('https://coast.example/news/ferry'));
    expect(passages.embeds![0]).toMatchObject({ url: 'https://coast.example/news/ferry' });
    expect(validateMessage(passages, { create: true })).toEqual([]);
  });
});

describe('the feed digest', () => {
  const summary = (n: number, title = `Harbour report ${n}`): Summary => ({
    article: { id: `harbour-report-${n}`, title, file: `harbour-report-${n}.txt`, chunks: 1, indexedAt: '', url: `https://velmora.example/stories/${n}`, publishedAt: '2026-12-01T08:00:00.000Z' },
    length: 'short',
    citations: [citation(1, `Repairs began at pier ${n} on Monday. `.repeat(30)), citation(2, 'The pier reopens on Friday.')],
    answerer: 'extractive',
    timings: { totalMs: 3 },
  });

  it('GIVEN twelve new articles THEN one message of ten, each title linked, the rest counted, within Discord\'s limits; a title that looks like markup or a mention stays text', () => {
    const message = renderDigest([summary(1, '@everyone **Storm** <@123> hits [the] coast'), ...Array.from({ length: 11 }, (_, i) => summary(i + 2))], 12);
    expect(message.content).toBe('📰 12 new articles from the feeds, quoted word for word. The first 10 are below; /sources lists them all. Ask about them with /ask.');
    expect(message.embeds).toHaveLength(10);
    expect(message.embeds![1]).toMatchObject({ title: 'Harbour report 2', url: 'https://velmora.example/stories/2' });
    expect(message.embeds![1]!.description).toMatch(/^> Repairs began at pier 2 on Monday\. .*… \*\(¶3\)\*\n> The pier reopens on Friday\. \*\(¶4\)\*\n-# published 2026-12-01$/s);
    expect(validateMessage(message, { create: true })).toEqual([]);
    expect(pingsOf(message.content!, { parse: [] })).toEqual([]);
  });
});
