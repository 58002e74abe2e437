import { beforeAll, describe, expect, it } from 'vitest';
import { readFollowUp, type Turn } from '../../src/answer/conversation.js';
import { loadNlp, type Nlp } from '../../src/answer/nlp.js';

let nlp: Nlp;
beforeAll(async () => {
  nlp = await loadNlp();
});

const minister: Turn = {
  question: "Who is Iran's information minister?",
  readAs: "Who is Iran's information minister?",
  answer: 'Azari Jahromi',
  evidence: 'The U.S. attempt last week to attack Iranian military computer systems did not succeed, Mohammad Javad Azari Jahromi, Iran’s minister for Information and Communications Technology, said.',
  articleIds: ['iran'],
};
const profits: Turn = { question: 'How much did Absa make last year?', readAs: 'How much did Absa make last year?', answer: '3.2bn rand', evidence: 'Absa made 3.2bn rand last year, its chief executive Steve Booysen said.', articleIds: ['absa'] };

describe('readFollowUp', () => {
  it('GIVEN no conversation THEN the question is read alone', () => {
    expect(readFollowUp(nlp, 'What did he say?', [])).toEqual({ text: 'What did he say?', kind: 'alone' });
  });

  it('GIVEN "he" after an answer naming a person THEN he is that person, whole name, and the reading keeps to that article', () => {
    expect(readFollowUp(nlp, 'What did he say about the attack?', [minister])).toEqual({ text: 'What did Mohammad Javad Azari Jahromi say about the attack?', kind: 'pronoun', articleId: 'iran' });
  });

  it('GIVEN "its" after a question about a company THEN it is that company', () => {
    expect(readFollowUp(nlp, 'Who runs its retail arm?', [profits])).toMatchObject({ text: "Who runs Absa's retail arm?", kind: 'pronoun', articleId: 'absa' });
  });

  it('GIVEN "he" after a turn naming a club or a competition beside no person THEN he is not the competition', () => {
    const europe: Turn = { question: 'Which competition did Liverpool play in?', readAs: 'Which competition did Liverpool play in?', answer: 'the Champions League', evidence: 'Liverpool reached the last 16 of the Champions League on Wednesday.', articleIds: ['lfc'] };
    expect(readFollowUp(nlp, 'What did he say?', [europe]).text).not.toContain('Champions League');
  });

  it('GIVEN "he" after an answer naming a person THEN the name is the capitalised words only, not a verb tagged along', () => {
    const jailed: Turn = { question: 'Who did Tony Martin kill?', readAs: 'Who did Tony Martin kill?', answer: '', evidence: 'Norfolk farmer Tony Martin was jailed for life in 1999.', articleIds: ['martin'] };
    expect(readFollowUp(nlp, 'When did he get out?', [jailed]).text).toMatch(/^When did (?:Norfolk farmer )?Tony Martin get out\?$/);
  });

  it('GIVEN a bare "why?" or "and in 2004?" THEN the last question is completed with it', () => {
    expect(readFollowUp(nlp, 'why?', [profits])).toMatchObject({ text: 'Why did Absa make last year?', kind: 'ellipsis', articleId: 'absa' });
    expect(readFollowUp(nlp, 'and in 2004?', [profits])).toMatchObject({ text: 'How much did Absa make last year in 2004?', kind: 'ellipsis' });
  });

  it('GIVEN "he" two turns after the person was named (the last answer a date) THEN it is still that person', () => {
    const when: Turn = { question: 'When did he tweet?', readAs: 'When did Mohammad Javad Azari Jahromi tweet?', answer: 'Monday', evidence: '“They try hard but have not carried out a successful attack,” he tweeted on Monday..', articleIds: ['iran'] };
    expect(readFollowUp(nlp, 'What else did he say?', [minister, when])).toMatchObject({ text: 'What else did Mohammad Javad Azari Jahromi say?', kind: 'pronoun' });
  });

  it('GIVEN "when was that?" THEN the last question\'s event is asked about again', () => {
    expect(readFollowUp(nlp, 'When was that?', [profits])).toMatchObject({ text: 'When did Absa make last year?', kind: 'ellipsis', articleId: 'absa' });
  });

  it('GIVEN "what about Barclays?" THEN the new name takes the old one\'s place, read over every article', () => {
    expect(readFollowUp(nlp, 'what about Barclays?', [profits])).toEqual({ text: 'How much did Barclays make last year?', kind: 'ellipsis' });
  });

  it('GIVEN a follow-up that names a new subject THEN it is read alone', () => {
    expect(readFollowUp(nlp, 'Who is the chairman of Manchester United?', [profits])).toEqual({ text: 'Who is the chairman of Manchester United?', kind: 'alone' });
  });

  it('GIVEN "the minister" or "the bank" THEN it is the person or the thing named before; a question naming nothing new is read as asked; both keep to the last answer\'s article', () => {
    expect(readFollowUp(nlp, 'When did the minister tweet?', [minister])).toEqual({ text: 'When did Mohammad Javad Azari Jahromi tweet?', kind: 'reference', articleId: 'iran' });
    expect(readFollowUp(nlp, 'What did the bank warn about?', [profits])).toEqual({ text: 'What did Absa warn about?', kind: 'reference', articleId: 'absa' });
    expect(readFollowUp(nlp, 'How many jobs will go?', [profits])).toEqual({ text: 'How many jobs will go?', kind: 'reference', articleId: 'absa' });
  });
});
