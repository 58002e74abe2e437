declare module 'wink-lemmatizer' {
  /** Base forms by part of speech; a word it does not know comes back unchanged. */
  const lemmatizer: { noun(word: string): string; verb(word: string): string; adjective(word: string): string };
  export default lemmatizer;
}
