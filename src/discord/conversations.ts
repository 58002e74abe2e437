import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { MAX_TURNS, type Turn } from '../answer/conversation.js';

/** Conversations kept in all; the least recently active go first. */
export const MAX_CONVERSATIONS = 2000;
/** A conversation nobody has added to for this long is forgotten (Discord archives a quiet thread after 24 h; it can be reopened). */
export const KEEP_MS = 7 * 24 * 3600_000;

interface Conversation {
  turns: Turn[];
  updatedAt: number;
}

const FILE = 'conversations.json';

/** Where the conversations of the bot's threads are kept: the data folder, or the shared database (src/index/postgres/conversations.ts). */
export interface Conversations {
  /** The turns so far, oldest first; undefined for a thread Footnote did not start (or has forgotten). */
  turns(threadId: string): Promise<readonly Turn[] | undefined>;
  /** Starts a thread's conversation or adds turns to it, and saves. */
  add(threadId: string, ...turns: Turn[]): Promise<void>;
  close?(): Promise<void>;
}

/**
 * The conversations of the threads Footnote started, by thread id: what a follow-up is read with.
 * Kept in the data folder (written atomically after each turn), so a restart loses none, and
 * bounded in turns, in number and in age.
 */
export class ConversationStore implements Conversations {
  private readonly conversations = new Map<string, Conversation>();
  private writing: Promise<void> = Promise.resolve();
  /** A save waiting for the one in flight: it will write every change made until it starts. */
  private queued: Promise<void> | undefined;
  /** A data folder that cannot be written is said once, not at every turn. */
  private warned = false;

  private constructor(
    private readonly path: string,
    private readonly now: () => number,
    private readonly warn: (message: string) => void,
    private readonly maxConversations: number,
  ) {}

  /** Reads the saved conversations; a missing or unreadable file starts empty (threads then read their next question alone). */
  static async open(
    dataDir: string,
    { now = Date.now, warn = () => {}, maxConversations = MAX_CONVERSATIONS }: { now?: () => number; warn?: (message: string) => void; maxConversations?: number } = {},
  ): Promise<ConversationStore> {
    // A data folder that cannot be made still serves: conversations are then kept in memory only (save says so once).
    await mkdir(dataDir, { recursive: true }).catch(() => undefined);
    const store = new ConversationStore(join(dataDir, FILE), now, warn, maxConversations);
    const saved = await readFile(store.path, 'utf8').then(
      (text) => {
        try {
          return JSON.parse(text) as Record<string, Conversation>;
        } catch {
          warn(`${FILE} in the data folder could not be read: the conversations start afresh`);
          return {};
        }
      },
      () => ({}),
    );
    for (const [id, conversation] of Object.entries(saved)) {
      if (Array.isArray(conversation?.turns) && typeof conversation.updatedAt === 'number') store.conversations.set(id, conversation);
    }
    store.forgetOld();
    return store;
  }

  async turns(threadId: string): Promise<readonly Turn[] | undefined> {
    const conversation = this.conversations.get(threadId);
    if (!conversation || this.now() - conversation.updatedAt > KEEP_MS) return undefined;
    return conversation.turns;
  }

  async add(threadId: string, ...turns: Turn[]): Promise<void> {
    const conversation = this.conversations.get(threadId) ?? { turns: [], updatedAt: 0 };
    conversation.turns = [...conversation.turns, ...turns].slice(-MAX_TURNS);
    conversation.updatedAt = this.now();
    // Re-inserted: the map's order is the order of activity, oldest first.
    this.conversations.delete(threadId);
    this.conversations.set(threadId, conversation);
    this.forgetOld();
    await this.save();
  }

  get size(): number {
    return this.conversations.size;
  }

  private forgetOld(): void {
    for (const [id, conversation] of this.conversations) {
      if (this.conversations.size <= this.maxConversations && this.now() - conversation.updatedAt <= KEEP_MS) break;
      this.conversations.delete(id);
    }
  }

  /** One write at a time, each of the whole state as it is when the write starts; turns added meanwhile share the next one. */
  private save(): Promise<void> {
    if (this.queued) return this.queued;
    this.queued = this.writing = this.writing
      .then(() => {
        this.queued = undefined;
        return writeFileAtomic(this.path, JSON.stringify(Object.fromEntries(this.conversations)), { mode: 0o600 });
      })
      .catch((error: Error) => {
        if (!this.warned) this.warn(`could not save the conversations (${error.message}): they are kept in memory only`);
        this.warned = true;
      });
    return this.writing;
  }
}
