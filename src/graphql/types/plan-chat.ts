// planChat: a dry run of one chat or conversation event. It runs the worker's own prepare -> read -> plan
// (sync/dry-run.ts) with the active mapping (or a draft): the event folded into what the chat already holds, the
// ledger's known records, the org's rows, lost-write recovery. So the plan is the one the sync would carry out. It
// never writes.
import type { CompiledMapping, CxEvent } from '../../mapping/index.ts';
import { loadMapping, sectionOf } from '../../mapping/index.ts';
import { renderRead } from '../../salesforce/read-path/index.ts';
import { dryRun } from '../../sync/dry-run.ts';
import { activeMapping, MappingInvalidError } from '../../sync/mapping-versions.ts';
import { builder } from '../builder.ts';
import type { TenantContext } from '../context.ts';
import { InvalidInputError } from '../errors.ts';
import { takeRateToken } from '../rate-limits.ts';
import { checkMappingSize, MAPPING_FILE } from './mapping.ts';
import { RecordChatInput, RecordConversationInput, toEvent } from './record-chat.ts';
import { checkEventInput } from './record-chat-checks.ts';

export const ManualActionEnum = builder.enumType('ManualAction', {
  description: 'An action an agent chooses in the console (manual mode).',
  values: {
    CREATE_LEAD: { value: 'createLead' },
    CREATE_CONTACT: { value: 'createContact' },
    CREATE_TASK: { value: 'createTask' },
    CREATE_CASE: { value: 'createCase' },
  } as const,
});

interface Lookup {
  key: string;
  purpose: string;
  object: string;
  rule?: string;
  soql: string;
  /** Rows the org answered; null when the query was not run. */
  records: unknown[] | null;
  error: string | null;
}

const PlannedLookupType = builder.objectRef<Lookup>('PlannedLookup').implement({
  description: 'A read the plan needs: an identification rule or the owner query.',
  fields: (t) => ({
    key: t.exposeString('key'),
    purpose: t.exposeString('purpose', { description: 'identify or owner.' }),
    object: t.exposeString('object'),
    rule: t.exposeString('rule', { nullable: true }),
    soql: t.exposeString('soql'),
    records: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The rows the org answered; null when not run (no connection, or the query failed).',
      resolve: (l) => l.records,
    }),
    error: t.exposeString('error', {
      nullable: true,
      description: "Salesforce's answer when the query failed.",
    }),
  }),
});

interface ChatPlan {
  plan: unknown;
  lookups: Lookup[];
  connected: boolean;
  mappingVersion: number | null;
}

const ChatPlanType = builder.objectRef<ChatPlan>('ChatPlan').implement({
  description: 'What recording the event would do, step by step. Nothing was written.',
  fields: (t) => ({
    plan: t.field({
      type: 'JSON',
      description:
        'The DML plan: matched record and rule, ordered create/update/upload steps, skipped fields, notes.',
      resolve: (p) => p.plan,
    }),
    lookups: t.field({ type: [PlannedLookupType], resolve: (p) => p.lookups }),
    connected: t.exposeBoolean('connected', {
      description: 'The lookups ran against the org. When false, the plan assumes nothing is found.',
    }),
    mappingVersion: t.exposeInt('mappingVersion', {
      nullable: true,
      description: 'Null when a draft was planned.',
    }),
  }),
});

builder.queryField('planChat', (t) =>
  t.withAuth({ tenant: true }).field({
    type: ChatPlanType,
    description:
      'Dry run: the Salesforce operations a chat or conversation event would produce, with the active mapping or a ' +
      "draft, planned as the sync plans it (the event folded into the chat's earlier ones, the records it already " +
      "wrote). The plan's lookups (SOQL, or SOSL for phones) run read-only against the connected org; nothing is " +
      'written.',
    // A draft's rules and display fields could read any field of any record: drafts are for admins.
    authScopes: (_root, args) => (args.mapping != null ? { admin: true } : { agent: true }),
    errors: { types: [MappingInvalidError, InvalidInputError] },
    args: {
      mapping: t.arg.string({ description: 'A draft mapping (YAML), ADMIN only; default: the active one.' }),
      event: t.arg({ type: RecordChatInput, description: 'A web chat event (give this or conversation).' }),
      conversation: t.arg({
        type: RecordConversationInput,
        description: 'An inbox conversation event (give this or event).',
      }),
      action: t.arg({ type: ManualActionEnum, description: 'Plan this agent action instead (manual mode).' }),
    },
    resolve: async (_root, args, context) => {
      takeRateToken(context, 'planChat');
      const tenantId = context.viewer.tenantId;
      const { event: chat, conversation } = args;
      const input = chat && !conversation ? chat : conversation && !chat ? conversation : null;
      if (!input) throw new InvalidInputError('give either event (a chat) or conversation', 'event');
      const { compiled, version } = await mappingToPlan(context, args.mapping ?? undefined);
      const event = toEvent(
        tenantId,
        'chatId' in input ? input.chatId : input.conversationId,
        input.event,
        input,
      );
      checkEventInput(event);
      const { planned, connected } = await dryRun(
        {
          prisma: context.prisma,
          owners: context.services.sync.owners,
          connections: context.services.connections,
        },
        {
          tenantId,
          sourceKind: args.event ? 'CHAT' : 'CONVERSATION',
          event,
          eventId: input.eventId ?? null,
          ...(args.action ? { action: args.action } : {}),
          mapping: compiled,
        },
      );
      const lookups = planned.reads.map(
        ({ request, rows, error }): Lookup => ({
          key: request.key,
          purpose: request.purpose,
          object: request.object,
          ...(request.rule ? { rule: request.rule } : {}),
          soql: renderRead(request.read),
          records: connected ? rows : null,
          error: connected && error ? error.message : null,
        }),
      );
      const shown =
        context.viewer.role === 'ADMIN'
          ? lookups
          : lookups.map((l) => displayOnly(l, compiled, planned.event));
      return { plan: planned.plan, lookups: shown, connected, mappingVersion: version };
    },
  }),
);

/** What an agent may see of a lookup's rows: Id and the active mapping's display fields, as the console shows. */
function displayOnly(lookup: Lookup, mapping: CompiledMapping, event: CxEvent): Lookup {
  if (!lookup.records) return lookup;
  const display = mapping.display[sectionOf(event.kind)] as Record<string, readonly string[] | undefined>;
  const allowed = new Set(['Id', ...(display[lookup.object] ?? [])]);
  return {
    ...lookup,
    records: lookup.records.map((row) =>
      Object.fromEntries(
        Object.entries(row as Record<string, unknown>).filter(([name]) => allowed.has(name)),
      ),
    ),
  };
}

async function mappingToPlan(
  { prisma, viewer }: TenantContext,
  draft: string | undefined,
): Promise<{ compiled: CompiledMapping; version: number | null }> {
  if (draft === undefined) {
    const active = await activeMapping(prisma, viewer.tenantId);
    return { compiled: active.compiled, version: active.version.version };
  }
  checkMappingSize(draft, 'mapping');
  const { mapping, diagnostics } = loadMapping(draft, MAPPING_FILE);
  if (!mapping) throw new MappingInvalidError(diagnostics.filter((d) => d.severity === 'error'));
  return { compiled: mapping, version: null };
}
