/**
 * Turns the writers' claim drafts into the committed claim set (claims, verdicts, offsets: never
 * article text), checking each claim on the way:
 *   node --import tsx tools/claims/build.ts --bbc <bbc-news-summary.jsonl.gz> --drafts <folder> [--check]
 * The drafts folder holds JSON files, in split subfolders or not (all are read), each an array of
 *   { id: "<article>~c<n>", article, claim, verdict, evidence: [verbatim quotes], changed?: { kind, claim, article }, multi? }
 * A claim's split is its article's split in news-qa.json (test2 counts as test). A claim with any
 * problem is left out and listed with its problems; `--check` only reports (exit 1 on problems).
 */
import { Command } from 'commander';
import { relative } from 'node:path';
import { loadNewsQa } from '../news-qa/dataset.js';
import { allDraftFiles, copiesArticle, COPIED_RUN, draftArticles, evidenceSpan, readDrafts } from '../news-qa/build.js';
import type { Article, Span } from '../../src/types.js';
import { ChangeKinds, Verdicts, writeClaims, type ChangeKind, type Claim, type ClaimSplit } from './dataset.js';

interface Draft {
  id: string;
  article: string;
  claim: string;
  verdict: Claim['verdict'];
  evidence?: string[];
  changed?: { kind: string; claim: string; article: string };
  multi?: boolean;
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.trim().toLowerCase());

/** The claim as committed, or its problems. */
function check(draft: Draft, article: Article): { claim?: Omit<Claim, 'split'>; problems: string[] } {
  const problems: string[] = [];
  const text = typeof draft.claim === 'string' ? draft.claim.trim() : '';
  if (!text) return { problems: ['no claim'] };
  if (!Verdicts.includes(draft.verdict)) problems.push(`verdict ${JSON.stringify(draft.verdict)} must be one of ${Verdicts.join(', ')}`);
  const quotes = Array.isArray(draft.evidence) ? draft.evidence : [];
  if (draft.verdict === 'not-in-articles' ? quotes.length > 0 : quotes.length === 0) problems.push(draft.verdict === 'not-in-articles' ? 'a claim not in the articles has evidence []' : 'evidence is required');
  const evidence: Span[] = [];
  for (const quote of quotes) {
    const span = typeof quote === 'string' ? evidenceSpan(article, quote) : undefined;
    if (span) evidence.push(span);
    else problems.push(`evidence not found verbatim: "${String(quote).slice(0, 60)}…"`);
  }
  // The evidence as written: a changed detail is compared as it stands ("0.1%", "$646m").
  const found = evidence.map((span) => article.source.slice(span.start, span.end)).join(' ');
  const changed = draft.changed;
  if (draft.verdict === 'differs') {
    if (!changed || !(ChangeKinds as readonly string[]).includes(changed.kind)) problems.push(`changed.kind must be one of ${ChangeKinds.join(', ')}`);
    else {
      if (!contains(found, changed.article)) problems.push(`changed.article "${changed.article}" is not in the evidence`);
      if (!contains(text, changed.claim)) problems.push(`changed.claim "${changed.claim}" is not in the claim`);
      if (contains(found, changed.claim)) problems.push(`changed.claim "${changed.claim}" is in the evidence too: nothing differs`);
    }
  } else if (changed) problems.push('only a "differs" claim says what changed');
  if (copiesArticle(text, article)) problems.push(`the claim copies ${COPIED_RUN}+ words in a row from the article`);
  if (problems.length) return { problems };
  return {
    claim: {
      id: draft.id,
      article: draft.article,
      claim: text,
      verdict: draft.verdict,
      evidence,
      ...(changed ? { changed: { kind: changed.kind as ChangeKind, claim: changed.claim.trim(), article: changed.article.trim() } } : {}),
      ...(draft.multi ? { multi: true as const } : {}),
    },
    problems,
  };
}

const program = new Command('build')
  .requiredOption('--bbc <file>', 'bbc-news-summary.jsonl.gz')
  .requiredOption('--drafts <folder>', 'the drafts folder (its split subfolders are all read)')
  .option('--check', 'report problems only');

program.action(async (opts: { bbc: string; drafts: string; check?: boolean }) => {
  const newsQa = await loadNewsQa();
  const articles = new Map([...(await draftArticles(opts.bbc))].map(([id, a]) => [id, { ...a, split: (a.split === 'test2' ? 'test' : a.split) as ClaimSplit }]));
  const claims: Claim[] = [];
  const failed: string[] = [];
  const ids = new Set<string>();
  let drafted = 0;
  for (const file of await allDraftFiles(opts.drafts)) {
    const name = relative(opts.drafts, file);
    let drafts: Draft[];
    try {
      drafts = await readDrafts<Draft>(file);
    } catch (error) {
      failed.push(`- ${name}: unreadable: ${(error as Error).message}`);
      continue;
    }
    drafts.forEach((draft, i) => {
      drafted++;
      const known = articles.get(draft?.article);
      const problems: string[] = [];
      if (!known) problems.push(`unknown article ${JSON.stringify(draft?.article)}`);
      if (typeof draft?.id !== 'string' || !new RegExp(`^${draft.article}~c\\d+$`).test(draft.id)) problems.push(`id must be "${draft?.article}~c<n>"`);
      else if (ids.has(draft.id)) problems.push('id already used');
      else ids.add(draft.id);
      const checked = known ? check(draft, known.article) : { problems: [] };
      problems.push(...checked.problems);
      if (problems.length || !checked.claim) return failed.push(`- ${name}[${i}] ${draft?.id}\n${problems.map((p) => `    ${p}`).join('\n')}`);
      claims.push({ ...checked.claim, split: known!.split });
    });
  }
  if (failed.length) process.stdout.write(`${failed.join('\n')}\n`);
  const order = (c: Claim) => articles.get(c.article)!.order;
  const n = (c: Claim) => Number(c.id.slice(c.id.lastIndexOf('~c') + 2));
  claims.sort((a, b) => order(a) - order(b) || n(a) - n(b));
  for (const split of ['train', 'dev', 'test'] as const) {
    const of = claims.filter((c) => c.split === split);
    const byVerdict = Verdicts.map((v) => `${v} ${of.filter((c) => c.verdict === v).length}`).join(', ');
    const byKind = ChangeKinds.map((k) => `${k} ${of.filter((c) => c.changed?.kind === k).length}`).join(', ');
    process.stdout.write(`${split}: ${of.length} claims over ${new Set(of.map((c) => c.article)).size} articles; ${byVerdict}; altered: ${byKind}; ${of.filter((c) => c.multi).length} of several sentences\n`);
  }
  process.stdout.write(`${claims.length} of ${drafted} drafted claims kept, ${failed.length} with problems left out\n`);
  if (opts.check) {
    if (failed.length) process.exitCode = 1;
    return;
  }
  await writeClaims({
    about:
      'Claims about BBC News articles (bbc-news-summary.jsonl.gz) as people post them, each with the verdict checking it against the articles should give: ' +
      '"supported" (the evidence states it), "differs" (the evidence gives another number, date, name or place: "changed" says which, as the claim and the article have it) ' +
      'or "not-in-articles" (evidence []). With "multi", the verdict is of the claim\'s first factual sentence. ' +
      'Offsets are into the seed file text "title\\n\\nbody\\n" (tools/bench/corpus.ts articleFileText), as in news-qa.json. ' +
      'A claim has its article\'s split in news-qa.json (test2 articles are in test); test is never used to fit or choose anything.',
    seed: newsQa.seed,
    claims,
  });
});

await program.parseAsync();
