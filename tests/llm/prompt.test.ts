import { describe, expect, it } from 'vitest';
import { readAnswer } from '../../src/llm/prompt.js';

describe('reading the model\'s reply', () => {
  it('GIVEN plain JSON whose answer holds a code fence, a fenced reply, and a reply cut short THEN the first two are answers and the last is not', () => {
    const quotes = [{ marker: 1, passage: 1, quote: 'Run it with ```npm start```.' }];
    expect(readAnswer(JSON.stringify({ answer: 'Type ```npm start``` [1].', quotes }))).toEqual({ found: true, answer: 'Type ```npm start``` [1].', quotes });
    expect(readAnswer('```json\n{"found": false}\n```')).toEqual({ found: false });
    expect(readAnswer('{"answer": "Type')).toBeUndefined();
  });
});
