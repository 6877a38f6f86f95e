// recordChat and recordConversation: the events CloudCX sends as chats and conversations happen.
// Each answers at once with the sync record; `waitSeconds` lets a script wait (bounded) for the outcome.

import type { Prisma } from '../../generated/prisma/client.ts';
import type { CxEvent, CxEventKind } from '../../mapping/event.ts';
import type { IngestResult } from '../../sync/ingest.ts';
import { StorageLimitError } from '../../sync/limits.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { InvalidInputError } from '../errors.ts';
import { checkEventInput, withoutNul } from './record-chat-checks.ts';

const ChatEventKind = builder.enumType('ChatEventKind', {
  values: {
    STARTED: { value: 'chat.started', description: 'A visitor started a chat.' },
    OFFLINE_MESSAGE: {
      value: 'chat.offline_message',
      description: 'A visitor left a message while no agent was online.',
    },
    ENDED: { value: 'chat.ended', description: 'The chat ended; carries its transcript, notes and wrap-up.' },
  } as const,
});

const ConversationEventKind = builder.enumType('ConversationEventKind', {
  values: {
    STARTED: { value: 'conversation.started', description: 'An inbox conversation started.' },
    ENDED: {
      value: 'conversation.ended',
      description: 'The conversation ended; carries its content and notes.',
    },
  } as const,
});

const MessageAuthor = builder.enumType('MessageAuthor', { values: ['VISITOR', 'AGENT', 'SYSTEM'] as const });

export const VisitorInput = builder.inputType('VisitorInput', {
  fields: (t) => ({
    name: t.string({ description: 'Full name as the visitor gave it.' }),
    firstName: t.string(),
    lastName: t.string(),
    email: t.string(),
    phone: t.string({ description: 'Phone (web chat) or cell phone (inbox).' }),
    company: t.string(),
  }),
});

const AgentInput = builder.inputType('AgentInput', {
  fields: (t) => ({
    id: t.string({ required: true }),
    name: t.string(),
    email: t.string({ description: 'The Salesforce User with this email becomes the owner.' }),
  }),
});

const MessageInput = builder.inputType('MessageInput', {
  fields: (t) => ({
    at: t.field({ type: 'DateTime', required: true }),
    from: t.field({ type: MessageAuthor, required: true }),
    name: t.string(),
    text: t.string({ required: true }),
  }),
});

const KeyValueInput = builder.inputType('KeyValueInput', {
  fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }),
});

const AttachmentInput = builder.inputType('AttachmentInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    contentType: t.string(),
    base64: t.string({ required: true, description: 'The file, base64-encoded.' }),
  }),
});

export const RecordChatInput = builder.inputType('RecordChatInput', {
  fields: (t) => ({
    chatId: t.string({
      required: true,
      description: "Stable across the chat's events: retries and replays update the same records.",
    }),
    event: t.field({ type: ChatEventKind, required: true }),
    eventId: t.string({
      description:
        'Unique per delivery attempt of this event; repeated deliveries are ignored. Default: a hash of the event.',
    }),
    channel: t.string({ description: 'Chat channel, e.g. Website.' }),
    visitor: t.field({ type: VisitorInput, required: true }),
    agent: t.field({ type: AgentInput }),
    startedAt: t.field({ type: 'DateTime' }),
    endedAt: t.field({ type: 'DateTime' }),
    messages: t.field({ type: [MessageInput], description: 'The chat content.' }),
    notes: t.string(),
    wrapUp: t.string({ description: "The agent's wrap-up." }),
    customFields: t.field({ type: [KeyValueInput] }),
    customVariables: t.field({ type: [KeyValueInput] }),
    attachments: t.field({ type: [AttachmentInput] }),
    waitSeconds: t.int({
      description: 'Wait up to this many seconds (max 30) for the sync to finish before answering.',
    }),
  }),
});

export const RecordConversationInput = builder.inputType('RecordConversationInput', {
  fields: (t) => ({
    conversationId: t.string({ required: true }),
    event: t.field({ type: ConversationEventKind, required: true }),
    eventId: t.string(),
    channel: t.string(),
    visitor: t.field({ type: VisitorInput, required: true }),
    agent: t.field({ type: AgentInput }),
    subject: t.string(),
    startedAt: t.field({ type: 'DateTime' }),
    endedAt: t.field({ type: 'DateTime' }),
    messages: t.field({ type: [MessageInput], description: 'The conversation content.' }),
    notes: t.string(),
    attachments: t.field({ type: [AttachmentInput] }),
    waitSeconds: t.int(),
  }),
});

/** What recordChat, recordConversation and backfillChats inputs share: the event without its id and kind. */
export type EventInput = {
  eventId?: string | null;
  channel?: string | null;
  visitor: {
    name?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    email?: string | null;
    phone?: string | null;
    company?: string | null;
  };
  agent?: { id: string; name?: string | null; email?: string | null } | null;
  startedAt?: Date | null;
  endedAt?: Date | null;
  messages?: Array<{
    at: Date;
    from: 'VISITOR' | 'AGENT' | 'SYSTEM';
    name?: string | null;
    text: string;
  }> | null;
  notes?: string | null;
  attachments?: Array<{ name: string; contentType?: string | null; base64: string }> | null;
  /** Conversations only. */
  subject?: string | null;
  /** Chats only. */
  wrapUp?: string | null;
  customFields?: KeyValue[] | null;
  customVariables?: KeyValue[] | null;
};

type KeyValue = { key: string; value: string };

export function toEvent(tenantId: string, id: string, kind: CxEventKind, input: EventInput): CxEvent {
  const clean = <T extends object>(value: T) =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as {
      [K in keyof T]: NonNullable<T[K]>;
    };
  const pairs = (list?: KeyValue[] | null) =>
    list ? Object.fromEntries(list.map(({ key, value }) => [key, value])) : undefined;
  return withoutNul(
    clean({
      kind,
      id,
      tenantId,
      channel: input.channel,
      visitor: clean(input.visitor),
      agent: input.agent ? clean(input.agent) : undefined,
      subject: input.subject,
      startedAt: input.startedAt?.toISOString(),
      endedAt: input.endedAt?.toISOString(),
      messages: input.messages?.map((m) =>
        clean({
          at: m.at.toISOString(),
          from: m.from.toLowerCase() as 'visitor',
          name: m.name,
          text: m.text,
        }),
      ),
      notes: input.notes,
      wrapUp: input.wrapUp,
      customFields: pairs(input.customFields),
      customVariables: pairs(input.customVariables),
      attachments: input.attachments?.map((a) => clean(a)),
    }),
  ) as CxEvent;
}

builder.mutationField('recordChat', (t) =>
  t.withAuth({ integration: true }).prismaField({
    type: 'SyncRecord',
    description:
      "Records a web chat event. Answers at once with the chat's sync record (or after waitSeconds at most).",
    // Recording is INTEGRATION's (and ADMIN's), as README's role table says; agents act on recorded chats.
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: RecordChatInput, required: true }) },
    resolve: async (query, _root, { input }, { prisma, viewer, services }) => {
      const event = toEvent(viewer.tenantId, input.chatId, input.event, input);
      checkEventInput(event, input.waitSeconds);
      const ingested = await ingestWithinLimits(services, {
        tenantId: viewer.tenantId,
        sourceKind: 'CHAT',
        event,
        eventId: input.eventId,
      });
      return answer(ingested, input.waitSeconds, query, { prisma, services });
    },
  }),
);

builder.mutationField('recordConversation', (t) =>
  t.withAuth({ integration: true }).prismaField({
    type: 'SyncRecord',
    description:
      'Records an inbox conversation event. Answers at once with its sync record (or after waitSeconds at most).',
    // Recording is INTEGRATION's (and ADMIN's), as README's role table says; agents act on recorded chats.
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: RecordConversationInput, required: true }) },
    resolve: async (query, _root, { input }, { prisma, viewer, services }) => {
      const event = toEvent(viewer.tenantId, input.conversationId, input.event, input);
      checkEventInput(event, input.waitSeconds);
      const ingested = await ingestWithinLimits(services, {
        tenantId: viewer.tenantId,
        sourceKind: 'CONVERSATION',
        event,
        eventId: input.eventId,
      });
      return answer(ingested, input.waitSeconds, query, { prisma, services });
    },
  }),
);

export { InvalidInputError };

/** The sync record as stored, or as the sync left it after `waitSeconds`. The row the storing statement answered
 *  serves when nothing changed it since and the query asks for none of its relations (which one read loads). */
async function answer(
  ingested: IngestResult,
  waitSeconds: number | null | undefined,
  query: { include?: Prisma.SyncRecordInclude; select?: Prisma.SyncRecordSelect },
  { prisma, services }: Pick<Context, 'prisma' | 'services'>,
) {
  if (ingested.row && !waitSeconds && Object.keys(query).length === 0) return ingested.row;
  await services.sync.waitForOutcome(ingested.record.id, waitSeconds ?? 0);
  return prisma.syncRecord.findUniqueOrThrow({ ...query, where: { id: ingested.record.id } });
}

/** Stores the event; a chat or tenant at its storage limit is an input error that names the limit. */
export async function ingestWithinLimits(
  services: Context['services'],
  input: Parameters<Context['services']['sync']['ingest']>[0],
) {
  try {
    return await services.sync.ingest(input);
  } catch (error) {
    if (error instanceof StorageLimitError) throw new InvalidInputError(error.message, error.field);
    throw error;
  }
}
