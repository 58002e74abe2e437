import { readFile, writeFile } from 'node:fs/promises';
import type { Span } from '../../src/types.js';
import { datasetJson } from '../lib/dataset-json.js';

/** The news QA set: questions, gold answers and evidence offsets over BBC articles (no article text). */
export const DATASET_PATH = new URL('../datasets/news-qa.json', import.meta.url).pathname;

/** `test2`: a second test split, written in round three before any model was fitted on that round's data. */
export type Split = 'train' | 'dev' | 'test' | 'test2';

export interface NewsQaArticle {
  /** The BBC record id, "business/001". */
  id: string;
  /** The seed file name without extension, "bbc_business_001": Footnote's article id. */
  file: string;
  topic: string;
  split: Split;
}

export const QuestionKinds = ['who', 'what', 'when', 'where', 'which', 'how-many', 'how-much', 'why', 'how', 'yes-no', 'what-said'] as const;
export type QuestionKind = (typeof QuestionKinds)[number];

export interface NewsQaQuestion {
  id: string;
  /** BBC record id of the article the question is about (for off-topic questions: the article it was written beside). */
  article: string;
  question: string;
  kind: QuestionKind;
  /** Gold short answers; empty when the articles do not answer. */
  answers: string[];
  /** Character ranges of the evidence sentence(s) in the seed file text. */
  evidence: Span[];
  /** Why an on-topic question is unanswerable: a detail never given, an outcome after publication, a wrong name. */
  unanswerable?: 'detail' | 'after' | 'wrong-name';
  /** Written as people type in a Discord channel: lower case, abbreviations, a typo. */
  informal?: boolean;
  /** About nothing in the corpus. */
  offTopic?: boolean;
}

export interface NewsQaSet {
  about: string;
  seed: number;
  articles: NewsQaArticle[];
  questions: NewsQaQuestion[];
}

export async function loadNewsQa(path = DATASET_PATH): Promise<NewsQaSet> {
  return JSON.parse(await readFile(path, 'utf8')) as NewsQaSet;
}

/** One article or question per line: diffs stay readable. */
export async function writeDataset(dataset: NewsQaSet): Promise<void> {
  await writeFile(DATASET_PATH, datasetJson({ ...dataset }));
}
