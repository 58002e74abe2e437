import { readdir } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import slugify from '@sindresorhus/slugify';
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { z } from 'zod';
import { ErrorCode, FootnoteError } from '../errors.js';
import type { CommandData, CommandModule } from './command.js';

/** The commands/ folder at the root of the repository. */
export const defaultCommandsDir = fileURLToPath(new URL('../../commands/', import.meta.url));

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');
const name = z.string().regex(/^[-_\p{Ll}\p{N}]{1,32}$/u, 'must be 1 to 32 lowercase letters, digits, - or _');
const description = z.string().min(1).max(100);

const OptionSchema = z
  .object({
    type: z.enum(ApplicationCommandOptionType),
    name,
    description,
    required: z.boolean().optional(),
    max_length: z.number().int().min(1).max(6000).optional(),
    autocomplete: z.boolean().optional(),
    choices: z.array(z.object({ name: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) }).loose()).max(25).optional(),
  })
  .loose()
  .refine((option) => !(option.autocomplete && option.choices), 'cannot have both autocomplete and choices');

/** Who may use a command and where: the same for every kind. */
const whoMayUse = {
  default_member_permissions: z.string().regex(/^\d+$/).nullable().optional(),
  contexts: z.array(z.number().int()).optional(),
};

const SlashSchema = z
  .object({
    type: z.literal(ApplicationCommandType.ChatInput),
    name,
    description,
    options: z
      .array(OptionSchema)
      .max(25)
      .refine((options) => {
        const firstOptional = options.findIndex((o) => !o.required);
        return firstOptional < 0 || options.slice(firstOptional).every((o) => !o.required);
      }, 'required options must come before optional ones')
      .optional(),
    ...whoMayUse,
  })
  .loose();

/** A message command: its name is what the message menu shows; Discord takes no description or options for it. */
const MessageCommandSchema = z
  .object({
    type: z.literal(ApplicationCommandType.Message),
    name: z.string().regex(/^[\p{L}\p{N} '_-]{1,32}$/u, 'must be 1 to 32 letters, digits, spaces, \' - or _'),
    description: z.literal('').optional(),
    options: z.never().optional(),
    ...whoMayUse,
  })
  .loose();

// A command is a slash command unless it says otherwise.
const DataSchema = z.preprocess(
  (value) => (value && typeof value === 'object' && !('type' in value) ? { type: ApplicationCommandType.ChatInput, ...value } : value),
  z.discriminatedUnion('type', [SlashSchema, MessageCommandSchema]),
);

/** A command file's exports. `data` may be plain JSON or a builder (anything with toJSON()). */
const ModuleSchema = z.object({
  data: z.preprocess(
    (value) => (value && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value),
    DataSchema,
  ),
  execute: fn,
  autocomplete: fn.optional(),
  button: fn.optional(),
  modal: fn.optional(),
  limited: z.boolean().optional(),
  preconditions: z.array(z.object({ name: z.string().min(1), allows: fn, refusal: z.object({}).loose() }).loose()).optional(),
});

/** Checks one imported module; the error names the file and every problem. */
export function validateCommandModule(file: string, exports: unknown): CommandModule {
  const result = ModuleSchema.safeParse(exports);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(module)'}: ${issue.message}`).join('\n');
    throw new FootnoteError(ErrorCode.Internal, `Command file ${file} is malformed:\n${problems}`);
  }
  // A message command's file is its name in lower case with hyphens (check-against-the-articles.ts).
  const { name: defined, type } = result.data.data;
  const wanted = type === ApplicationCommandType.Message ? slugify(defined) : defined;
  if (wanted !== basename(file, extname(file))) {
    throw new FootnoteError(ErrorCode.Internal, `Command file ${file} defines ${type === ApplicationCommandType.Message ? `“${defined}”` : `/${defined}`}; name the file ${wanted}${extname(file)}.`);
  }
  const mod = exports as CommandModule;
  return { ...mod, data: result.data.data as CommandData };
}

const isCommandFile = (file: string) => /\.(ts|mts|js|mjs)$/.test(file) && !/\.d\.[mc]?ts$/.test(file) && !/\.test\./.test(file);

/** Imports every command file in `dir` and validates it, so a malformed command fails loudly at start-up. */
export async function loadCommands(dir: string = defaultCommandsDir): Promise<Map<string, CommandModule>> {
  const files = (await readdir(dir)).filter(isCommandFile).sort();
  const commands = new Map<string, CommandModule>();
  for (const file of files) {
    const path = `${dir.replace(/\/$/, '')}/${file}`;
    const command = validateCommandModule(file, await import(pathToFileURL(path).href));
    if (commands.has(command.data.name)) throw new FootnoteError(ErrorCode.Internal, `Two command files define /${command.data.name}.`);
    commands.set(command.data.name, command);
  }
  if (!commands.size) throw new FootnoteError(ErrorCode.Internal, `No command files found in ${dir}.`);
  return commands;
}
