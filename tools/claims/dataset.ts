import { readFile, writeFile } from 'node:fs/promises';
import type { Span } from '../../src/types.js';
import { datasetJson } from '../lib/dataset-json.js';

/**
 * The claim set: what someone might post about a news story, with the verdict checking it against
 * the articles should give (claims, verdicts, the altered detail, evidence offsets; no article text),
 * built by tools/claims/build.ts.
 */
export const CLAIMS_PATH = new URL('../datasets/claims.json', import.meta.url).pathname;

export const Verdicts = ['supported', 'differs', 'not-in-articles'] as const;
export type Verdict = (typeof Verdicts)[number];
export const ChangeKinds = ['number', 'date', 'name', 'place'] as const;
export type ChangeKind = (typeof ChangeKinds)[number];

/** A claim's split is its article's split in news-qa.json, with test2 folded into test. */
export type ClaimSplit = 'train' | 'dev' | 'test';

export interface Claim {
  /** "<article id>~c<n>" */
  id: string;
  /** BBC record id as in news-qa.json. */
  article: string;
  split: ClaimSplit;
  /** As posted: one to three sentences. With `multi`, the verdict is of its first factual sentence. */
  claim: string;
  verdict: Verdict;
  /** The sentence(s) that state the fact or give it otherwise; [] for "not-in-articles". */
  evidence: Span[];
  /** For "differs": the one detail altered, as the claim has it and as the article has it. */
  changed?: { kind: ChangeKind; claim: string; article: string };
  multi?: true;
}

export interface ClaimSet {
  about: string;
  /** news-qa.json's seed: the seeded shuffle that split the articles, whose splits the claims keep. */
  seed: number;
  claims: Claim[];
}

export async function loadClaims(path = CLAIMS_PATH): Promise<ClaimSet> {
  return JSON.parse(await readFile(path, 'utf8')) as ClaimSet;
}

/** One claim per line: diffs stay readable. */
export async function writeClaims(dataset: ClaimSet, path = CLAIMS_PATH): Promise<void> {
  await writeFile(path, datasetJson({ ...dataset }));
}
