import { Command, Option } from 'commander';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/**
 * A local stand-in for a language model server, over real HTTP on 127.0.0.1: Ollama's /api/chat
 * (newline-delimited JSON) or an OpenAI-compatible /v1/chat/completions (server-sent events), both
 * streaming. A script decides each reply from the request, so tests and benchmarks can play a good
 * model, a careless one, a hostile one, or a failing server.
 */

export type LlmFlavour = 'ollama' | 'openai';

export interface FakeRequest {
  model: string;
  messages: { role: string; content: string }[];
  /** The passages the prompt numbered, by number (what a model would quote from). */
  passages: Map<number, string>;
  /** The human turn's last line after "Question:", when there is one. */
  question: string | undefined;
}

export interface FakeReply {
  /** Anything but 200 answers with an error body in the server's own format. */
  status?: number;
  /** What the model writes, streamed in pieces. */
  text?: string;
  /** Characters per piece (default 16). */
  pieceChars?: number;
  /** Wait before the response starts, and between pieces. */
  delayMs?: number;
  everyMs?: number;
  /** Close the connection after this many pieces, mid-reply. */
  cutAfter?: number;
}

export type Script = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

const PASSAGE = /<passage n="(\d+)"[^>]*>\n([\s\S]*?)\n<\/passage>/g;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Record<string, unknown>;
}

/** The text of a message whatever shape the client sent it in (a string, or a list of parts). */
const textOf = (content: unknown) =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p as { text?: string }).text ?? '').join('') : '';

export class FakeLlm {
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;
  private readonly streaming = new Set<ServerResponse>();

  /** Replies still being sent: a client that gave up should have closed its connection. */
  get openReplies(): number {
    return this.streaming.size;
  }

  constructor(
    readonly flavour: LlmFlavour,
    public script: Script,
    readonly models: readonly string[] = ['fake-model'],
  ) {}

  async listen(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  /** The base URL to configure: the server for Ollama, the /v1 API base for OpenAI-compatible. */
  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.flavour === 'openai' ? '/v1' : ''}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const chatPath = this.flavour === 'ollama' ? '/api/chat' : '/v1/chat/completions';
    if (req.method !== 'POST' || path !== chatPath) return this.error(res, 404, `no route ${req.method} ${path}`);
    const json = await body(req);
    const messages = ((json.messages as { role: string; content: unknown }[]) ?? []).map((m) => ({ role: m.role, content: textOf(m.content) }));
    const human = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const request: FakeRequest = {
      model: String(json.model),
      messages,
      passages: new Map([...human.matchAll(PASSAGE)].map((m) => [Number(m[1]), m[2]!])),
      question: /\nQuestion: (.*)$/.exec(human)?.[1],
    };
    this.requests.push(request);
    if (!this.models.includes(request.model)) return this.error(res, 404, `model "${request.model}" not found, try pulling it first`);
    const reply = await this.script(request);
    if (reply.delayMs) await sleep(reply.delayMs);
    if (reply.status && reply.status !== 200) return this.error(res, reply.status, 'the fake model failed on purpose');
    await this.stream(res, request.model, reply, json.stream !== false);
  }

  private error(res: ServerResponse, status: number, message: string): void {
    const payload = this.flavour === 'ollama' ? { error: message } : { error: { message, type: 'invalid_request_error', code: status === 404 ? 'model_not_found' : null } };
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }

  private async stream(res: ServerResponse, model: string, reply: FakeReply, streaming: boolean): Promise<void> {
    const text = reply.text ?? '';
    const size = reply.pieceChars ?? 16;
    const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
    const created = Math.floor(Date.now() / 1000);
    const ollama = (content: string, done: boolean) =>
      `${JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done, ...(done ? { done_reason: 'stop', eval_count: pieces.length } : {}) })}\n`;
    const openai = (content: string | undefined, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: content === undefined ? {} : { role: 'assistant', content }, finish_reason: finish }] })}\n\n`;
    if (!streaming) {
      const whole = this.flavour === 'ollama'
        ? { model, message: { role: 'assistant', content: text }, done: true }
        : { id: 'chatcmpl-fake', object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(whole));
      return;
    }
    res.writeHead(200, { 'content-type': this.flavour === 'ollama' ? 'application/x-ndjson' : 'text/event-stream' });
    this.streaming.add(res);
    res.on('close', () => this.streaming.delete(res));
    for (const [i, piece] of pieces.entries()) {
      if (reply.cutAfter !== undefined && i >= reply.cutAfter) {
        res.destroy();
        return;
      }
      if (res.destroyed) return;
      res.write(this.flavour === 'ollama' ? ollama(piece, false) : openai(piece, null));
      if (reply.everyMs) await sleep(reply.everyMs);
    }
    res.end(this.flavour === 'ollama' ? ollama('', true) : `${openai(undefined, 'stop')}data: [DONE]\n\n`);
  }
}

/** The JSON reply the answer prompt asks for. */
export const answerReply = (answer: string, quotes: { marker: number; passage: number; quote: string }[]) => JSON.stringify({ found: true, answer, quotes });
export const notFoundReply = () => JSON.stringify({ found: false });

/** A model that answers with the first sentence of passage 1, quoted exactly: every quote checks. For plumbing, not quality. */
export const parrot: Script = (request) => {
  const first = request.passages.get(1) ?? '';
  const sentence = first.split(/(?<=[.!?”])\s+/)[0] ?? first;
  return { text: answerReply(`${sentence} [1]`, [{ marker: 1, passage: 1, quote: sentence }]) };
};

// `node --import tsx tools/fake-llm.ts [--flavour ollama|openai] [--port 11434]`: the parrot on a port, to try the
// settings, the bot or `npm run eval -- --answerer llm` without a model.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = new Command('fake-llm')
    .addOption(new Option('--flavour <api>', 'which API to speak').choices(['ollama', 'openai']).default('ollama'))
    .option('--port <n>', 'port on 127.0.0.1', Number, 11434)
    .parse()
    .opts<{ flavour: 'ollama' | 'openai'; port: number }>();
  const fake = await new FakeLlm(options.flavour, parrot, ['fake-model']).listen(options.port);
  process.stdout.write(`fake ${fake.flavour} server (model "fake-model", the parrot) at ${fake.url}\n`);
}
