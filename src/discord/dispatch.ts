import { randomBytes } from 'node:crypto';
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, Interaction, MessageContextMenuCommandInteraction, ModalSubmitInteraction, RepliableInteraction } from 'discord.js';
import { toFootnoteError } from '../errors.js';
import type { Logger } from '../logger.js';
import { notice, renderError, type DiscordMessage } from '../render/discord/message.js';
import type { CommandContext, CommandModule } from './command.js';
import type { RequestGate } from './gate.js';
import { replyPrivately } from './respond.js';
import { within } from '../within.js';

export const Notices = {
  unknownCommand: (name: string) => notice(`I don't know the command /${name}: it may have been removed. /help lists what I can do.`),
  unknownButton: notice("That button doesn't do anything any more: it may come from an older version of the bot. Run the command again."),
  unknownForm: notice("That form doesn't do anything any more: it may come from an older version of the bot. Run the command again."),
  unsupported: notice("I can't handle that kind of interaction. /help lists what I can do."),
  cooldown: (ms: number) => notice(`⏳ Slow down: you can use Footnote again in ${Math.max(1, Math.ceil(ms / 1000))} s.`),
  busy: notice('⏳ Slow down: Footnote is busy with other questions right now. Please try again in a few seconds.'),
  closing: notice('Footnote is restarting. Please try again in a minute.'),
  cut: notice('Footnote restarted before this finished. Please try again in a minute.'),
} as const satisfies Record<string, DiscordMessage | ((...args: never[]) => DiscordMessage)>;

export interface DispatcherDeps {
  commands: ReadonlyMap<string, CommandModule>;
  ctx: CommandContext;
  gate: RequestGate;
  logger: Logger;
  newErrorId?: () => string;
}

interface InFlight {
  interaction: Interaction;
  done: Promise<void>;
}

const describe = (interaction: Interaction) =>
  interaction.isChatInputCommand() || interaction.isAutocomplete() || interaction.isMessageContextMenuCommand()
    ? { kind: interaction.isAutocomplete() ? 'autocomplete' : interaction.isMessageContextMenuCommand() ? 'message command' : 'command', command: interaction.commandName }
    : interaction.isButton() || interaction.isModalSubmit()
      ? { kind: interaction.isButton() ? 'button' : 'modal', command: interaction.customId.split(':')[0] ?? '' }
      : { kind: `type ${interaction.type}`, command: '' };

/**
 * The one entry point for interactions and the one place errors become replies. `handle` never
 * throws: a failing handler gets a friendly ephemeral message with an error id that is also logged.
 */
export class Dispatcher {
  private closing = false;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly newErrorId: () => string;

  constructor(private readonly deps: DispatcherDeps) {
    this.newErrorId = deps.newErrorId ?? (() => randomBytes(3).toString('hex'));
  }

  get pending(): number {
    return this.inFlight.size;
  }

  handle(interaction: Interaction): Promise<void> {
    const done = this.route(interaction).finally(() => this.inFlight.delete(interaction.id));
    this.inFlight.set(interaction.id, { interaction, done });
    return done;
  }

  private async route(interaction: Interaction): Promise<void> {
    const started = performance.now();
    const { kind, command } = describe(interaction);
    const user = this.deps.ctx.hashUser(interaction.user.id);
    let outcome = 'ok';
    try {
      if (this.closing) {
        outcome = 'closing';
        if (interaction.isAutocomplete()) await interaction.respond([]);
        else if (interaction.isRepliable()) await replyPrivately(interaction, Notices.closing);
      } else if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) {
        outcome = await this.runCommand(interaction);
      } else if (interaction.isAutocomplete()) {
        outcome = await this.runAutocomplete(interaction);
      } else if (interaction.isButton() || interaction.isModalSubmit()) {
        outcome = await this.runCustomId(interaction);
      } else if (interaction.isRepliable()) {
        outcome = 'unsupported';
        await replyPrivately(interaction, Notices.unsupported);
      }
    } catch (error) {
      outcome = await this.fail(interaction, error, { kind, command, user });
    }
    this.deps.logger.info({ interaction: interaction.id, kind, command, user, outcome, ms: Math.round(performance.now() - started) }, 'interaction');
  }

  private async runCommand(interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction): Promise<string> {
    const command = this.deps.commands.get(interaction.commandName);
    if (!command) {
      await replyPrivately(interaction, Notices.unknownCommand(interaction.commandName));
      return 'unknown';
    }
    const subcommand = interaction.isChatInputCommand() ? interaction.options.getSubcommand(false) : null;
    if (!(await this.admits(interaction, command, subcommand ? `${command.data.name}-${subcommand}` : command.data.name))) return 'refused';
    if (command.limited === false) {
      await command.execute(interaction, this.deps.ctx);
      return 'ok';
    }
    // A command behind preconditions (a moderator's) has a slot of its own beside the questions'.
    const admission = this.deps.gate.tryEnter(interaction.user.id, { reserved: Boolean(command.preconditions?.length) });
    if (!admission.admitted) {
      await replyPrivately(interaction, admission.reason === 'cooldown' ? Notices.cooldown(admission.retryAfterMs) : Notices.busy);
      return admission.reason;
    }
    try {
      await command.execute(interaction, this.deps.ctx);
      return 'ok';
    } finally {
      admission.release();
    }
  }

  private async runAutocomplete(interaction: AutocompleteInteraction): Promise<string> {
    const command = this.deps.commands.get(interaction.commandName);
    if (!command?.autocomplete) {
      await interaction.respond([]);
      return 'unknown';
    }
    await command.autocomplete(interaction, this.deps.ctx);
    return 'ok';
  }

  /**
   * A button or a submitted form: its custom id `<command>:<args>` names the command whose `button`
   * or `modal` handler takes it; one no handler knows gets a polite "does nothing any more".
   */
  private async runCustomId(interaction: ButtonInteraction | ModalSubmitInteraction): Promise<string> {
    const [name = '', ...args] = interaction.customId.split(':');
    const command = this.deps.commands.get(name);
    const handler = interaction.isButton() ? command?.button : command?.modal;
    if (command && handler && !(await this.admits(interaction, command, args[0] ? `${name}-${args[0]}` : name))) return 'refused';
    // A question sent from a form (Follow up) is work like /ask: the same cooldown and bound on
    // questions in flight. Not a moderator's form (it finishes the command that opened it), nor buttons (cheap).
    const admission = command?.modal && interaction.isModalSubmit() && command.limited !== false && !command.preconditions?.length ? this.deps.gate.tryEnter(interaction.user.id) : undefined;
    if (admission && !admission.admitted) {
      await replyPrivately(interaction, admission.reason === 'cooldown' ? Notices.cooldown(admission.retryAfterMs) : Notices.busy);
      return admission.reason;
    }
    let handled: boolean | undefined;
    try {
      handled = interaction.isButton()
        ? command?.button && (await command.button(interaction, this.deps.ctx, args))
        : command?.modal && (await command.modal(interaction as ModalSubmitInteraction, this.deps.ctx, args));
    } finally {
      if (admission?.admitted) admission.release();
    }
    if (handled) return 'ok';
    if (!interaction.replied && !interaction.deferred) await replyPrivately(interaction, interaction.isButton() ? Notices.unknownButton : Notices.unknownForm);
    return 'unknown';
  }

  /**
   * Runs the command's preconditions; the first that refuses is told to the user privately and
   * audited as `action` (the command, and its subcommand or button), with the precondition's name.
   */
  private async admits(interaction: RepliableInteraction, command: CommandModule, action: string): Promise<boolean> {
    const { ctx } = this.deps;
    for (const precondition of command.preconditions ?? []) {
      if (await precondition.allows(interaction, ctx)) continue;
      await ctx.audit.append({ at: new Date().toISOString(), action, user: ctx.hashUser(interaction.user.id), guild: interaction.guildId, result: 'refused', precondition: precondition.name });
      await replyPrivately(interaction, precondition.refusal);
      return false;
    }
    return true;
  }

  /** The error boundary: log with an id, tell the user in words they can act on. Never throws. */
  private async fail(interaction: Interaction, error: unknown, where: { kind: string; command: string; user: string }): Promise<string> {
    const failure = toFootnoteError(error);
    const errorId = this.newErrorId();
    const internal = failure.code === 'INTERNAL';
    this.deps.logger[internal ? 'error' : 'warn'](
      { errorId, code: failure.code, ...where, interaction: interaction.id, err: internal ? (failure.cause ?? failure) : undefined, detail: failure.message },
      `interaction failed: ${failure.code}`,
    );
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
      } else if (interaction.isRepliable()) {
        await replyPrivately(interaction, renderError(failure.userMessage, errorId));
      }
    } catch (replyError) {
      this.deps.logger.warn({ errorId, err: replyError }, 'could not tell the user about the error');
    }
    return `error ${failure.code} ${errorId}`;
  }

  /**
   * Shutdown: refuse new work, give in-flight interactions `graceMs` to finish, then tell the ones
   * still waiting that they were cut (bounded by `cutMs`).
   */
  async drain({ graceMs, cutMs }: { graceMs: number; cutMs: number }): Promise<{ finished: number; cut: number }> {
    this.closing = true;
    const waiting = [...this.inFlight.values()];
    await within(Promise.allSettled(waiting.map((entry) => entry.done)), graceMs, undefined);
    const left = [...this.inFlight.values()];
    await within(Promise.allSettled(left.map((entry) => this.cut(entry.interaction))), cutMs, undefined);
    return { finished: waiting.length - left.length, cut: left.length };
  }

  private async cut(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable() || interaction.replied) return;
    const target = interaction as RepliableInteraction;
    if (target.deferred) await target.editReply(Notices.cut);
    else await replyPrivately(target, Notices.cut);
  }
}
