// planChat: a dry run of one chat event. It plans with the active mapping (or a draft), after running the plan's
// read-only lookups against the connected org, so the plan is the one the sync would carry out. It never writes.
import type { CompiledMapping, CxEvent, LookupResults } from '../../mapping/index.ts';
import { loadMapping, lookupsFor, planEvent, sectionOf } from '../../mapping/index.ts';
import { asConnectionUnavailable, ConnectionUnavailableError } from '../../salesforce/connections.ts';
import { createQueryLoader } from '../../salesforce/query-loader.ts';
import { cloudcxTenantId } from '../../sync/cloudcx-tenant-id.ts';
import { activeMapping, MappingInvalidError } from '../../sync/mapping-versions.ts';
import { normalizeVisitorKey } from '../../sync/visitor-key.ts';
import { builder } from '../builder.ts';
import type { TenantContext } from '../context.ts';
import { InvalidInputError } from '../errors.ts';
import { takeRateToken } from '../rate-limits.ts';
import { checkMappingSize, MAPPING_FILE } from './mapping.ts';
import { RecordChatInput, toEvent } from './record-chat.ts';
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
      "Dry run: the Salesforce operations a chat event would produce, with the active mapping or a draft. The plan's " +
      'lookups (SOQL) run read-only against the connected org first; nothing is written.',
    // A draft's rules and display fields could read any field of any record: drafts are for admins.
    // Both choices are tenant-bound scopes, narrower than withAuth's, which types the context.
    authScopes: (_root, args) => (args.mapping != null ? { admin: true } : { agent: true }),
    errors: { types: [MappingInvalidError, InvalidInputError] },
    args: {
      mapping: t.arg.string({ description: 'A draft mapping (YAML), ADMIN only; default: the active one.' }),
      event: t.arg({ type: RecordChatInput, required: true }),
      action: t.arg({ type: ManualActionEnum, description: 'Plan this agent action instead (manual mode).' }),
    },
    resolve: async (_root, args, context) => {
      takeRateToken(context, 'planChat');
      const tenantId = context.viewer.tenantId;
      const { compiled, version } = await mappingToPlan(context, args.mapping ?? undefined);
      const event = {
        ...toEvent(tenantId, args.event.chatId, args.event.event, args.event as never),
        cloudcxTenantId: await cloudcxTenantId(context.prisma, tenantId),
      };
      checkEventInput(event);
      const known = await knownFor(context, event);
      const requests = lookupsFor(compiled, event, known);
      const { lookups, results, connected } = await runLookups(context, requests, known);
      const plan = planEvent(compiled, event, results, args.action ? { action: args.action } : {});
      const shown =
        context.viewer.role === 'ADMIN' ? lookups : lookups.map((l) => displayOnly(l, compiled, event));
      return { plan, lookups: shown, connected, mappingVersion: version };
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

/** What the ledger already knows for this chat and its visitor, as the sync would plan with it. */
async function knownFor(
  { prisma, viewer }: TenantContext,
  event: CxEvent,
): Promise<NonNullable<LookupResults['known']>> {
  const tenantId = viewer.tenantId;
  const record = await prisma.syncRecord.findFirst({
    where: { tenantId, sourceKind: 'CHAT', sourceId: event.id },
    include: { objects: true },
  });
  const visitorKey = record?.visitorKey ?? normalizeVisitorKey(event.visitor);
  const links = visitorKey ? await prisma.visitorLink.findMany({ where: { tenantId, visitorKey } }) : [];
  const known: NonNullable<LookupResults['known']> = {};
  const ids: Record<string, keyof typeof known> = {
    Lead: 'leadId',
    Contact: 'contactId',
    Account: 'accountId',
    Task: 'taskId',
    Case: 'caseId',
  };
  // The chat's own records first, then what the visitor was linked to, as the sync reads its ledger.
  for (const { sobjectType, salesforceId } of [...(record?.objects ?? []), ...links]) {
    const key = ids[sobjectType];
    if (key) known[key] ??= salesforceId;
  }
  return known;
}

async function runLookups(
  { services, viewer }: TenantContext,
  requests: ReturnType<typeof lookupsFor>,
  known: LookupResults['known'],
): Promise<{ lookups: Lookup[]; results: LookupResults; connected: boolean }> {
  const notRun = (): Lookup[] => requests.map((r) => ({ ...r, records: null, error: null }));
  let session: Awaited<ReturnType<typeof services.connections.forTenant>>;
  try {
    session = await services.connections.forTenant(viewer.tenantId);
  } catch (error) {
    if (!(error instanceof ConnectionUnavailableError)) throw error;
    return {
      lookups: notRun(),
      results: { records: {}, connectingUserId: '(connecting user)', known },
      connected: false,
    };
  }
  // Only reads (SELECT, or a SOSL FIND for phones): lookupsFor builds nothing else. The loader sends them together.
  const loader = createQueryLoader(session.conn);
  const answered = await Promise.all(
    requests.map(async (request): Promise<Lookup> => {
      try {
        const rows = await loader.load(request.soql);
        return { ...request, records: rows, error: null };
      } catch (error) {
        const unavailable = asConnectionUnavailable(error);
        if (unavailable) throw unavailable;
        return { ...request, records: null, error: (error as Error).message };
      }
    }),
  ).catch((error) => {
    if (error instanceof ConnectionUnavailableError) return undefined;
    throw error;
  });
  if (!answered)
    return {
      lookups: notRun(),
      results: { records: {}, connectingUserId: '(connecting user)', known },
      connected: false,
    };
  const records = Object.fromEntries(
    answered.map((l) => [l.key, (l.records ?? []) as Array<Record<string, unknown>>]),
  );
  const owner = records.owner?.[0]?.Id;
  return {
    lookups: answered,
    results: {
      records,
      ownerUserId: typeof owner === 'string' ? owner : null,
      connectingUserId: session.userId,
      known,
    },
    connected: true,
  };
}
