/** Discord's rules for what a bot sends (limits, empty messages, choices, modals, commands), as the fake enforces them, and who a message would ping. */

import type { Json, StoredMessage } from './model.js';

export function applyEdit(message: StoredMessage, data: Json): void {
  if (data.content !== undefined && data.content !== null) message.content = data.content;
  if (data.embeds !== undefined && data.embeds !== null) message.embeds = data.embeds;
  if (data.components !== undefined && data.components !== null) message.components = data.components;
  if (data.allowed_mentions !== undefined) message.allowed_mentions = data.allowed_mentions;
}

/** Discord's mention rules: without allowed_mentions everything in `content` pings; embeds never do. */
export function pingsOf(content: string, allowed?: Json): string[] {
  const parse: string[] = allowed ? (allowed.parse ?? []) : ['everyone', 'users', 'roles'];
  const users: string[] = allowed?.users ?? [];
  const roles: string[] = allowed?.roles ?? [];
  const pings: string[] = [];
  if (/@(everyone|here)/.test(content) && parse.includes('everyone')) pings.push('everyone');
  for (const [, id] of content.matchAll(/<@!?(\d+)>/g)) if (parse.includes('users') || users.includes(id!)) pings.push(`user:${id}`);
  for (const [, id] of content.matchAll(/<@&(\d+)>/g)) if (parse.includes('roles') || roles.includes(id!)) pings.push(`role:${id}`);
  return pings;
}

const len = (value: unknown) => (typeof value === 'string' ? value.length : 0);

/** Discord's message limits; each problem is a path and what is wrong. */
export function validateMessage(data: Json, { create }: { create: boolean }): string[] {
  const problems: string[] = [];
  if (data.content !== undefined && data.content !== null && len(data.content) > 2000) problems.push(`content: ${len(data.content)} > 2000`);
  const embeds: Json[] = data.embeds ?? [];
  if (embeds.length > 10) problems.push(`embeds: ${embeds.length} > 10`);
  let total = 0;
  embeds.forEach((e, i) => {
    const check = (what: string, value: unknown, max: number) => {
      if (len(value) > max) problems.push(`embeds.${i}.${what}: ${len(value)} > ${max}`);
      total += len(value);
    };
    check('title', e.title, 256);
    check('description', e.description, 4096);
    check('footer.text', e.footer?.text, 2048);
    check('author.name', e.author?.name, 256);
    const fields: Json[] = e.fields ?? [];
    if (fields.length > 25) problems.push(`embeds.${i}.fields: ${fields.length} > 25`);
    fields.forEach((f, j) => {
      if (!len(f.name) || !String(f.name).trim()) problems.push(`embeds.${i}.fields.${j}.name: empty`);
      if (!len(f.value) || !String(f.value).trim()) problems.push(`embeds.${i}.fields.${j}.value: empty`);
      check(`fields.${j}.name`, f.name, 256);
      check(`fields.${j}.value`, f.value, 1024);
    });
    if (e.description !== undefined && !len(e.description)) problems.push(`embeds.${i}.description: empty`);
    // Discord: "Scheme must be one of ('http', 'https')", and at most 2,048 characters.
    if (e.url !== undefined && !/^https?:\/\/\S+$/.test(String(e.url))) problems.push(`embeds.${i}.url: not an http(s) URL`);
    if (len(e.url) > 2048) problems.push(`embeds.${i}.url: ${len(e.url)} > 2048`);
  });
  if (total > 6000) problems.push(`embeds: ${total} characters > 6000 in total`);
  const rows: Json[] = data.components ?? [];
  if (rows.length > 5) problems.push(`components: ${rows.length} rows > 5`);
  const ids = new Set<string>();
  rows.forEach((row, i) => {
    const items: Json[] = row.components ?? [];
    if (row.type !== 1 || items.length < 1 || items.length > 5) problems.push(`components.${i}: a row needs 1 to 5 components`);
    items.forEach((b, j) => {
      if (b.type !== 2) return;
      if (b.style === 5 ? !b.url : !b.custom_id || len(b.custom_id) > 100) problems.push(`components.${i}.${j}.custom_id: missing or > 100`);
      if (b.custom_id && ids.has(b.custom_id)) problems.push(`components.${i}.${j}.custom_id: duplicate`);
      if (b.custom_id) ids.add(b.custom_id);
      if (len(b.label) > 80) problems.push(`components.${i}.${j}.label: > 80`);
      if (!b.label && !b.emoji) problems.push(`components.${i}.${j}: a button needs a label or an emoji`);
    });
  });
  if (create && !String(data.content ?? '').trim() && !embeds.length) problems.push('empty message');
  return problems;
}

export function validateChoices(choices: Json): string[] {
  if (!Array.isArray(choices)) return ['choices: must be an array'];
  const problems: string[] = [];
  if (choices.length > 25) problems.push(`choices: ${choices.length} > 25`);
  choices.forEach((c, i) => {
    if (!len(c.name) || len(c.name) > 100) problems.push(`choices.${i}.name: 1 to 100 characters`);
    if (typeof c.value === 'string' && len(c.value) > 100) problems.push(`choices.${i}.value: > 100`);
  });
  return problems;
}

/** A modal: a custom id, a title of at most 45 characters, 1 to 5 rows each holding one text input within Discord's limits. */
export function validateModal(data: Json): string[] {
  const problems: string[] = [];
  if (!len(data.custom_id) || len(data.custom_id) > 100) problems.push('custom_id: 1 to 100 characters');
  if (!len(data.title) || len(data.title) > 45) problems.push('title: 1 to 45 characters');
  const rows: Json[] = data.components ?? [];
  if (!rows.length || rows.length > 5) problems.push('components: 1 to 5 rows');
  rows.forEach((row, i) => {
    const inputs: Json[] = row.components ?? [];
    if (row.type !== 1 || inputs.length !== 1 || inputs[0].type !== 4) problems.push(`components.${i}: one text input per row`);
    for (const input of inputs) {
      if (!len(input.label) || len(input.label) > 45) problems.push(`components.${i}.label: 1 to 45 characters`);
      if (input.max_length !== undefined && (input.max_length < 1 || input.max_length > 4000)) problems.push(`components.${i}.max_length: 1 to 4000`);
      if (input.value !== undefined && len(input.value) > (input.max_length ?? 4000)) problems.push(`components.${i}.value: longer than max_length`);
    }
  });
  return problems;
}

export function validateCommands(commands: Json[]): string[] {
  const problems: string[] = [];
  if (commands.length > 100) problems.push('more than 100 commands');
  commands.forEach((c, i) => {
    // A message command (type 3): any case and spaces in its name, and neither description nor options.
    if (c.type === 3) {
      if (!/^[\p{L}\p{N} '_-]{1,32}$/u.test(c.name ?? '')) problems.push(`${i}.name: invalid`);
      if (len(c.description) || c.options) problems.push(`${i}: a message command takes no description or options`);
      return;
    }
    if (!/^[-_\p{Ll}\p{N}]{1,32}$/u.test(c.name ?? '')) problems.push(`${i}.name: invalid`);
    if (!len(c.description) || len(c.description) > 100) problems.push(`${i}.description: 1 to 100 characters`);
    (c.options ?? []).forEach((o: Json, j: number) => {
      if (!/^[-_\p{Ll}\p{N}]{1,32}$/u.test(o.name ?? '')) problems.push(`${i}.options.${j}.name: invalid`);
      if (!len(o.description) || len(o.description) > 100) problems.push(`${i}.options.${j}.description: 1 to 100 characters`);
    });
  });
  return problems;
}
