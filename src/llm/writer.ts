import type { BaseMessageLike } from '@langchain/core/messages';
import { BrokenCircuitError, CircuitBreakerPolicy, ConsecutiveBreaker, TimeoutStrategy, circuitBreaker, handleAll, timeout, wrap } from 'cockatiel';
import { NOT_FOUND } from '../answer/answer.js';
import type { Logger } from '../logger.js';
import { SummaryLengths, type Answer, type Article, type LlmReport, type Sentence, type Summary } from '../types.js';
import type { ChatModelFactory } from './chat-model.js';
import { answerMessages, draftAnswer, readAnswer, readSummary, summaryMessages } from './prompt.js';
import { answerPassages, summaryPassages } from './passages.js';
import type { RankedSentence } from '../answer/reader.js';
import { checkQuotes, checkSummary } from './verify.js';

export interface WriterSettings {
  model: string;
  /** Where the model runs (for the log). */
  endpoint: string;
  /** The whole reply must be in by then; otherwise the extractive answer is shown. */
  timeoutMs: number;
  /** Passages sent with a question. */
  passages: number;
}

export interface WriterDeps {
  settings: WriterSettings;
  /** A fresh chat model per call, whose requests end with the call's signal (src/llm/chat-model.ts). */
  newModel: ChatModelFactory;
  logger: Logger;
}

/** Consecutive failed calls that open the circuit, and for how long it then stays open. */
const BREAKER = { threshold: 3, coolDownMs: 60_000 };

/** A summary needs at least this many checked sentences; fewer, and the extractive summary is shown. */
const MIN_SUMMARY_SENTENCES = 2;

type Completion = { text: string; ms: number } | { failure: string; ms: number };

/** Rejects when `signal` aborts: a server that stops sending cannot hold a stream open past the deadline. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new Error('aborted'));
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

class TimedOut extends Error {}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);

export interface WriteAnswerRequest {
  question: string;
  /** The reader's sentences, best first: the passages sent are built around them. */
  ranked: readonly RankedSentence[];
  /** The reader's own answer: shown instead whenever the model's cannot be. */
  extractive: Answer;
  sentencesOf(article: Article): readonly Sentence[];
  /** The answer text so far, as the model writes it (not yet checked: markers stripped). */
  onText?: (draft: string) => void;
}

export interface WriteSummaryRequest {
  article: Article;
  sentencesOf(article: Article): readonly Sentence[];
  extractive: Summary;
}

/**
 * Answers and summaries written by a language model, shown only with quotes checked against the
 * articles. Whatever goes wrong (the endpoint down, slow or failing, a reply that is not the JSON
 * asked for, quotes that are not in the passages), the extractive result is shown with a note.
 */
export class LlmWriter {
  private readonly circuit: CircuitBreakerPolicy;
  /** The warning is logged when the circuit first opens, not again at each failed retry. */
  private failing = false;

  constructor(private readonly deps: WriterDeps) {
    const { logger, settings } = deps;
    this.circuit = circuitBreaker(handleAll, { halfOpenAfter: BREAKER.coolDownMs, breaker: new ConsecutiveBreaker(BREAKER.threshold) });
    this.circuit.onBreak((reason) => {
      if (this.failing) return;
      this.failing = true;
      const why = 'error' in reason ? describe(reason.error) : 'isolated';
      logger.warn(`the language model at ${settings.endpoint} keeps failing (${why}): answering extractively, trying it again every ${BREAKER.coolDownMs / 1000} s`);
    });
    this.circuit.onReset(() => {
      this.failing = false;
      logger.info(`the language model at ${settings.endpoint} answers again`);
    });
  }

  get model(): string {
    return this.deps.settings.model;
  }

  /**
   * Streams the model's reply within the time-out; any failure is reported, counted by the circuit
   * breaker (cockatiel: open after consecutive failures, one trial call after the cool-down), never thrown.
   */
  private async complete(messages: BaseMessageLike[], onPartial?: (text: string) => void): Promise<Completion> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const { timeoutMs } = this.deps.settings;
    // Cooperative: the stream is ended through the signal, which cockatiel also aborts when the call returns.
    const policy = wrap(this.circuit, timeout(timeoutMs, TimeoutStrategy.Cooperative));
    try {
      const text = await policy.execute(async ({ signal }) => {
        let chunks: AsyncIterator<{ text: string }> | undefined;
        try {
          const stream = await untilAborted(this.deps.newModel(signal).stream(messages, { signal }), signal);
          chunks = stream[Symbol.asyncIterator]();
          let text = '';
          for (let next = await untilAborted(chunks.next(), signal); !next.done; next = await untilAborted(chunks.next(), signal)) {
            text += next.value.text;
            onPartial?.(text);
          }
          // The endpoint works: whether the reply is usable is the model's matter, not the circuit's.
          return text;
        } catch (error) {
          this.deps.logger.debug({ err: error }, 'language model call failed');
          throw signal.aborted ? new TimedOut(`no complete reply within ${timeoutMs} ms`) : error;
        } finally {
          void chunks?.return?.().catch(() => undefined);
        }
      });
      return { text, ms: ms() };
    } catch (error) {
      if (error instanceof BrokenCircuitError) return { failure: 'The language model is failing, so it is not being asked for a while.', ms: 0 };
      return { failure: error instanceof TimedOut ? `The language model did not answer within ${timeoutMs / 1000} s.` : 'The language model could not be reached.', ms: ms() };
    }
  }

  private report(ms: number, extra: Partial<LlmReport> = {}): LlmReport {
    return { model: this.model, quotes: 0, verified: 0, dropped: [], ms, ...extra };
  }

  async answer({ question, ranked, extractive, sentencesOf, onText }: WriteAnswerRequest): Promise<Answer> {
    const passages = answerPassages(ranked, sentencesOf, this.deps.settings.passages);
    const fallback = (fallback: string, report: LlmReport): Answer => ({ ...extractive, answerer: 'extractive', llm: { ...report, fallback } });
    if (!passages.length) return { ...extractive, answerer: 'extractive' };
    let shown = '';
    const completion = await this.complete(
      answerMessages(question, passages),
      onText &&
        ((text) => {
          const draft = draftAnswer(text);
          if (draft && draft !== shown) onText((shown = draft));
        }),
    );
    if ('failure' in completion) return fallback(completion.failure, this.report(completion.ms));
    const reply = readAnswer(completion.text);
    if (!reply) return fallback('The language model did not reply in the form asked for.', this.report(completion.ms));
    if (!reply.found) {
      // The model read the passages and says they do not answer: show what the reader found closest, as today.
      const near = (extractive.outcome === 'answer' ? extractive.citations : extractive.closest).slice(0, 2).map((c, i) => ({ ...c, n: i + 1 }));
      return { ...extractive, answer: NOT_FOUND, outcome: 'not-found', kind: 'refused', refused: true, citations: [], closest: near, answerer: 'llm', llm: this.report(completion.ms) };
    }
    const checked = checkQuotes(reply.answer, reply.quotes, passages, sentencesOf);
    const verified = reply.quotes.length - checked.dropped.filter((d) => d.reason !== 'marker-without-quote').length;
    const report = this.report(completion.ms, { quotes: reply.quotes.length, verified, dropped: checked.dropped });
    if (!checked.citations.length) return fallback("None of the language model's quotes could be found in the articles.", report);
    return { ...extractive, answer: checked.text, outcome: 'answer', kind: 'written', refused: false, citations: checked.citations, closest: [], answerer: 'llm', llm: report };
  }

  async summarize({ article, sentencesOf, extractive }: WriteSummaryRequest): Promise<Summary> {
    const passages = summaryPassages(article);
    const completion = await this.complete(summaryMessages(passages, SummaryLengths[extractive.length], extractive.topic));
    const fallback = (fallback: string, report: LlmReport): Summary => ({ ...extractive, answerer: 'extractive', llm: { ...report, fallback } });
    if ('failure' in completion) return fallback(completion.failure, this.report(completion.ms));
    const sentences = readSummary(completion.text);
    if (!sentences) return fallback('The language model did not reply in the form asked for.', this.report(completion.ms));
    const asked = sentences.slice(0, SummaryLengths[extractive.length]);
    const checked = checkSummary(asked, passages, sentencesOf);
    const quotes = asked.reduce((sum, s) => sum + s.quotes.length, 0);
    const report = this.report(completion.ms, { quotes, verified: quotes - checked.dropped.length, dropped: checked.dropped });
    if (checked.sentences.length < MIN_SUMMARY_SENTENCES) return fallback('Fewer than two sentences of the language model’s summary could be checked against the article.', report);
    return { ...extractive, citations: checked.citations, written: checked.sentences, answerer: 'llm', llm: report };
  }
}
