import { createInterface } from 'node:readline/promises';
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
  /sources                                       the indexed articles
  /reload                                        re-read the seeds folder
  /help                                          this help
  /quit                                          leave`;

/** One console line: a question, or a slash command. Returns the text to print, or undefined to quit. */
export async function handleConsoleLine(engine: Engine, line: string): Promise<string | undefined> {
  const [command = '', ...rest] = line.trim().split(/\s+/);
  switch (command.toLowerCase()) {
    case '':
      return '';
    case '/quit':
    case '/exit':
      return undefined;
    case '/help':
      return HELP;
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
    default:
      if (command.startsWith('/')) return `Unknown command ${command}. ${HELP}`;
      return renderAnswer(await engine.ask(line));
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
  rl.setPrompt('> ');
  ask();
  for await (const line of rl) {
    screen?.busy();
    let text: string | undefined;
    try {
      text = await handleConsoleLine(engine, line);
    } catch (error) {
      text = toFootnoteError(error).userMessage;
    }
    if (text === undefined) break;
    if (text) print(text);
    ask();
  }
  rl.close();
}
