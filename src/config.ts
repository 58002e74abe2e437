import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ErrorCode, FootnoteError } from './errors.js';
import { calibrated } from './answer/models.js';
import { Fusions, RetrievalModes } from './retrieve/hybrid.js';
import { LlmProviders } from './llm/chat-model.js';

const optionalText = z.string().trim().optional();
const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');
const integer = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const number = (min: number, max: number, fallback: number) => z.coerce.number().min(min).max(max).default(fallback);
const flag = z.enum(['true', 'false']).default('false').transform((value) => value === 'true');

/** A web address Footnote calls or links to: http or https, with no user name or password in it (keys have settings of their own). */
const webUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .refine((url) => !/^[a-z]+:\/\/[^/@]*@/i.test(url), 'must not contain a user name or password (put keys in LLM_API_KEY or EMBEDDINGS_API_KEY)');

/** Questions longer than this are declined (MAX_QUESTION_CHARS); Discord's /ask option shows the same limit. */
export const DEFAULT_MAX_QUESTION_CHARS = 500;

/** Every setting, read from the environment (and `.env`) once at start-up. See .env.example. */
const Schema = z
  .object({
    SEEDS_DIR: z.string().default('./seeds'),
    DATA_DIR: z.string().default('./data'),
    STORE: z.enum(['local', 'postgres']).default('local'),
    DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection string' }).optional()),
    EMBEDDINGS: z.enum(['local', 'openai']).default('local'),
    EMBEDDINGS_URL: optionalText.pipe(webUrl.optional()),
    EMBEDDINGS_API_KEY: optionalText,
    EMBEDDINGS_MODEL: z.string().default('text-embedding-3-small'),
    EMBED_WORKERS: integer(1, 16, Math.min(4, availableParallelism())),
    CHUNK_SIZE: integer(100, 4000, 400),
    CHUNK_OVERLAP: integer(0, 2000, 150),
    RETRIEVAL: z.enum(RetrievalModes).default('hybrid'),
    FUSION: z.enum(Fusions).default('linear'),
    DENSE_WEIGHT: number(0, 1, 0.5),
    MIN_CONFIDENCE: number(0, 1, calibrated.minConfidence),
    MIN_RELEVANCE: number(0, 1, calibrated.minRelevance),
    MIN_SHORT_ANSWER: number(0, 1, calibrated.minShortAnswer),
    MAX_CITATIONS: integer(1, 10, 3),
    MAX_QUESTION_CHARS: integer(20, 4000, DEFAULT_MAX_QUESTION_CHARS),
    MAX_FILE_BYTES: integer(1, 100 * 1024 * 1024, 5 * 1024 * 1024),
    FETCH_TIMEOUT_MS: integer(100, 120_000, 20_000),
    ALLOW_PRIVATE_URLS: flag,
    FEED_POLL_MINUTES: integer(1, 1440, 30),
    FEED_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
    FEED_DIGEST_CHANNEL_ID: optionalText.pipe(snowflake.optional()),
    ANSWERER: z.enum(['extractive', 'llm']).default('extractive'),
    LLM_PROVIDER: z.enum(LlmProviders).default('ollama'),
    LLM_BASE_URL: optionalText.pipe(webUrl.optional()),
    LLM_MODEL: optionalText,
    LLM_API_KEY: optionalText,
    // Within Discord's 15-minute interaction token, with room for the final edit.
    LLM_TIMEOUT_MS: integer(100, 600_000, 30_000),
    LLM_PASSAGES: integer(1, 20, 6),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: optionalText.pipe(snowflake.optional()),
    DISCORD_GUILD_ID: optionalText.pipe(snowflake.optional()),
    DISCORD_API_URL: webUrl.default('https://discord.com/api'),
    DISCORD_CDN_URL: webUrl.default('https://cdn.discordapp.com'),
    SHARDS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(1000)])
      .optional(),
    SHARD_IDS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^\d+$/, 'must be shard numbers, comma-separated')))
      .transform((ids) => (ids.length ? ids.map(Number) : undefined)),
    MOD_ROLE_IDS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
      .pipe(z.array(snowflake)),
    COOLDOWN_SECONDS: number(0, 3600, 3),
    MAX_CONCURRENT_REQUESTS: integer(1, 100, 4),
    FEEDBACK_LOG: z.string().default('./data/feedback.jsonl'),
    AUDIT_LOG: z.string().default('./data/audit.jsonl'),
  });

export type Config = Readonly<z.infer<typeof Schema>>;
type Raw = Record<string, string | undefined>;

/** Rules between settings, checked on the raw values so they are reported with the others. */
function crossChecks(raw: Raw): string[] {
  const problems: string[] = [];
  if (raw.EMBEDDINGS === 'openai' && !raw.EMBEDDINGS_URL?.trim()) problems.push('EMBEDDINGS_URL: is required when EMBEDDINGS=openai');
  if (raw.SHARDS?.trim() && raw.STORE !== 'postgres') problems.push('SHARDS: shard processes share one index, which needs STORE=postgres');
  if (raw.SHARD_IDS?.trim()) {
    const total = Number(raw.SHARDS);
    if (!Number.isInteger(total)) problems.push('SHARD_IDS: needs SHARDS set to the total number of shards across all machines');
    else if (raw.SHARD_IDS.split(',').some((id) => id.trim() && !(Number(id) >= 0 && Number(id) < total))) problems.push(`SHARD_IDS: each id must be from 0 to ${total - 1} (SHARDS=${total})`);
  }
  if (raw.STORE === 'postgres' && !raw.DATABASE_URL?.trim()) problems.push('DATABASE_URL: is required when STORE=postgres');
  if (raw.STORE === 'postgres' && raw.EMBEDDINGS === 'openai') problems.push('STORE: postgres holds the bundled 512-d embeddings only (EMBEDDINGS=local)');
  if (raw.ANSWERER === 'llm' && !raw.LLM_MODEL?.trim()) problems.push('LLM_MODEL: is required when ANSWERER=llm');
  if (raw.ANSWERER === 'llm' && raw.LLM_PROVIDER === 'openai' && !raw.LLM_BASE_URL?.trim()) problems.push('LLM_BASE_URL: is required when LLM_PROVIDER=openai');
  if (raw.DISCORD_TOKEN?.trim() && !raw.DISCORD_APPLICATION_ID?.trim()) problems.push('DISCORD_APPLICATION_ID: is required when DISCORD_TOKEN is set');
  if (Number(raw.CHUNK_OVERLAP ?? 150) >= Number(raw.CHUNK_SIZE ?? 400)) problems.push('CHUNK_OVERLAP: must be smaller than CHUNK_SIZE');
  if (Number(raw.MIN_RELEVANCE ?? calibrated.minRelevance) > Number(raw.MIN_CONFIDENCE ?? calibrated.minConfidence)) problems.push('MIN_RELEVANCE: must not be above MIN_CONFIDENCE');
  return problems;
}

/** Edit distance between two names, for "did you mean" (names are short: the plain table is enough). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** Variables that are not ours but look like a misspelling of one of ours ("CHUNKSIZE"): silently ignored, they would surprise. */
function misspelt(env: Raw): string[] {
  const known = Object.keys(Schema.shape);
  return Object.keys(env)
    .filter((name) => !known.includes(name) && name === name.toUpperCase() && name.length > 3)
    .flatMap((name) => {
      const near = known.filter((k) => distance(name, k) <= 2).sort((x, y) => distance(name, x) - distance(name, y));
      return near.length ? [`${name}: is not a Footnote setting; did you mean ${near[0]}?`] : [];
    });
}

/** A schema problem in plain words, with the value that caused it ("must be a whole number, got 'abc'"). */
function plainProblem(issue: z.core.$ZodIssue, raw: Raw): string {
  const name = String(issue.path[0] ?? '');
  const value = raw[name];
  const got = value === undefined ? '' : `, got '${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' || issue.expected === 'int' ? `${name}: must be ${issue.expected === 'int' ? 'a whole number' : 'a number'}${got}` : `${name}: ${issue.message}${got}`;
    case 'too_small':
      return `${name}: must be at least ${String(issue.minimum)}${got}`;
    case 'too_big':
      return `${name}: must be at most ${String(issue.maximum)}${got}`;
    case 'invalid_value':
      return `${name}: must be one of ${issue.values.map(String).join(', ')}${got}`;
    default:
      return `${name}: ${issue.message}${issue.code === 'invalid_format' || issue.code === 'custom' ? '' : got}`;
  }
}

/** Parses and validates the environment; the error names every bad variable and why, in plain words. */
export function loadConfig(env: Raw): Config {
  // An empty value means "not set": `CHUNK_SIZE=` takes the default rather than 0.
  const raw: Raw = Object.fromEntries(Object.keys(Schema.shape).map((key) => [key, env[key]?.trim() ? env[key] : undefined]));
  // In a shard process discord.js's ShardingManager sets SHARDS to the shard's own ids: not ours to read.
  if (isShardProcess(env)) raw.SHARDS = undefined;
  const result = Schema.safeParse(raw);
  const problems = [...(result.success ? [] : result.error.issues.map((issue) => plainProblem(issue, raw))), ...crossChecks(raw), ...misspelt(env)];
  if (result.success && !problems.length) return Object.freeze(result.data);
  throw new FootnoteError(ErrorCode.ConfigInvalid, `Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** True in a process spawned by discord.js's ShardingManager (src/discord/shards.ts). */
export const isShardProcess = (env: Raw) => env.SHARDING_MANAGER === 'true';
