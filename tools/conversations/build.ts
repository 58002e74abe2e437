/**
 * Turns the writers' follow-up drafts into the committed follow-up set (questions, answers, ids,
 * offsets: never article text), checking every chain on the way:
 *   node --import tsx tools/conversations/build.ts --bbc <bbc-news-summary.jsonl.gz> --drafts <folder> [--check]
 * The drafts folder holds JSON files, in split subfolders or not (all are read), each an array of
 * chains in the format of /work/drafts-followups/SPEC.md:
 *   { chain: "<article>~<n>", article, turns: [{ question, kind, answers, evidence: [verbatim quotes], needs, standalone }] }
 * A chain's split is its article's split in news-qa.json (test2 counts as test); chains on the
 * seed story (article "seed") are split "seed". A chain with any problem is left out of the set and
 * listed with its problems; `--check` only reports (and exits 1 when there are problems).
 */
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { loadNewsQa, QuestionKinds, type QuestionKind } from '../news-qa/dataset.js';
import { allDraftFiles, answerInEvidence, copiesArticle, COPIED_RUN, draftArticles, evidenceSpan, evidenceText, readDrafts } from '../news-qa/build.js';
import { normalizeAnswer } from '../eval/metrics.js';
import { parseArticle } from '../../src/ingest/parse-article.js';
import type { Article, Span } from '../../src/types.js';
import {
  chainSplit,
  ChainSplits,
  Needs,
  SEED_ARTICLE,
  SEED_STORY,
  writeFollowups,
  type ChainSplit,
  type FollowupChain,
  type FollowupTurn,
  type Need,
} from './dataset.js';

interface DraftTurn {
  question: string;
  kind: QuestionKind;
  answers?: string[];
  evidence?: string[];
  needs: Need;
  standalone: string;
}

interface DraftChain {
  chain: string;
  article: string;
  turns: DraftTurn[];
}

const MIN_TURNS = 2;
const MAX_TURNS = 4;

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const quoted = (text: string, length = 60) => `"${text.length > length ? `${text.slice(0, length)}…` : text}"`;


/** The turn as committed, or its problems. */
function checkTurn(draft: DraftTurn, n: number, article: Article): { turn?: FollowupTurn; problems: string[] } {
  const problems: string[] = [];
  if (typeof draft?.question !== 'string' || !draft.question.trim()) return { problems: ['no question'] };
  if (!QuestionKinds.includes(draft.kind)) problems.push(`kind ${JSON.stringify(draft.kind)} must be one of ${QuestionKinds.join(', ')}`);
  if (!Needs.includes(draft.needs)) problems.push(`needs ${JSON.stringify(draft.needs)} must be one of ${Needs.join(', ')}`);
  else if (n === 1 && draft.needs !== 'none') problems.push('turn 1 stands alone: needs must be "none"');
  else if (n > 1 && draft.needs === 'none') problems.push('a follow-up needs pronoun, ellipsis, definite or new-subject');

  const question = draft.question.trim();
  const standalone = typeof draft.standalone === 'string' ? draft.standalone.trim() : '';
  if (!standalone) problems.push('no standalone question');
  else if (n === 1 && standalone !== question) problems.push('turn 1 stands alone: standalone must be the question itself');
  else if (n > 1 && draft.needs !== 'new-subject' && normalizeAnswer(standalone) === normalizeAnswer(question)) {
    problems.push(`a "${draft.needs}" follow-up's standalone must say what the question leaves to the conversation`);
  }

  const answers = draft.answers ?? [];
  const quotes = draft.evidence ?? [];
  if (!isStrings(answers) || !isStrings(quotes)) return { problems: [...problems, 'answers and evidence are lists of strings'] };
  if (!answers.length !== !quotes.length) problems.push('answers and evidence go together: both given, or both [] when the article does not answer');
  const evidence: Span[] = [];
  for (const quote of quotes) {
    const span = evidenceSpan(article, quote);
    if (span) evidence.push(span);
    else problems.push(`evidence not found verbatim: ${quoted(quote)}`);
  }
  if (evidence.length === quotes.length) {
    const found = evidenceText(article, evidence);
    for (const answer of answers) if (!answerInEvidence(draft.kind, answer, found)) problems.push(`answer "${answer}" is not in the evidence`);
  }
  if (copiesArticle(question, article)) problems.push(`the question copies ${COPIED_RUN}+ words in a row from the article`);
  if (standalone && standalone !== question && copiesArticle(standalone, article)) {
    problems.push(`the standalone question copies ${COPIED_RUN}+ words in a row from the article`);
  }
  if (problems.length) return { problems };
  return { turn: { question, kind: draft.kind, answers: answers.map((a) => a.trim()), evidence, needs: draft.needs, standalone }, problems };
}

const program = new Command('build')
  .requiredOption('--bbc <file>', 'bbc-news-summary.jsonl.gz')
  .requiredOption('--drafts <folder>', 'the drafts folder (its split subfolders are all read)')
  .option('--seed-story <file>', 'the seed story the "seed" chains are about', SEED_STORY)
  .option('--check', 'report problems only');

program.action(async (opts: { bbc: string; drafts: string; seedStory: string; check?: boolean }) => {
  const newsQa = await loadNewsQa();
  const articles = new Map<string, { article: Article; split: ChainSplit; order: number }>();
  const seedText = await readFile(opts.seedStory, 'utf8');
  articles.set(SEED_ARTICLE, {
    article: parseArticle({ id: SEED_ARTICLE, file: basename(opts.seedStory), source: seedText, modifiedAt: 0 }),
    split: 'seed',
    order: -1,
  });
  for (const [id, a] of await draftArticles(opts.bbc)) articles.set(id, { ...a, split: chainSplit(a.split) });

  const chains: FollowupChain[] = [];
  const failed: { where: string; problems: string[] }[] = [];
  const notes: string[] = [];
  const ids = new Map<string, string>();
  const asked = new Map<string, string>();
  let drafted = 0;
  for (const file of await allDraftFiles(opts.drafts)) {
    const name = relative(opts.drafts, file);
    let drafts: DraftChain[];
    try {
      drafts = await readDrafts<DraftChain>(file);
    } catch (error) {
      failed.push({ where: name, problems: [`unreadable: ${(error as Error).message}`] });
      continue;
    }
    drafts.forEach((draft, i) => {
      drafted++;
      const id = typeof draft?.chain === 'string' ? draft.chain : '';
      const where = `${name}[${i}] ${id || '(no chain id)'}`;
      const problems: string[] = [];
      const known = articles.get(draft?.article);
      if (!known) problems.push(`unknown article ${JSON.stringify(draft?.article)} (not in news-qa.json's articles, not "${SEED_ARTICLE}")`);
      if (!id.startsWith(`${draft?.article}~`) || !/~\d+$/.test(id)) problems.push(`chain id must be "${draft?.article}~<n>"`);
      else if (ids.has(id)) problems.push(`chain id already used in ${ids.get(id)}`);
      else ids.set(id, name);
      const turns = Array.isArray(draft?.turns) ? draft.turns : [];
      if (turns.length < MIN_TURNS || turns.length > MAX_TURNS) problems.push(`${turns.length} turns: a chain has ${MIN_TURNS} to ${MAX_TURNS}`);
      const checked: FollowupTurn[] = [];
      if (known) {
        turns.forEach((t, j) => {
          const { turn, problems: found } = checkTurn(t, j + 1, known.article);
          problems.push(...found.map((p) => `turn ${j + 1} ${quoted(String(t?.question ?? ''), 50)}: ${p}`));
          if (turn) checked.push(turn);
        });
      }
      if (problems.length) return failed.push({ where, problems });

      const split = known!.split;
      const folder = basename(dirname(file));
      if ((ChainSplits as readonly string[]).includes(folder) && folder !== split) notes.push(`${where}: in folder ${folder}, but article ${draft.article} is ${split}: the chain goes to ${split}`);
      for (const turn of checked) {
        const key = `${draft.article} ${normalizeAnswer(turn.standalone)}`;
        if (asked.has(key)) notes.push(`${where}: ${quoted(turn.standalone)} is also asked in ${asked.get(key)}`);
        else asked.set(key, id);
      }
      chains.push({ id, article: draft.article, split, turns: checked });
    });
  }

  for (const { where, problems } of failed) {
    process.stdout.write(`- ${where}\n${problems.map((p) => `    ${p}\n`).join('')}`);
  }
  for (const note of notes) process.stdout.write(`  note: ${note}\n`);

  const order = (c: FollowupChain) => articles.get(c.article)!.order;
  const n = (c: FollowupChain) => Number(c.id.slice(c.id.lastIndexOf('~') + 1));
  chains.sort((a, b) => order(a) - order(b) || n(a) - n(b));

  const pct = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(0)}%`;
  for (const split of ChainSplits) {
    const inSplit = chains.filter((c) => c.split === split);
    if (!inSplit.length) continue;
    const followUps = inSplit.flatMap((c) => c.turns.slice(1));
    const byLength = [2, 3, 4].map((k) => `${inSplit.filter((c) => c.turns.length === k).length}×${k}`).join(' ');
    const byNeeds = Needs.slice(1)
      .map((need) => `${need} ${followUps.filter((t) => t.needs === need).length} (${pct(followUps.filter((t) => t.needs === need).length, followUps.length)})`)
      .join(', ');
    const unanswerable = followUps.filter((t) => !t.answers.length).length;
    process.stdout.write(
      `${split}: ${inSplit.length} chains over ${new Set(inSplit.map((c) => c.article)).size} articles (${byLength} turns), ${inSplit.length + followUps.length} turns; ` +
        `follow-ups: ${byNeeds}; ${unanswerable} unanswerable (${pct(unanswerable, followUps.length)})\n`,
    );
  }
  process.stdout.write(`${chains.length} of ${drafted} drafted chains kept, ${failed.length} with problems left out\n`);
  if (opts.check) {
    if (failed.length) process.exitCode = 1;
    return;
  }
  await writeFollowups({
    about:
      'Follow-up questions: chains of 2–4 questions asked one after another about one article, written for Footnote. ' +
      'The articles are those of news-qa.json (BBC News, bbc-news-summary.jsonl.gz) and the seed story (article "seed"). ' +
      'Offsets are into the seed file text "title\\n\\nbody\\n" (tools/bench/corpus.ts articleFileText), as in news-qa.json; ' +
      `for article "seed" into ${relative(join(dirname(SEED_STORY), '..'), opts.seedStory)} as it is. ` +
      'A chain has its article\'s split in news-qa.json (test2 articles are in test; the seed story\'s chains are "seed"); test is never used to fit or choose anything. ' +
      'Turn 1 stands alone (needs "none"); a later turn needs a pronoun\'s referent ("pronoun"), the rest of an elliptical question ("ellipsis") ' +
      'or the referent of "the minister" ("definite") from earlier turns, or names a new subject ("new-subject"); "standalone" is the turn rewritten to stand on its own. ' +
      'answers [] and evidence []: the article does not answer.',
    seed: newsQa.seed,
    chains,
  });
});

await program.parseAsync();
