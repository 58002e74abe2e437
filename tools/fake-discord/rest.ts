/** Discord's REST API as the bot uses it: the gateway URL, command registration, interaction callbacks, webhooks (follow-ups and edits), and the CDN serving attachments. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeInteraction } from './interaction.js';
import { ApiErrors, CallbackType, MessageFlags, messageJson, snowflake, threadJson, type FakeState, type Json, type Rejection, type StoredMessage } from './model.js';
import { applyEdit, pingsOf, validateChoices, validateCommands, validateMessage, validateModal } from './validators.js';

/** Answers with Discord's error JSON and records the rejection (on the interaction too, when there is one). */
type Reject = (status: number, code: number, message: string, interactionId?: string, errors?: string[]) => void;

/** One HTTP request: an attachment fetched from the CDN, or an API call; after a call, interactions it settled get their time and waiters re-check. */
export async function onRequest(fake: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const served = (req.url ?? '').match(/^\/attachments\/\d+\/(\d+)\//);
  if (req.method === 'GET' && served) return serveAttachment(fake, served[1]!, req.url!, res);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: Json;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = decodeURIComponent(url.pathname).replace(/^\/api(\/v\d+)?/, '');
  const method = req.method ?? 'GET';
  const send = (status: number, payload?: Json) => {
    if (payload === undefined) res.writeHead(status).end();
    else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };
  const reject: Reject = (status, code, message, interactionId, errors) => {
    const rejection: Rejection = { code, method, path, ...(interactionId ? { interactionId } : {}), ...(errors ? { errors } : {}) };
    fake.rejections.push(rejection);
    if (interactionId) fake.interactions.get(interactionId)?.rejected.push(rejection);
    send(status, { code, message, ...(errors ? { errors: Object.fromEntries(errors.map((e, i) => [i, { _errors: [{ code: 'BASE_TYPE_BAD', message: e }] }])) } : {}) });
  };
  const botAuth = req.headers.authorization === `Bot ${fake.token}`;
  try {
    route(fake, method, path, body, url, { send, reject, botAuth, hasAuth: Boolean(req.headers.authorization) });
  } finally {
    for (const interaction of fake.interactions.values()) if (interaction.settledAt === undefined && interaction.settled) interaction.settledAt = fake.now();
    fake.emit('change');
  }
}

function serveAttachment(fake: FakeState, id: string, path: string, res: ServerResponse): void {
  fake.attachmentFetches.push(path);
  const file = fake.attachments.get(id);
  if (!file || file.serve === 'missing') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return;
  }
  if (file.serve === 'redirect') {
    res.writeHead(302, { location: file.redirectTo ?? 'http://example.invalid/' }).end();
    return;
  }
  const bytes = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content);
  res.writeHead(200, { 'content-type': file.contentType ?? 'application/octet-stream', 'content-length': bytes.length }).end(bytes);
}

/** The route table, by method and path (the /api/vN prefix removed); anything else is recorded as an unknown route. */
function route(
  fake: FakeState,
  method: string,
  path: string,
  body: Json,
  url: URL,
  io: { send: (status: number, payload?: Json) => void; reject: Reject; botAuth: boolean; hasAuth: boolean },
): void {
  const { send, reject } = io;
  let m: RegExpMatchArray | null;

  if (method === 'GET' && (path === '/gateway/bot' || path === '/gateway')) {
    if (path === '/gateway/bot' && !io.botAuth) return reject(401, 0, '401: Unauthorized');
    return send(200, { url: fake.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
  }

  if (method === 'PUT' && (m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
    if (!io.botAuth) return reject(401, 0, '401: Unauthorized');
    if (m[1] !== fake.applicationId) return reject(403, 50001, 'Missing Access');
    if (m[2] && m[2] !== fake.guildId) return reject(403, 50001, 'Missing Access');
    const problems = Array.isArray(body) ? validateCommands(body) : ['body must be an array'];
    if (problems.length) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', undefined, problems);
    const commands = (body as Json[]).map((c) => ({ ...c, id: snowflake(), application_id: fake.applicationId, version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) }));
    fake.registrations.push({ scope: m[2] ? 'guild' : 'global', ...(m[2] ? { guildId: m[2] } : {}), commands });
    return send(200, commands);
  }

  if (method === 'POST' && (m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
    if (io.hasAuth) fake.authorizedInteractionCalls.push(path);
    const interaction = fake.interactions.get(m[1]!);
    if (!interaction || interaction.token !== m[2]) return reject(404, ApiErrors.UnknownInteraction, 'Unknown interaction');
    if (interaction.acks.length) return reject(400, ApiErrors.AlreadyAcknowledged, 'Interaction has already been acknowledged.', interaction.id);
    if (fake.now() - interaction.dispatchedAt > fake.initialResponseMs) return reject(404, ApiErrors.UnknownInteraction, 'Unknown interaction', interaction.id);
    const type = body?.type as number;
    const data = body?.data ?? {};
    if (type === CallbackType.Reply || type === CallbackType.Update) {
      const problems = validateMessage(data, { create: type === CallbackType.Reply });
      if (problems.length) return rejectMessage(reject, interaction, problems);
    }
    if (type === CallbackType.Choices) {
      const problems = validateChoices(data.choices);
      if (problems.length) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, problems);
      interaction.choices = data.choices;
    }
    if (type === CallbackType.Modal) {
      const problems = validateModal(data);
      if (problems.length) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, problems);
      if (interaction.type === 5) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, ['a modal submit cannot open a modal']);
      interaction.modal = data;
    }
    if (![CallbackType.Reply, CallbackType.Defer, CallbackType.DeferUpdate, CallbackType.Update, CallbackType.Choices, CallbackType.Modal].includes(type as never)) {
      return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, [`unsupported callback type ${type}`]);
    }
    if ((type === CallbackType.Update || type === CallbackType.DeferUpdate) && interaction.type !== 3) {
      return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', interaction.id, ['update callbacks need a component interaction']);
    }
    interaction.acks.push({ type, data, at: fake.now() });
    if (type === CallbackType.Reply) interaction.original = store(fake, interaction.id, data, data.flags ?? 0);
    if (type === CallbackType.Defer) interaction.original = store(fake, interaction.id, { content: '' }, ((data.flags ?? 0) & MessageFlags.Ephemeral) | MessageFlags.Loading);
    if (type === CallbackType.Update && interaction.source) applyEdit(interaction.source, data);
    const withResponse = url.searchParams.get('with_response') === 'true';
    return withResponse
      ? send(200, { interaction: { id: interaction.id, type: interaction.type }, resource: interaction.original ? { type, message: messageJson(fake, interaction.original) } : { type } })
      : send(204);
  }

  if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/))) {
    if (!io.botAuth) return reject(401, 0, '401: Unauthorized');
    if (m[1] !== fake.channelId) return reject(404, 10003, 'Unknown Channel');
    const from = fake.messages.find((x) => x.id === m![2] && x.channelId === fake.channelId && !(x.flags & MessageFlags.Ephemeral));
    if (!from) return reject(404, 10008, 'Unknown Message');
    if (fake.threads.has(from.id)) return reject(400, 160004, 'A thread has already been created for this message');
    const name = String(body?.name ?? '');
    if (!name || name.length > 100) return reject(400, ApiErrors.InvalidFormBody, 'Invalid Form Body', undefined, ['name: 1 to 100 characters']);
    // As on Discord, a thread started from a message has that message's id, and the message says it has one.
    fake.threads.set(from.id, { name, parentId: m[1], fromMessage: from.id });
    from.flags |= MessageFlags.HasThread;
    return send(201, threadJson(fake, from.id));
  }

  if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)$/))) {
    if (!io.botAuth) return reject(401, 0, '401: Unauthorized');
    if (!fake.threads.has(m[1]!)) return reject(404, 10003, 'Unknown Channel');
    return send(200, threadJson(fake, m[1]!));
  }

  if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages$/))) {
    if (!io.botAuth) return reject(401, 0, '401: Unauthorized');
    if (m[1] !== fake.channelId && !fake.threads.has(m[1]!)) return reject(404, 10003, 'Unknown Channel');
    const problems = validateMessage(body ?? {}, { create: true });
    if (problems.length) return reject(400, problems.includes('empty message') ? ApiErrors.EmptyMessage : ApiErrors.InvalidFormBody, 'Invalid Form Body', undefined, problems);
    const posted = store(fake, '', body, body.flags ?? 0, m[1]!);
    const replyTo = body.message_reference?.message_id as string | undefined;
    if (replyTo) posted.replyTo = replyTo;
    // A reply pings its author unless allowed_mentions.replied_user is false.
    if (replyTo && body.allowed_mentions?.replied_user !== false) posted.pings.push(`replied:${replyTo}`);
    return send(200, messageJson(fake, posted));
  }

  if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/))) {
    if (io.hasAuth) fake.authorizedInteractionCalls.push(path);
    const interaction = [...fake.interactions.values()].find((i) => i.token === m![2]);
    if (!interaction || m[1] !== fake.applicationId) return reject(404, ApiErrors.UnknownWebhook, 'Unknown Webhook');
    if (!interaction.acks.length) return reject(404, ApiErrors.UnknownWebhook, 'Unknown Webhook', interaction.id);
    const target = m[3];
    const message = target === '@original' ? (interaction.initial === CallbackType.Update || interaction.initial === CallbackType.DeferUpdate ? interaction.source : interaction.original) : fake.messages.find((x) => x.id === target);
    if (method === 'POST' && !target) {
      const problems = validateMessage(body ?? {}, { create: true });
      if (problems.length) return rejectMessage(reject, interaction, problems);
      const followup = store(fake, interaction.id, body, body.flags ?? 0);
      interaction.followups.push(followup);
      return send(200, messageJson(fake, followup));
    }
    if (!message || message.deleted) return reject(404, 10008, 'Unknown Message', interaction.id);
    if (method === 'GET') return send(200, messageJson(fake, message));
    if (method === 'DELETE') {
      message.deleted = true;
      return send(204);
    }
    if (method === 'PATCH') {
      const problems = validateMessage(body ?? {}, { create: false });
      if (problems.length) return rejectMessage(reject, interaction, problems);
      applyEdit(message, body);
      message.flags &= ~MessageFlags.Loading;
      message.pings = pingsOf(message.content, body.allowed_mentions ?? message.allowed_mentions);
      interaction.edits.push(body);
      interaction.editedAt.push(fake.now());
      return send(200, messageJson(fake, message));
    }
  }

  fake.unknownRoutes.push(`${method} ${path}`);
  return reject(404, 0, '404: Not Found');
}

/** Discord gives an empty message its own code (50006); every other problem is 50035. */
function rejectMessage(reject: Reject, interaction: FakeInteraction, problems: string[]): void {
  const empty = problems.includes('empty message');
  reject(400, empty ? ApiErrors.EmptyMessage : ApiErrors.InvalidFormBody, empty ? 'Cannot send an empty message' : 'Invalid Form Body', interaction.id, problems);
}

/** Records a message the bot sent, with who it would ping. */
function store(fake: FakeState, interactionId: string, data: Json, flags: number, channelId = fake.interactions.get(interactionId)?.channelId ?? fake.channelId): StoredMessage {
  const message: StoredMessage = {
    id: snowflake(),
    interactionId,
    channelId,
    content: data.content ?? '',
    embeds: data.embeds ?? [],
    components: data.components ?? [],
    flags,
    allowed_mentions: data.allowed_mentions,
    pings: pingsOf(data.content ?? '', data.allowed_mentions),
    deleted: false,
  };
  fake.messages.push(message);
  return message;
}
