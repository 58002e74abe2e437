import type { Interface } from 'node:readline';
import { clearLine, cursorTo } from 'node:readline';
import { Writable } from 'node:stream';
import wrapAnsi from 'wrap-ansi';
import type { ProgressFactory } from '../progress.js';

const PROMPT = '> ';
/** Progress redraws the prompt at most this often: a redraw moves the cursor under the user's typing. */
const REDRAW_EVERY_MS = 500;

/**
 * The console's terminal: everything printed while the prompt is shown (answers, warnings from
 * background work) goes above it, and the prompt, with what the user has typed so far, is drawn
 * again after it; progress is one line that redraws (inside the prompt); text is wrapped at word
 * boundaries to the terminal's width. Only for a terminal: piped output stays plain.
 */
export class ConsoleScreen {
  /** The readline whose prompt is on the screen, waiting for a line; undefined while a line is handled. */
  private waiting: Interface | undefined;
  private status: string | undefined;
  private lastRedraw = 0;

  constructor(private readonly output: NodeJS.WriteStream) {}

  /** Shows the prompt and waits for the user's line. */
  ask(readline: Interface): void {
    this.waiting = readline;
    readline.setPrompt(this.prompt());
    readline.prompt();
  }

  /** A line came in: until the next prompt, text is written as it comes. */
  busy(): void {
    this.waiting = undefined;
  }

  private prompt(): string {
    return this.status ? `[${this.status}] ${PROMPT}` : PROMPT;
  }

  /** Writes `text` (ending with a newline) above the prompt, then redraws the prompt and the typing. */
  print(text: string): void {
    const { waiting, output } = this;
    if (!waiting) {
      output.write(text);
      return;
    }
    clearLine(output, 0);
    cursorTo(output, 0);
    output.write(text);
    waiting.prompt(true);
  }

  /**
   * `text` wrapped at word boundaries to the terminal's width; a line's indentation is kept on the
   * lines it wraps into, and a word longer than the line (a link, say) is left whole.
   */
  wrap(text: string): string {
    const width = Math.max(20, this.output.columns || 80);
    return text
      .split('\n')
      .map((line) => {
        const indent = /^\s*/.exec(line)![0];
        return wrapAnsi(line.slice(indent.length), width - indent.length, { hard: false }).split('\n').map((part) => indent + part).join('\n');
      })
      .join('\n');
  }

  /** For the logger (pretty, as on any terminal): each log line is printed above the prompt. */
  readonly logStream = Object.assign(
    new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        this.print(this.wrap(String(chunk)));
        done();
      },
    }),
    { isTTY: true },
  );

  /** Progress shown in the prompt ("[vectors 120/300, 40 s left] > "), gone when the work stops. */
  readonly progress: ProgressFactory = (task) => {
    const begin = Date.now();
    return {
      update: (done, total) => {
        const now = Date.now();
        if (now - this.lastRedraw < REDRAW_EVERY_MS && done < total) return;
        const left = done ? Math.round((((now - begin) / done) * (total - done)) / 1000) : undefined;
        this.show(done < total ? `${task} ${done}/${total}${left === undefined ? '' : `, ${left} s left`}` : undefined);
      },
      stop: () => this.show(undefined),
    };
  };

  private show(status: string | undefined): void {
    if (status === this.status) return;
    this.status = status;
    this.lastRedraw = Date.now();
    const { waiting } = this;
    if (!waiting) return;
    waiting.setPrompt(this.prompt());
    clearLine(this.output, 0);
    cursorTo(this.output, 0);
    waiting.prompt(true);
  }
}
