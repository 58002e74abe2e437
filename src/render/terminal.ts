import type { Answer, ArticleInfo, Citation, ClaimCheck, ReloadReport, Summary } from '../types.js';
import type { IndexingProgress } from '../engine/engine.js';
import type { PollReport } from '../ingest/feeds/poller.js';
import type { FollowedFeed } from '../ingest/feeds/state.js';
import { differenceNote, indexingNote, NOT_ENGLISH_NOTE, VERDICT_LABEL } from './notes.js';
import { forTerminal, oneLine } from './safe-text.js';

/** Plain-text renderings for a terminal: the answer first, then numbered verbatim quotes. */

const safe = forTerminal;

const where = (c: Citation) => `${oneLine(c.title)}${c.paragraph > 0 ? `, ¶${c.paragraph}` : ''}${c.url ? ` <${oneLine(c.url)}>` : ''}`;
const quote = (c: Citation) => `[${c.n}] ${c.quote.replace(/\s*\n\s*/g, ' ')}\n    — ${where(c)}`;

const CLOSEST_HEADING = { 'best-match': 'The passage that comes closest:', 'not-found': 'Closest passages (they do not answer it):', answer: '' } as const;

/** Who wrote an answer or summary, when a language model was asked: written by it, or why Footnote's own is shown. */
function writtenBy({ answerer, llm }: Pick<Answer, 'answerer' | 'llm'>, what: 'answer' | 'summary'): string[] {
  if (!llm) return [];
  return answerer === 'llm' ? [`(Written by ${oneLine(llm.model)}; every quote was checked against the articles.)`] : [`(${llm.fallback ?? ''} This is Footnote's own ${what}, quoted from the articles.)`];
}

export function renderAnswer(answer: Answer): string {
  const indexing = answer.indexing ? [`(${answer.indexing.chunksWithoutVectors.toLocaleString('en')} passages are still being indexed: they were searched by their words only. Their vectors are being made; what is done is saved for the next run.)`] : [];
  // A written answer carries its markers where the model put them.
  const text = answer.citations.length && answer.kind !== 'written' ? `${answer.answer} [1]` : answer.answer;
  const lines = [answer.followUp ? `(Read as: ${answer.followUp.readAs})` : '', answer.scope ? `(About the article “${answer.scope.title}”.)` : '', text, answer.notEnglish ? `(${NOT_ENGLISH_NOTE})` : ''].filter(Boolean);
  if (answer.citations.length) lines.push('', ...answer.citations.map(quote));
  if (answer.closest.length) lines.push('', CLOSEST_HEADING[answer.outcome], ...answer.closest.map(quote));
  lines.push('', ...writtenBy(answer, 'answer'), ...indexing, `(${Math.round(answer.timings.totalMs)} ms)`);
  return safe(lines.join('\n'));
}

const MARK = { supported: '✓', differs: '≠', 'not-in-articles': '?' } as const;

/** A claim checked: each sentence with its verdict, what differs, and the quotes (the closest ones marked as not stating it). */
export function renderCheck(check: ClaimCheck): string {
  const indent = (text: string) => text.replace(/^/gm, '   ');
  const lines = check.sentences.flatMap((s, i) => {
    const markers = s.citations.map((c) => `[${c.n}]`).join('');
    const verdict = s.verdict === 'differs' ? `${VERDICT_LABEL.differs}: ${s.differences.map(differenceNote).join('; ')} ${markers}` : `${VERDICT_LABEL[s.verdict]}${markers ? ` ${markers}` : ''}`;
    const quotes = s.citations.length ? s.citations.map(quote) : s.closest.length ? ['Closest passages (they do not state it):', ...s.closest.map(quote)] : [];
    return [`${i + 1}. “${oneLine(s.text)}”`, `   ${MARK[s.verdict]} ${verdict}.`, ...quotes.map(indent), ''];
  });
  const unchecked = check.unchecked ? [`(${check.unchecked} more sentence(s) not checked: at most ${check.sentences.length} are.)`] : [];
  const indexing = check.indexing ? [`(${check.indexing.chunksWithoutVectors.toLocaleString('en')} passages are still being indexed: they were searched by their words only.)`] : [];
  return safe([`Checked against the articles:`, '', ...lines, ...unchecked, ...indexing, `(${Math.round(check.timings.totalMs)} ms)`].join('\n'));
}

function header(info: ArticleInfo): string {
  const byline = [info.author, info.publication].filter(Boolean).join(', ');
  return oneLine(byline ? `${info.title} — ${byline}` : info.title);
}

export function renderSummary(summary: Summary): string {
  const focus = summary.topic ? ` (on “${summary.topic}”)` : '';
  // Offsets are for --json and "Show passages": here a citation says which paragraph it is from.
  const where = (c: Citation) => `[${c.n}] ¶${c.paragraph}`;
  const sentences = summary.written
    ? summary.written.map((s) => `${s.text} ${s.citations.map((n) => `[${n}]`).join('')}`)
    : summary.citations.map((c) => `${c.quote.replace(/\s*\n\s*/g, ' ')} [${c.n}]`);
  // Paragraphs of at most three sentences: one long block is hard to read.
  const body = Array.from({ length: Math.ceil(sentences.length / 3) }, (_, k) => sentences.slice(3 * k, 3 * k + 3).join(' ')).join('\n\n');
  const sources = summary.written ? summary.citations.map((c) => `${quote(c)}\n    ${where(c).replace(/^\[\d+\] /, '')}`) : [summary.citations.map(where).join(' · ')];
  return safe([`Summary of ${header(summary.article)}${focus}`, '', body, '', ...sources, ...(summary.llm ? ['', ...writtenBy(summary, 'summary')] : [])].join('\n'));
}

/** `footnote article add`: the article as indexed, and where it came from. */
export function renderAdded(added: { article: ArticleInfo; paragraphs: number }): string {
  const { article } = added;
  const from = article.url ? `\n   from ${oneLine(article.url)}${article.publishedAt ? `, published ${article.publishedAt.slice(0, 10)}` : ''}` : '';
  return safe(`Added ${header(article)}${from}\n   id ${oneLine(article.id)} · ${added.paragraphs} paragraphs · ${article.chunks} chunks`);
}

export function renderSources(sources: ArticleInfo[], indexing?: IndexingProgress): string {
  if (!sources.length) return 'No articles are indexed. Add .txt or .md files to the seeds folder and reload.';
  const progress = indexing && indexing.chunksWithVectors < indexing.chunks ? [indexingNote(indexing)] : [];
  return safe([...progress, ...sources.map((s, i) => `${i + 1}. ${header(s)}\n   id ${oneLine(s.id)} · ${s.chunks} chunks · indexed ${s.indexedAt}${s.url ? `\n   ${oneLine(s.url)}` : ''}`)].join('\n'));
}

export function renderReload(report: ReloadReport): string {
  const list = (ids: string[]) => (ids.length ? ` (${ids.map(oneLine).join(', ')})` : '');
  const lines = [
    `Reloaded in ${Math.round(report.ms)} ms: ${report.added.length} added${list(report.added)}, ${report.changed.length} changed${list(report.changed)}, ` +
      `${report.removed.length} removed${list(report.removed)}, ${report.unchanged} unchanged; ${report.chunks} chunks indexed.`,
  ];
  for (const { file, reason } of report.failed) lines.push(`  skipped ${oneLine(file)}: ${reason}`);
  if (report.warning) lines.push(`Warning: ${report.warning}`);
  return safe(lines.join('\n'));
}

const feedName = (feed: Pick<FollowedFeed, 'title' | 'url'>) => oneLine(feed.title ? `${feed.title} <${feed.url}>` : feed.url);

/** `footnote feeds list`: each feed with what it added, when it was last read, its last error and when it is read next. */
export function renderFeedList(feeds: readonly FollowedFeed[]): string {
  if (!feeds.length) return 'No feeds are followed. Add one with: footnote feeds add <feed address>';
  return safe(
    feeds
      .map((f, i) =>
        [
          `${i + 1}. ${feedName(f)}`,
          `   ${f.itemsAdded} articles added · last read ${f.lastSuccessAt ?? 'never'} · ${f.failures ? `tried again ${f.nextPollAt} (${f.failures} failures in a row)` : `next read ${f.nextPollAt}`}`,
          ...(f.lastError ? [`   last error ${f.lastErrorAt}: ${oneLine(f.lastError)}`] : []),
        ].join('\n'),
      )
      .join('\n'),
  );
}

/** `footnote feeds poll` (and what `feeds add` read): the feeds read, the articles added, updated and removed, the items left out and why. */
export function renderPoll(report: PollReport): string {
  const titles = (articles: readonly ArticleInfo[]) => articles.map((a) => `   ${header(a)} (${oneLine(a.id)})`);
  const lines = [
    `Read ${report.feeds.length} feed(s) in ${Math.round(report.ms)} ms: ${report.added.length} added, ${report.updated.length} updated, ${report.removed.length} removed (older than FEED_MAX_AGE_DAYS), ${report.skipped.length} skipped.`,
    ...report.feeds.map((f) => `  ${feedName(f)}: ${f.outcome === 'failed' ? `failed: ${oneLine(f.error ?? '')}` : f.outcome === 'not-modified' ? 'not modified' : `${f.added} added`}`),
    ...(report.added.length ? ['Added:', ...titles(report.added)] : []),
    ...(report.updated.length ? ['Updated:', ...titles(report.updated)] : []),
    ...(report.removed.length ? ['Removed:', ...titles(report.removed)] : []),
    ...(report.skipped.length ? ['Skipped:', ...report.skipped.map((s) => `   ${oneLine(s.url)}: ${oneLine(s.reason)}`)] : []),
  ];
  return safe(lines.join('\n'));
}

/** `footnote feeds add`: the feed followed, and what its first read added. */
export function renderFeedAdded({ feed, report }: { feed: FollowedFeed; report: PollReport }): string {
  return safe(`Following ${feedName(feed)}.\n${renderPoll(report)}`);
}
