import { readFile, writeFile } from 'node:fs/promises';
import type { Span } from '../../src/types.js';
import type { QuestionKind, Split } from '../news-qa/dataset.js';
import { datasetJson } from '../lib/dataset-json.js';

/**
 * The follow-up set: chains of 2–4 questions asked one after another in a conversation about one
 * article (questions, gold answers, evidence offsets; no article text), built by tools/conversations/build.ts.
 */
export const FOLLOWUPS_PATH = new URL('../datasets/followups.json', import.meta.url).pathname;

/** The article id of chains about the seed story; their offsets are into `SEED_STORY` as it is on disk. */
export const SEED_ARTICLE = 'seed';
export const SEED_STORY = new URL('../../seeds/000_384e7f44ba0120d1.txt', import.meta.url).pathname;

/** A chain's split is its article's split in news-qa.json, with test2 folded into test; seed chains are "seed". */
export type ChainSplit = 'train' | 'dev' | 'test' | 'seed';
export const ChainSplits: readonly ChainSplit[] = ['seed', 'train', 'dev', 'test'];

export const chainSplit = (split: Split): ChainSplit => (split === 'test2' ? 'test' : split);

/**
 * What a turn needs from the conversation before it: nothing (turn 1 always), a pronoun's referent
 * ("he", "that deal"), the missing part of an elliptical question ("and in 2004?"), a definite
 * description's referent ("the minister"), or nothing because it names a new subject outright.
 */
export const Needs = ['none', 'pronoun', 'ellipsis', 'definite', 'new-subject'] as const;
export type Need = (typeof Needs)[number];

export interface FollowupTurn {
  /** As asked in the conversation. */
  question: string;
  kind: QuestionKind;
  /** Gold short answers; empty when the article does not answer. */
  answers: string[];
  /** Character ranges of the evidence sentence(s) in the article text. */
  evidence: Span[];
  needs: Need;
  /** The question rewritten to stand on its own (turn 1: the question itself). */
  standalone: string;
}

export interface FollowupChain {
  /** "<article id>~<n>" */
  id: string;
  /** BBC record id as in news-qa.json, or `SEED_ARTICLE`. */
  article: string;
  split: ChainSplit;
  turns: FollowupTurn[];
}

export interface FollowupSet {
  about: string;
  /** news-qa.json's seed: the seeded shuffle that split the articles, whose splits the chains keep. */
  seed: number;
  chains: FollowupChain[];
}

export async function loadFollowups(path = FOLLOWUPS_PATH): Promise<FollowupSet> {
  return JSON.parse(await readFile(path, 'utf8')) as FollowupSet;
}

/** One chain per line: diffs stay readable. */
export async function writeFollowups(dataset: FollowupSet, path = FOLLOWUPS_PATH): Promise<void> {
  await writeFile(path, datasetJson({ ...dataset }));
}
