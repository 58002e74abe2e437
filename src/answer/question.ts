/** What kind of answer a question asks for, from its wording. */
export type QuestionType = 'count' | 'quantity' | 'time' | 'person' | 'place' | 'thing' | 'reason' | 'manner' | 'other';

const PATTERNS: [RegExp, QuestionType][] = [
  [/\bhow (many|much|often|long|far|old|large|big|tall|high|fast)\b|\b(what|which) (was |is |were |are )?(the )?(percentage|percent|proportion|number|amount|price|cost|rate|population|size|height|length|distance|temperature|speed|value|total)\b/i, 'count'],
  [/\b(what|which) (year|date|day|month|time|decade|century|season)\b|\bwhen\b|\bwhat time\b/i, 'time'],
  [/\bwho(m|se)?\b|\b(what|which) (\w+ )?(person|man|woman|official|minister|president|commander|leader|group|organi[sz]ation|agency|company|companies|people)\b/i, 'person'],
  [/\bwhere\b|\b(what|which) (country|city|place|state|region|area|location|border|sea|strait)\b/i, 'place'],
  [/\bwhy\b/i, 'reason'],
  [/\bhow\b/i, 'manner'],
  [/\b(what|which)\b/i, 'thing'],
];

export function questionType(question: string): QuestionType {
  return PATTERNS.find(([pattern]) => pattern.test(question))?.[1] ?? 'other';
}

export type MetadataField = 'author' | 'publication' | 'title';

const METADATA: [RegExp, MetadataField][] = [
  [/\bwho (wrote|authored|penned|reported|is the (author|writer|reporter|journalist))\b|\b(author|byline|writer|journalist)\b|\bwritten by\b/i, 'author'],
  [/\b(which|what) (publication|outlet|newspaper|paper|site|website|magazine)\b|\bpublished (by|in|on)\b|\bwho published\b|\bpublication\b/i, 'publication'],
  [/\b(headline|title)\b/i, 'title'],
];

/** Questions about the article itself, answered from its parsed metadata rather than its text. */
export function metadataField(question: string): MetadataField | undefined {
  return METADATA.find(([pattern]) => pattern.test(question))?.[1];
}
