import { REST, Routes } from 'discord.js';
import type { Config } from '../config.js';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { CommandModule } from './command.js';
import { loadCommands } from './loader.js';

export interface Registration {
  scope: 'guild' | 'global';
  count: number;
}

/** The settings the bot cannot run without; the error names each missing one. */
export function requireDiscordSettings(config: Config): { token: string; applicationId: string } {
  const missing = [
    !config.DISCORD_TOKEN && '  DISCORD_TOKEN: is required for Discord (the bot token from the Developer Portal)',
    !config.DISCORD_APPLICATION_ID && '  DISCORD_APPLICATION_ID: is required for Discord (the application id from the Developer Portal)',
  ].filter(Boolean);
  if (missing.length) throw new FootnoteError(ErrorCode.ConfigInvalid, `Invalid configuration:\n${missing.join('\n')}`);
  return { token: config.DISCORD_TOKEN!, applicationId: config.DISCORD_APPLICATION_ID! };
}

/**
 * Replaces the application's commands with exactly these (bulk overwrite): per guild when a guild
 * id is given (instant, for development), else globally (may take a while to show up).
 */
export async function registerCommands(
  rest: REST,
  { applicationId, guildId, commands }: { applicationId: string; guildId?: string | undefined; commands: Iterable<CommandModule> },
): Promise<Registration> {
  const body = [...commands].map((command) => command.data);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as unknown[];
  return { scope: guildId ? 'guild' : 'global', count: Array.isArray(registered) ? registered.length : body.length };
}

/** Turns a refusal from Discord into advice. */
export function registrationError(error: unknown, config: Config): FootnoteError {
  const status = (error as { status?: number }).status;
  const hint =
    status === 401
      ? ' Discord rejected DISCORD_TOKEN.'
      : config.DISCORD_GUILD_ID && (status === 403 || status === 404)
        ? ` Is the bot in the server ${config.DISCORD_GUILD_ID}, invited with the applications.commands scope?`
        : ' Check DISCORD_APPLICATION_ID and DISCORD_GUILD_ID.';
  return new FootnoteError(ErrorCode.ConfigInvalid, `Discord refused to register the slash commands.${hint}`, { cause: error, detail: (error as Error).message });
}

/** `footnote deploy-commands`: registers the commands by hand, without starting the bot or the engine. */
export async function deployCommands(config: Config, commandsDir?: string): Promise<Registration> {
  const { token, applicationId } = requireDiscordSettings(config);
  const commands = await loadCommands(commandsDir);
  const rest = new REST({ api: config.DISCORD_API_URL, retries: 1 }).setToken(token);
  return registerCommands(rest, { applicationId, guildId: config.DISCORD_GUILD_ID, commands: commands.values() }).catch((error: unknown) => {
    throw registrationError(error, config);
  });
}
