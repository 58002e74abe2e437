import { ApplicationCommandOptionType, type ChatInputCommandInteraction } from 'discord.js';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { CommandData, OptionData } from './command.js';

type ValueOf<O extends OptionData> = O extends { readonly choices: readonly { readonly value: infer V }[] }
  ? V
  : O['type'] extends ApplicationCommandOptionType.String | ApplicationCommandOptionType.Attachment
    ? string
    : O['type'] extends ApplicationCommandOptionType.Boolean
      ? boolean
      : O['type'] extends ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number
        ? number
        : never;

/** The options a definition declares, typed: required ones present, the others possibly undefined. */
export type OptionsOf<D extends CommandData> = D extends { readonly options: readonly OptionData[] }
  ? { [O in D['options'][number] as O['name']]: O extends { readonly required: true } ? ValueOf<O> : ValueOf<O> | undefined }
  : Record<string, never>;

/** The JavaScript type of each option type the commands declare. */
const VALUE_TYPE: Partial<Record<ApplicationCommandOptionType, string>> = {
  [ApplicationCommandOptionType.String]: 'string',
  // An attachment option's value is the attachment's id; the file itself is in the interaction's resolved data.
  [ApplicationCommandOptionType.Attachment]: 'string',
  [ApplicationCommandOptionType.Boolean]: 'boolean',
  [ApplicationCommandOptionType.Integer]: 'number',
  [ApplicationCommandOptionType.Number]: 'number',
};

/**
 * Reads an interaction's options as the definition declares them; a value outside `choices` reads
 * as absent. Discord's own client never sends a required option missing or of another type, but
 * anything can arrive: such an interaction is refused in words, not with an internal error.
 */
export function readOptions<const D extends CommandData>(interaction: ChatInputCommandInteraction, data: D): OptionsOf<D> {
  const values: Record<string, unknown> = {};
  for (const option of data.options ?? []) {
    const raw = interaction.options.get(option.name)?.value;
    const present = raw !== undefined && raw !== null;
    if ((!present && option.required) || (present && typeof raw !== VALUE_TYPE[option.type])) {
      throw new FootnoteError(
        ErrorCode.BadInteraction,
        `That /${data.name} arrived ${present ? `with \`${option.name}\` of the wrong kind` : `without its \`${option.name}\``}. Please run the command again from the / menu.`,
      );
    }
    const allowed = !option.choices || option.choices.some((choice) => choice.value === raw);
    values[option.name] = !present || !allowed ? undefined : raw;
  }
  return values as OptionsOf<D>;
}
