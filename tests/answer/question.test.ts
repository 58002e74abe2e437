import { describe, expect, it } from 'vitest';
import { Lexicon } from '../../src/answer/lexicon.js';
import { loadNlp } from '../../src/answer/nlp.js';
import { analyzeQuestion } from '../../src/answer/question.js';

const lexicon = new Lexicon();
const nlp = await loadNlp();
const read = (text: string) => analyzeQuestion(nlp, text, lexicon);

describe('question analysis', () => {
  it.each([
    ['Who approved the strike?', 'who', 'person'],
    ['When did the minister tweet?', 'when', 'time'],
    ['Where was the drone flying?', 'where', 'place'],
    ['How many attacks were blocked?', 'how-many', 'quantity'],
    ['How much did the deal cost?', 'how-much', 'quantity'],
    ['How long did the strike last?', 'how-much', 'quantity'],
    ['Why did the officials stay anonymous?', 'why', 'reason'],
    ['How did the pound react to the figures?', 'how', 'manner'],
    ['Did Trump call off the strike?', 'yes-no', 'yes-no'],
    ['What did Benitez say about Gerrard?', 'what', 'quote'],
    ['Which news agency did the officials talk to?', 'which', 'person'],
    ['In which year did the band split?', 'which', 'time'],
    ['What is the firewall for?', 'what', 'thing'],
  ])('GIVEN "%s" THEN the question word is %s and the answer wanted is a %s', (text, wh, answerType) => {
    expect(read(text)).toMatchObject({ wh, answerType });
  });

  it('GIVEN "which news agency" THEN the focus is the agency', () => {
    expect(read('Which news agency did the officials talk to?').focus).toBe('agenc');
  });

  it('GIVEN a question THEN its terms leave out the words that only shape it', () => {
    expect(read("Why hasn't Barclays put in a formal bid for Absa yet?").terms.map((t) => t.word)).toEqual(['barclays', 'put', 'formal', 'bid', 'absa']);
  });

  it('GIVEN names and numbers THEN they are read as names, each as index terms', () => {
    const question = read('How much did Time Warner make in 2004?');
    expect(question.names).toEqual([['time', 'warner'], ['2004']]);
    expect(question.terms.filter((t) => t.name).map((t) => t.word)).toEqual(['time', 'warner', '2004']);
  });

  it('GIVEN "this article" or "the story" THEN the question is about the article it is asked of', () => {
    expect(read('Who is quoted in this article?').thisArticle).toBe(true);
    expect(read('What does the story say about the drone?').thisArticle).toBe(true);
    expect(read('Who is quoted about the drone?').thisArticle).toBe(false);
  });

  it('GIVEN a question about the article itself THEN it is a metadata question', () => {
    expect(read('Who wrote this article?').metadata).toBe('author');
    expect(read("What's the headline of the article?").metadata).toBe('title');
    expect(read('Who wrote the song?').metadata).toBeUndefined();
  });

  it('GIVEN an acronym an article defines THEN the question bridges it both ways', () => {
    const acronyms = [{ acronym: 'irgc', phrase: ['islam', 'revolutionari', 'guard', 'corp'] }];
    const short = analyzeQuestion(nlp, 'Who runs the IRGC?', lexicon, acronyms);
    expect(short.terms.find((t) => t.word === 'irgc')!.bridges).toContainEqual({ terms: ['islam', 'revolutionari', 'guard', 'corp'], kind: 'form' });
    const long = analyzeQuestion(nlp, 'Who runs the Islamic Revolutionary Guard Corps?', lexicon, acronyms);
    expect(long.terms.find((t) => t.word === 'islamic')!.bridges).toContainEqual({ terms: ['irgc'], kind: 'form' });
  });
});
