// backfillChats: historical chats in one request, each stored as recordChat stores it. Idempotent: a chat's id and
// its event's id (or, without one, a hash of the event) make a re-run of the same chats store nothing new.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { SyncJob } from '../../sync/queue.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from '../errors.ts';
import { ingestWithinLimits, RecordChatInput, toEvent } from './record-chat.ts';
import { checkEventInput } from './record-chat-checks.ts';

/** A request holds at most this many chats; the CLI sends 500 at a time. */
export const MAX_BACKFILL_CHATS = 1000;
/** Chats stored at once; a chat's events stay in input order. Concurrent events are stored many per statement
 *  (sync/store-events.ts), so more at once means fewer, larger statements. */
const INGEST_CONCURRENCY = 64;

const BackfillChatsInput = builder.inputType('BackfillChatsInput', {
  fields: (t) => ({
    chats: t.field({
      type: [RecordChatInput],
      required: true,
      description: `Up to ${MAX_BACKFILL_CHATS} chat events, oldest first; waitSeconds is ignored.`,
    }),
  }),
});

interface Rejection {
  index: number;
  field: string;
  message: string;
}

const BackfillRejection = builder.simpleObject('BackfillRejection', {
  description: 'A chat that was not stored, and why.',
  fields: (t) => ({
    index: t.int({ description: 'Its position in `chats`, from 0.' }),
    field: t.string({ description: 'The input field to correct, e.g. attachments[0].base64.' }),
    message: t.string(),
  }),
});

const BackfillChatsPayload = builder.simpleObject('BackfillChatsPayload', {
  fields: (t) => ({
    accepted: t.int({ description: 'Chat events stored and queued for Salesforce.' }),
    duplicates: t.int({ description: 'Chat events the service had already: nothing new was stored.' }),
    rejected: t.field({ type: [BackfillRejection] }),
    syncRecordIds: t.idList({
      description:
        'The sync record of every chat accepted or duplicate, in input order: poll them (`nodes`) for the outcome.',
    }),
  }),
});

builder.mutationField('backfillChats', (t) =>
  t.withAuth({ integration: true }).field({
    type: BackfillChatsPayload,
    description:
      'Records historical chats in one go, as recordChat would one by one. Sending the same chats again stores ' +
      'nothing new, so an interrupted backfill is resumed by sending everything again.',
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: BackfillChatsInput, required: true }) },
    resolve: async (_root, { input }, { viewer, services }) => {
      const tenantId = viewer.tenantId;
      if (input.chats.length > MAX_BACKFILL_CHATS) {
        throw new InvalidInputError(
          `At most ${MAX_BACKFILL_CHATS} chats per request; this one has ${input.chats.length}.`,
          'chats',
        );
      }
      const rejected: Rejection[] = [];
      const outcomes: Array<{ recordId: string; duplicate: boolean } | undefined> = [];
      // Woken together once all are stored, so the workers plan the request as one batch.
      const jobs: SyncJob[] = [];
      // Events of one chat in input order; different chats side by side.
      const byChat = new Map<string, number[]>();
      input.chats.forEach((chat, index) => {
        byChat.set(chat.chatId, [...(byChat.get(chat.chatId) ?? []), index]);
      });
      const queue = [...byChat.values()];
      const worker = async () => {
        for (let indexes = queue.shift(); indexes; indexes = queue.shift()) {
          for (const index of indexes) {
            const chat = input.chats[index]!;
            const event = toEvent(tenantId, chat.chatId, chat.event, chat);
            try {
              checkEventInput(event);
              const { record, duplicate, job } = await ingestWithinLimits(services, {
                tenantId,
                sourceKind: 'CHAT',
                event,
                eventId: chat.eventId,
                wake: false,
              });
              outcomes[index] = { recordId: record.id, duplicate };
              if (job) jobs.push(job);
            } catch (error) {
              if (!(error instanceof InvalidInputError)) throw error;
              rejected.push({ index, field: error.field, message: error.message });
            }
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: INGEST_CONCURRENCY }, worker));
      } finally {
        // What was stored is woken even if a later chat failed; the sweeper covers a crash in between.
        await services.sync.wake(jobs);
      }
      const stored = outcomes.filter((o) => o !== undefined);
      return {
        accepted: stored.filter((o) => !o.duplicate).length,
        duplicates: stored.filter((o) => o.duplicate).length,
        rejected: rejected.sort((a, b) => a.index - b.index),
        syncRecordIds: stored.map((o) => encodeGlobalID('SyncRecord', o.recordId)),
      };
    },
  }),
);
