import type { BaseChatModel } from '@langchain/core/language_models/chat_models';

export const LlmProviders = ['ollama', 'openai'] as const;
type LlmProvider = (typeof LlmProviders)[number];

export interface ChatModelSettings {
  provider: LlmProvider;
  /** Ollama: the server (default http://127.0.0.1:11434); openai: the API base, ending in /v1. */
  baseUrl: string | undefined;
  model: string;
  apiKey: string | undefined;
}

const OLLAMA_URL = 'http://127.0.0.1:11434';

/** Where the article text goes: named in the start-up log line and in errors. */
export const endpointOf = (settings: ChatModelSettings) => settings.baseUrl ?? (settings.provider === 'ollama' ? OLLAMA_URL : '');

/** A chat model for one call; `signal` ends its HTTP request, whatever the client library does with aborts. */
export type ChatModelFactory = (signal: AbortSignal) => BaseChatModel;

/** fetch with our signal added: the request (and its socket) ends when the call is given up. */
const fetchUntil =
  (signal: AbortSignal): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });

/** The endpoint as it may be logged: without a password in the URL. */
export function shownEndpoint(settings: ChatModelSettings): string {
  const url = new URL(endpointOf(settings));
  if (url.password) url.password = '***';
  return url.toString().replace(/\/$/, '');
}

/**
 * Makes a fresh LangChain chat model per call. Fresh, because ChatOllama's abort stops every stream
 * of its client (one question timing out must not cut another's answer) and only takes effect when
 * the next chunk arrives: the call's own signal, given to the model's fetch, ends a stalled request.
 * The provider packages are imported on first use, so the extractive default never loads them.
 * Retries are ours (none: a failing endpoint meets the circuit breaker instead of six back-offs).
 */
export async function chatModelFactory(settings: ChatModelSettings): Promise<ChatModelFactory> {
  const common = { model: settings.model, temperature: 0, maxRetries: 0 };
  if (settings.provider === 'ollama') {
    const { ChatOllama } = await import('@langchain/ollama');
    const headers = settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : undefined;
    // JSON mode: Ollama constrains the output to valid JSON.
    return (signal) => new ChatOllama({ ...common, baseUrl: endpointOf(settings), format: 'json', fetch: fetchUntil(signal), ...(headers ? { headers } : {}) });
  }
  const { ChatOpenAI } = await import('@langchain/openai');
  // Local OpenAI-compatible servers take any key; the client insists on one.
  return (signal) =>
    new ChatOpenAI({ ...common, apiKey: settings.apiKey ?? 'none', configuration: { baseURL: settings.baseUrl, fetch: fetchUntil(signal) }, streamUsage: false });
}
