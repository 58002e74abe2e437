import { PermissionFlagsBits, type RepliableInteraction } from 'discord.js';
import { notice, type DiscordMessage } from '../render/discord/message.js';
import type { CommandContext } from './command.js';

/**
 * A check a command declares (`export const preconditions = [moderator('…')] as const`) and the
 * dispatcher runs, Sapphire-style, before the command, its buttons and its forms: a refusal is
 * replied privately and written to the audit log in one place, never inline in a command.
 */
export interface Precondition {
  readonly name: string;
  allows(interaction: RepliableInteraction, ctx: CommandContext): boolean | Promise<boolean>;
  /** What the user is told when it does not allow them. */
  readonly refusal: DiscordMessage;
}

export const ManageGuild = PermissionFlagsBits.ManageGuild.toString();

/** A moderator has Manage Server, or one of the roles listed in MOD_ROLE_IDS. */
export function isModerator(interaction: RepliableInteraction, modRoleIds: readonly string[]): boolean {
  if (!interaction.inGuild()) return false;
  // An interaction without the member's permissions or roles (never sent by Discord) proves nothing.
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = interaction.member?.roles;
  if (!roles) return false;
  return modRoleIds.some((id) => (Array.isArray(roles) ? roles.includes(id) : roles.cache.has(id)));
}

/** Moderators only (Manage Server or MOD_ROLE_IDS); `doing` completes "Only moderators can …". */
export function moderator(doing: string): Precondition {
  return {
    name: 'moderator',
    allows: (interaction, ctx) => isModerator(interaction, ctx.config.MOD_ROLE_IDS),
    refusal: notice(`Only moderators can ${doing} (Manage Server permission or a moderator role).`),
  };
}
