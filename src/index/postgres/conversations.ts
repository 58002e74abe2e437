import pg from 'pg';
import { MAX_TURNS, type Turn } from '../../answer/conversation.js';
import { KEEP_MS, MAX_CONVERSATIONS, type Conversations } from '../../discord/conversations.js';

/**
 * STORE=postgres: the conversations of the bot's threads in the shared database, so whichever
 * process answers in a thread reads the same turns. Bounded like the data-folder store (turns per
 * thread, threads, age). A database that cannot be reached loses the conversation, not the answer:
 * the follow-up is then read alone, and the failure is said once.
 */
export class PgConversations implements Conversations {
  private readonly pool: pg.Pool;
  private warned = false;

  constructor(
    url: string,
    private readonly options: { now?: () => number; warn?: (message: string) => void; maxConversations?: number } = {},
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5000 });
    this.pool.on('error', () => undefined);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private failed(error: Error): undefined {
    if (!this.warned) this.options.warn?.(`the conversations in the database could not be read or saved (${error.message}): follow-ups are read alone until it is back`);
    this.warned = true;
    return undefined;
  }

  async turns(threadId: string): Promise<readonly Turn[] | undefined> {
    try {
      const { rows } = await this.pool.query<{ turns: Turn[] }>('SELECT turns FROM conversations WHERE thread_id = $1 AND updated_at >= to_timestamp($2 / 1000.0)', [threadId, this.now() - KEEP_MS]);
      this.warned = false;
      return rows[0]?.turns;
    } catch (error) {
      return this.failed(error as Error);
    }
  }

  async add(threadId: string, ...turns: Turn[]): Promise<void> {
    const now = this.now();
    try {
      // One statement: two processes adding to one thread at once both keep their turn.
      await this.pool.query(
        `INSERT INTO conversations AS c (thread_id, turns, updated_at) VALUES ($1, $2::jsonb, to_timestamp($3 / 1000.0))
         ON CONFLICT (thread_id) DO UPDATE SET
           turns = (SELECT jsonb_agg(t ORDER BY i) FROM jsonb_array_elements(CASE WHEN c.updated_at >= to_timestamp($4 / 1000.0) THEN c.turns ELSE '[]'::jsonb END || EXCLUDED.turns) WITH ORDINALITY AS x(t, i)
                    WHERE i > jsonb_array_length(CASE WHEN c.updated_at >= to_timestamp($4 / 1000.0) THEN c.turns ELSE '[]'::jsonb END || EXCLUDED.turns) - $5),
           updated_at = EXCLUDED.updated_at`,
        [threadId, JSON.stringify(turns), now, now - KEEP_MS, MAX_TURNS],
      );
      // The bounds: threads quiet too long, then the least recently active beyond the limit.
      await this.pool.query('DELETE FROM conversations WHERE updated_at < to_timestamp($1 / 1000.0)', [now - KEEP_MS]);
      await this.pool.query('DELETE FROM conversations WHERE thread_id IN (SELECT thread_id FROM conversations ORDER BY updated_at DESC, thread_id OFFSET $1)', [this.options.maxConversations ?? MAX_CONVERSATIONS]);
      this.warned = false;
    } catch (error) {
      this.failed(error as Error);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
