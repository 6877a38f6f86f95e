// Manual mode: an agent creates a Lead, Contact, Task or Case from a recorded chat or conversation, with the same
// mapping, owner rule and exactly-once guarantee as automatic mode. Each action is stored as an event of the chat
// (`action.createLead`, deduplicated), so a repeat answers with the record the first one made.
import type { SourceKind } from '../../generated/prisma/enums.ts';
import type { ManualAction } from '../../mapping/plan.ts';
import { ACTION_ROLE } from '../../sync/ledger.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { MAX_WAIT_SECONDS } from './record-chat-checks.ts';

const ChatActionInput = builder.inputType('ChatActionInput', {
  fields: (t) => ({
    chatId: t.string({ required: true, description: 'A chat recorded with recordChat.' }),
    waitSeconds: t.int({
      description: `Wait up to this many seconds (max ${MAX_WAIT_SECONDS}) for the record to be written.`,
    }),
  }),
});

const ConversationActionInput = builder.inputType('ConversationActionInput', {
  fields: (t) => ({
    conversationId: t.string({
      required: true,
      description: 'A conversation recorded with recordConversation.',
    }),
    waitSeconds: t.int({
      description: `Wait up to this many seconds (max ${MAX_WAIT_SECONDS}) for the record to be written.`,
    }),
  }),
});

const ACTIONS: Array<{ action: ManualAction; object: string; does: string }> = [
  { action: 'createLead', object: 'Lead', does: 'Creates a Lead from the visitor' },
  {
    action: 'createContact',
    object: 'Contact',
    does: 'Creates a Contact from the visitor (under the matched Account)',
  },
  {
    action: 'createTask',
    object: 'Task',
    does: 'Records the chat as a Task, under the Lead or Contact the visitor is',
  },
  {
    action: 'createCase',
    object: 'Case',
    does: 'Records the chat as a Case, under the Contact (and Account) the visitor is',
  },
];

const SOURCES: Array<{
  kind: SourceKind;
  name: 'Chat' | 'Conversation';
  idField: 'chatId' | 'conversationId';
}> = [
  { kind: 'CHAT', name: 'Chat', idField: 'chatId' },
  { kind: 'CONVERSATION', name: 'Conversation', idField: 'conversationId' },
];

for (const { action, object, does } of ACTIONS) {
  for (const source of SOURCES) {
    builder.mutationField(`create${object}From${source.name}`, (t) =>
      t.withAuth({ agent: true }).prismaField({
        type: 'SyncRecord',
        description:
          `${does} of a recorded ${source.name.toLowerCase()}, by the tenant's mapping and owner rule. ` +
          `Done once: a repeat answers with the ${object} already made (the object with role "${ACTION_ROLE[action]}").`,
        errors: { types: [NotFoundError, InvalidInputError] },
        args: {
          input: t.arg({
            type: source.kind === 'CHAT' ? ChatActionInput : ConversationActionInput,
            required: true,
          }),
        },
        resolve: async (query, _root, { input }, { prisma, viewer, services }) => {
          const sourceId = (input as Record<string, unknown>)[source.idField] as string;
          const { waitSeconds } = input;
          if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS))
            throw new InvalidInputError(
              `waitSeconds must be between 0 and ${MAX_WAIT_SECONDS}.`,
              'waitSeconds',
            );
          const record = await prisma.syncRecord.findUnique({
            where: {
              tenantId_sourceKind_sourceId: { tenantId: viewer.tenantId, sourceKind: source.kind, sourceId },
            },
          });
          if (!record) throw new NotFoundError(source.name.toLowerCase(), sourceId);
          const done = await prisma.syncObject.findUnique({
            where: { syncRecordId_role: { syncRecordId: record.id, role: ACTION_ROLE[action] } },
            select: { id: true },
          });
          if (!done) {
            await services.sync.act({ record, action, actor: viewer.actor });
            await services.sync.waitForOutcome(record.id, waitSeconds ?? 0);
          }
          return prisma.syncRecord.findUniqueOrThrow({ ...query, where: { id: record.id } });
        },
      }),
    );
  }
}
