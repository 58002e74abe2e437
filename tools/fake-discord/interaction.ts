import { CallbackType, MessageFlags, type Json, type Rejection, type StoredMessage } from './model.js';

/** One dispatched interaction and everything the bot did with it. */
export class FakeInteraction {
  readonly acks: { type: number; data?: Json; at: number }[] = [];
  readonly edits: Json[] = [];
  /** When (on the fake's clock) each edit arrived. */
  readonly editedAt: number[] = [];
  readonly followups: StoredMessage[] = [];
  readonly rejected: Rejection[] = [];
  original: StoredMessage | undefined;
  choices: Json[] | undefined;
  /** The modal the bot opened in answer (callback type 9), if it did. */
  modal: Json | undefined;
  /** The message whose button was clicked (for component interactions). */
  source: StoredMessage | undefined;
  /** When (on the fake's clock) the user first saw a final result. */
  settledAt: number | undefined;

  constructor(
    private readonly fake: { waitFor(condition: () => boolean): Promise<void> },
    readonly id: string,
    readonly token: string,
    readonly type: number,
    readonly dispatchedAt: number,
  ) {}

  /** When (on the fake's clock) the initial response arrived. */
  get initialAt(): number | undefined {
    return this.acks[0]?.at;
  }

  /** The initial response's callback type (4 reply, 5 deferred, 7 update, 8 choices), if any. */
  get initial(): number | undefined {
    return this.acks[0]?.type;
  }

  /** True once the user sees a final result: a reply, an update, choices, or a deferral that was edited or followed up. */
  get settled(): boolean {
    const first = this.initial;
    if (first === undefined) return false;
    if (first === CallbackType.Reply || first === CallbackType.Update || first === CallbackType.Choices || first === CallbackType.Modal) return true;
    return this.edits.length > 0 || this.followups.length > 0;
  }

  /** What the user finally sees: the follow-up if there is one, else the (edited) original or the updated message. */
  get visible(): StoredMessage | undefined {
    if (this.followups.length) return this.followups.at(-1);
    if (this.initial === CallbackType.Update) return this.source;
    return this.original;
  }

  get ephemeral(): boolean {
    return Boolean((this.visible?.flags ?? 0) & MessageFlags.Ephemeral);
  }

  /** Waits until settled (the test's own timeout bounds it). */
  async done(): Promise<this> {
    await this.fake.waitFor(() => this.settled);
    return this;
  }

  /** All text the user can see in the final message: content, embed titles, descriptions, fields, footers. */
  get text(): string {
    const m = this.visible;
    if (!m) return '';
    const embeds = m.embeds.map((e) => [e.title, e.author?.name, e.description, ...(e.fields ?? []).flatMap((f: Json) => [f.name, f.value]), e.footer?.text].filter(Boolean).join('\n'));
    return [m.content, ...embeds].filter(Boolean).join('\n');
  }

  /** Every button in the final message. */
  get buttons(): { custom_id: string; label?: string; emoji?: { name: string }; disabled?: boolean }[] {
    return (this.visible?.components ?? []).flatMap((row: Json) => row.components ?? []);
  }
}
