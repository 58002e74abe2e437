import { createInterface } from 'node:readline/promises';
import { MAX_TURNS, turnOf, type Turn } from '../answer/conversation.js';
import type { Engine } from '../engine/engine.js';
import { toFootnoteError } from '../errors.js';
import { forTerminal, oneLine } from '../render/safe-text.js';
import { renderAnswer, renderCheck, renderReload, renderSources, renderSummary } from '../render/terminal.js';
import { SummaryLengths, type SummaryLength } from '../types.js';
import type { ConsoleScreen } from './screen.js';

const LENGTHS = Object.keys(SummaryLengths) as SummaryLength[];
const HELP = `Type a question and press Enter. Commands:
  /summary [${LENGTHS.join('|')}] [article words]   cited summary of ${Object.values(SummaryLengths).join(', ')} sentences (default: the most recent article)
  /check <claim>                                 check a claim against the articles, sentence by sentence
  /new                                           a new conversation: the next question is read alone
  /sources                                       the indexed articles
  /reload                                        re-read the seeds folder
  /help                                          this help
  /quit                                          leave`;

/**
 * One console line: a question, or a slash command. Returns the text to print, or undefined to
 * quit. Questions are one conversation, as in a Discord thread: a follow-up ("what did he say?") is
 * read with the turns before it, until /new.
 */
export async function handleConsoleLine(engine: Engine, line: string, conversation: Turn[]): Promise<string | undefined> {
  const [command = '', ...rest] = line.trim().split(/\s+/);
  switch (command.toLowerCase()) {
    case '':
      return '';
    case '/quit':
    case '/exit':
      return undefined;
    case '/help':
      return HELP;
    case '/new':
      conversation.length = 0;
      return 'A new conversation: the next question is read on its own.';
    case '/check':
      return renderCheck(await engine.check(rest.join(' ')));
    case '/sources':
      return renderSources(engine.sources(), engine.indexing());
    case '/reload':
      return renderReload(await engine.reload());
    case '/summary': {
      const length = LENGTHS.includes(rest[0] as SummaryLength) ? (rest.shift() as SummaryLength) : undefined;
      const article = rest.join(' ') || undefined;
      return renderSummary(await engine.summarize({ ...(article ? { article } : {}), ...(length ? { length } : {}) }));
    }
    default: {
      if (command.startsWith('/')) return `Unknown command ${command}. ${HELP}`;
      const answer = await engine.ask(line, { conversation });
      // Bounded as a thread's: the last turns are what a follow-up leans on.
      conversation.push(turnOf(answer));
      conversation.splice(0, Math.max(0, conversation.length - MAX_TURNS));
      return renderAnswer(answer);
    }
  }
}

/**
 * Reads lines until /quit, the end of input, or `signal` (SIGTERM): then returns, so the caller can
 * close the engine. On a terminal, `screen` keeps the prompt below whatever is printed.
 */
export async function runConsole(engine: Engine, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout, signal?: AbortSignal, screen?: ConsoleScreen): Promise<void> {
  // Every line goes out through one filter: an echoed command or an error may hold anything the user typed.
  const print = (text: string) => (screen ? screen.print(`${screen.wrap(forTerminal(text))}\n`) : output.write(`${forTerminal(text)}\n`));
  const titles = engine.sources().map((s) => s.title);
  print(`Footnote is ready: ${titles.length} article(s)${titles.length === 1 ? ` — “${oneLine(titles[0]!)}”` : ''}. Ask a question, or /help.`);
  const rl = createInterface({ input, output, terminal: (input as NodeJS.ReadStream).isTTY ?? false, ...(signal ? { signal } : {}) });
  const ask = () => (screen ? screen.ask(rl) : rl.prompt());
  const conversation: Turn[] = [];
  rl.setPrompt('> ');
  ask();
  for await (const line of rl) {
    screen?.busy();
    let text: string | undefined;
    try {
      text = await handleConsoleLine(engine, line, conversation);
    } catch (error) {
      text = toFootnoteError(error).userMessage;
    }
    if (text === undefined) break;
    if (text) print(text);
    ask();
  }
  rl.close();
}
