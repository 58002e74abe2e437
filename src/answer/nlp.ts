import type compromise from 'compromise';

/** compromise's tagger: `nlp(text)` returns a document to match against. */
export type Nlp = typeof compromise;

let loading: Promise<Nlp> | undefined;

/** Loads compromise on the first question, not at start-up (it takes about half a second to import). */
export function loadNlp(): Promise<Nlp> {
  loading ??= import('compromise').then((module) => module.default);
  return loading;
}
