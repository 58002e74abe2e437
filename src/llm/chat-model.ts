import type { BaseChatModel } from '@langchain/core/language_models/chat_models';

export const LlmProviders = ['ollama', 'openai'] as const;
export type LlmProvider = (typeof LlmProviders)[number];

export interface ChatModelSettings {
  provider: LlmProvider;
  /** Ollama: the server (default http://127.0.0.1:11434); openai: the API base, ending in /v1. */
  baseUrl: string | undefined;
  model: string;
  apiKey: string | undefined;
}

export const OLLAMA_URL = 'http://127.0.0.1:11434';

/** Where the article text goes: named in the start-up log line and in errors. */
export const endpointOf = (settings: ChatModelSettings) => settings.baseUrl ?? (settings.provider === 'ollama' ? OLLAMA_URL : '');

/**
 * Makes a fresh LangChain chat model per call. Fresh, because ChatOllama's abort stops every stream
 * of its client: one question timing out must not cut another's answer. The provider packages are
 * imported on first use, so the extractive default never loads them. Retries are ours (none: a
 * failing endpoint meets the circuit breaker instead of six back-offs).
 */
export async function chatModelFactory(settings: ChatModelSettings): Promise<() => BaseChatModel> {
  const common = { model: settings.model, temperature: 0, maxRetries: 0 };
  if (settings.provider === 'ollama') {
    const { ChatOllama } = await import('@langchain/ollama');
    // JSON mode: Ollama constrains the output to valid JSON.
    return () => new ChatOllama({ ...common, baseUrl: endpointOf(settings), format: 'json' });
  }
  const { ChatOpenAI } = await import('@langchain/openai');
  // Local OpenAI-compatible servers take any key; the client insists on one.
  return () => new ChatOpenAI({ ...common, apiKey: settings.apiKey ?? 'none', configuration: { baseURL: settings.baseUrl }, streamUsage: false });
}
