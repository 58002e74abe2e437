import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/** One corpus to index and the questions asked of it. An empty `answers` means "not answerable". */
export interface EvalCorpus {
  name: string;
  /** File name → text, written to a temporary seeds folder. Undefined: ask the configured seeds. */
  files?: Record<string, string>;
  questions: EvalQuestion[];
}

export interface EvalQuestion {
  id: string;
  question: string;
  answers: string[];
  /** Asked of a corpus it was not written for: the right reply is a refusal. */
  offTopic?: boolean;
}

/**
 * Adds to each corpus `n` answerable questions written for the next corpus: the questions a user
 * asks about something the articles never mention. SQuAD itself has none of these.
 */
export function withOffTopicQuestions(corpora: EvalCorpus[], n: number): EvalCorpus[] {
  return corpora.map((corpus, i) => {
    const other = corpora[(i + 1) % corpora.length]!;
    const borrowed = other === corpus ? [] : other.questions.filter((q) => q.answers.length).slice(0, n);
    return { ...corpus, questions: [...corpus.questions, ...borrowed.map((q) => ({ ...q, id: `offtopic:${q.id}`, answers: [], offTopic: true }))] };
  });
}

export async function readMaybeGzip(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

interface SquadFile {
  data: { title: string; paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string }[]; is_impossible?: boolean }[] }[] }[];
}

/**
 * SQuAD: each Wikipedia article becomes one corpus holding one article file: the title, then its
 * paragraphs separated by blank lines. Every question is asked against the whole article.
 */
export async function loadSquad(path: string): Promise<EvalCorpus[]> {
  const squad = JSON.parse(await readMaybeGzip(path)) as SquadFile;
  return squad.data.map((article) => ({
    name: article.title,
    files: { [`${article.title.replace(/[^\w-]+/g, '_')}.txt`]: [article.title.replace(/_/g, ' '), ...article.paragraphs.map((p) => p.context.replace(/\s*\n\s*/g, ' '))].join('\n\n') },
    questions: article.paragraphs.flatMap((p) =>
      p.qas.map((qa) => ({ id: qa.id, question: qa.question, answers: qa.is_impossible ? [] : [...new Set(qa.answers.map((a) => a.text))] })),
    ),
  }));
}

/** Our own QA sets: `[{ id, question, answers: [...], unanswerable? }]`, asked of the configured seeds. */
export async function loadQaSet(path: string): Promise<EvalCorpus[]> {
  const items = JSON.parse(await readFile(path, 'utf8')) as { id: string; question: string; answers: string[]; unanswerable?: boolean }[];
  return [{ name: path, questions: items.map(({ id, question, answers, unanswerable }) => ({ id, question, answers: unanswerable ? [] : answers })) }];
}
