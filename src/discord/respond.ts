import { MessageFlags, type RepliableInteraction } from 'discord.js';
import type { DiscordMessage } from '../render/discord/message.js';
import { within } from '../within.js';

const LATE = Symbol('late');

/**
 * How long is left of the deferral window. Discord's 3 s run from when it created the interaction
 * (the snowflake's time), which may be well before our handler ran if the event loop was busy. A
 * clock ahead of Discord's only makes us defer sooner; one behind counts from receipt.
 */
export function deferralWait(createdTimestamp: number, deferAfterMs: number, now = Date.now()): number {
  const age = Math.max(0, now - createdTimestamp);
  return Math.max(0, deferAfterMs - age);
}

/**
 * Discord wants an initial response within 3 s. Starts `work`; when it is ready within the
 * deferral window, replies with it directly, else defers ("thinking…") and edits the reply when done.
 */
export async function replyWhenReady(
  interaction: RepliableInteraction,
  work: () => Promise<DiscordMessage>,
  { ephemeral = false, deferAfterMs }: { ephemeral?: boolean; deferAfterMs: number },
): Promise<void> {
  const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
  const pending = work();
  const wait = deferralWait(interaction.createdTimestamp, deferAfterMs);
  const first = wait > 0 ? await within(pending, wait, LATE) : LATE;
  if (first !== LATE) {
    await interaction.reply({ ...first, ...(flags ? { flags } : {}) });
    return;
  }
  pending.catch(() => {}); // awaited below, after the deferral
  await interaction.deferReply(flags ? { flags } : {});
  await interaction.editReply(await pending);
}

/**
 * Sends a message only the user sees, whatever state the interaction is in: a reply, an edit of an
 * ephemeral deferral, or a follow-up (a public "thinking…" is removed first so it does not linger).
 */
export async function replyPrivately(interaction: RepliableInteraction, message: DiscordMessage): Promise<void> {
  const options = { ...message, flags: MessageFlags.Ephemeral } as const;
  if (interaction.replied) {
    await interaction.followUp(options);
  } else if (interaction.deferred) {
    if (interaction.ephemeral === true) {
      await interaction.editReply(message);
    } else {
      if (interaction.ephemeral === false) await interaction.deleteReply().catch(() => {});
      await interaction.followUp(options);
    }
  } else {
    await interaction.reply(options);
  }
}

/** Discord's interaction token lasts 15 minutes; drafts stop a minute before, leaving the final edit its chance. */
const TOKEN_MS = 15 * 60_000;
const DRAFTS_UNTIL_MS = TOKEN_MS - 60_000;

/**
 * For answers written as they stream in: defers at once, edits the reply with the latest draft at
 * most once per `intervalMs` (never two edits in flight), and ends with the final message. A draft
 * that fails to send is dropped; the final edit is what counts.
 */
export async function replyStreaming(
  interaction: RepliableInteraction,
  work: (draft: (message: DiscordMessage) => void) => Promise<DiscordMessage>,
  { ephemeral = false, intervalMs }: { ephemeral?: boolean; intervalMs: number },
): Promise<void> {
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  let latest: DiscordMessage | undefined;
  let sending: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastSent = 0;
  let done = false;
  const send = () => {
    timer = undefined;
    const message = latest;
    latest = undefined;
    if (!message || done) return;
    lastSent = Date.now();
    sending = interaction
      .editReply(message)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        sending = undefined;
        schedule();
      });
  };
  const schedule = () => {
    if (!latest || timer || sending || done) return;
    timer = setTimeout(send, Math.max(0, lastSent + intervalMs - Date.now()));
  };
  const draft = (message: DiscordMessage) => {
    if (Date.now() - interaction.createdTimestamp > DRAFTS_UNTIL_MS) return;
    latest = message;
    schedule();
  };
  try {
    const final = await work(draft);
    done = true;
    clearTimeout(timer);
    await sending;
    // Past the token's life no edit can land; the user saw the last draft and the note of "Writing…".
    if (Date.now() - interaction.createdTimestamp < TOKEN_MS) await interaction.editReply(final);
  } finally {
    done = true;
    clearTimeout(timer);
  }
}
