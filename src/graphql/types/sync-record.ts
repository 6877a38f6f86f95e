// The ledger as the API shows it: one SyncRecord per chat or conversation, with what it wrote in Salesforce.
import { GraphQLError } from 'graphql';
import { SourceKind, SyncStatus } from '../../generated/prisma/enums.ts';
import { recordUrl } from '../../salesforce/record-links.ts';
import { chooseMatch, MatchChoiceError } from '../../sync/match-choice.ts';
import { parseAmbiguity } from '../../sync/stored-json.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';

export const SyncStatusEnum = builder.enumType(SyncStatus, {
  name: 'SyncStatus',
  description:
    'Every open status has a nextAttemptAt. PENDING: queued, due at nextAttemptAt (lastErrorCode API_BUDGET: waiting for the Salesforce API budget, see salesforceApiUsage). ' +
    'RUNNING: being written; a worker holds it until nextAttemptAt (renewed while it lives), after which another takes over. SYNCED: in Salesforce. ' +
    'RETRYING: failed transiently (lastErrorCode says why: a Salesforce code, a network code when the org cannot be reached, MAPPING_INVALID when the active mapping does not compile), retried at nextAttemptAt. ' +
    'DEAD: gave up (see lastError; retrySync queues it again). NEEDS_REVIEW: ambiguous, an agent must choose (matchCandidates, resolveSalesforceMatch). ' +
    'WAITING_FOR_CONNECTION: the tenant must (re)connect Salesforce; nothing is lost. SKIPPED: the mapping records nothing for it.',
});

export const SourceKindEnum = builder.enumType(SourceKind, { name: 'SourceKind' });

const SalesforceObjectType = builder.prismaObject('SyncObject', {
  name: 'SalesforceObject',
  description: 'A Salesforce record this chat or conversation produced.',
  fields: (t) => ({
    role: t.exposeString('role', { description: 'What it is to the chat: lead, contact, task, case, file…' }),
    sobjectType: t.exposeString('sobjectType'),
    salesforceId: t.exposeString('salesforceId'),
    url: t.string({
      nullable: true,
      description: 'Opens the record in Salesforce (Lightning).',
      select: {
        syncRecord: { select: { tenant: { select: { connection: { select: { instanceUrl: true } } } } } },
      },
      resolve: (object) => {
        const instanceUrl = object.syncRecord.tenant.connection?.instanceUrl;
        return recordUrl(instanceUrl, object.sobjectType, object.salesforceId);
      },
    }),
  }),
});

export const MappingVersionType = builder.prismaObject('MappingVersion', {
  fields: (t) => ({
    id: t.exposeID('id'),
    version: t.exposeInt('version'),
    hash: t.exposeString('hash'),
    author: t.exposeString('author'),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const MatchObjectEnum = builder.enumType('SalesforceMatchObject', {
  description: 'The objects a visitor is identified as.',
  values: { Lead: { value: 'Lead' }, Contact: { value: 'Contact' }, Account: { value: 'Account' } } as const,
});

interface CandidateView {
  object: string;
  salesforceId: string;
  rule: string;
  fields: Record<string, unknown>;
  url: string | null;
}

const MatchCandidateType = builder.objectRef<CandidateView>('SalesforceMatchCandidate').implement({
  description: 'One of the records a visitor matched when the mapping does not guess (onMultiple: none).',
  fields: (t) => ({
    object: t.field({ type: MatchObjectEnum, resolve: (c) => c.object as 'Lead' }),
    salesforceId: t.exposeString('salesforceId'),
    rule: t.exposeString('rule', { description: 'The identification rule that found it.' }),
    fields: t.field({
      type: 'JSON',
      description: "The mapping's display fields of the record, e.g. Name, Email, Phone.",
      resolve: (c) => c.fields,
    }),
    url: t.exposeString('url', {
      nullable: true,
      description: 'Opens the record in Salesforce (Lightning).',
    }),
  }),
});

export const SyncRecordType = builder.prismaNode('SyncRecord', {
  id: { field: 'id' },
  // `node(id:)` and `nodes(ids:)` load through here: only the caller's tenant's records exist for it.
  findUnique: (id, { viewer }) => ({ id, tenantId: viewer.tenantId ?? '' }),
  nullable: true,
  authScopes: { tenant: true },
  fields: (t) => ({
    sourceKind: t.expose('sourceKind', { type: SourceKindEnum }),
    sourceId: t.exposeString('sourceId', { description: 'The chat id or conversation id.' }),
    status: t.expose('status', { type: SyncStatusEnum }),
    attempts: t.exposeInt('attempts'),
    lastError: t.exposeString('lastError', { nullable: true }),
    lastErrorCode: t.exposeString('lastErrorCode', {
      nullable: true,
      description: "Salesforce's error code, e.g. REQUIRED_FIELD_MISSING.",
    }),
    candidates: t.expose('candidates', { type: 'JSON', nullable: true }),
    matchCandidates: t.field({
      type: [MatchCandidateType],
      description: 'In NEEDS_REVIEW: the records the visitor matched; resolveSalesforceMatch picks one.',
      select: {
        candidates: true,
        tenant: { select: { connection: { select: { instanceUrl: true } } } },
      },
      resolve: (record) => {
        const ambiguity = parseAmbiguity(record.candidates);
        const instanceUrl = record.tenant.connection?.instanceUrl;
        return (ambiguity?.candidates ?? []).map((c) => ({
          object: ambiguity!.object,
          salesforceId: c.id,
          rule: ambiguity!.rule,
          fields: c.fields,
          url: recordUrl(instanceUrl, ambiguity!.object, c.id),
        }));
      },
    }),
    mappingVersion: t.relation('mappingVersion', { nullable: true }),
    objects: t.relation('objects', { query: { orderBy: { createdAt: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    syncedAt: t.expose('syncedAt', { type: 'DateTime', nullable: true }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description:
        "PENDING, RETRYING: when it is tried next. RUNNING: when its worker's lease ends. Empty once settled.",
    }),
  }),
});

void SalesforceObjectType;

builder.queryField('syncRecord', (t) =>
  t.withAuth({ tenant: true }).prismaField({
    type: 'SyncRecord',
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: [SyncRecordType] }) },
    resolve: (query, _root, { id }, { prisma, viewer }) =>
      prisma.syncRecord.findFirst({ ...query, where: { id: id.id, tenantId: viewer.tenantId } }),
  }),
);

builder.queryField('syncRecords', (t) =>
  t.withAuth({ tenant: true }).prismaConnection({
    type: 'SyncRecord',
    cursor: 'id',
    description: "The tenant's sync records, newest first.",
    args: {
      status: t.arg({ type: [SyncStatusEnum], required: false }),
      sourceKind: t.arg({ type: SourceKindEnum, required: false }),
      sourceId: t.arg.string({ required: false }),
      visitor: t.arg.string({
        required: false,
        description: "Part of the visitor's name, email or phone (case-insensitive; at most 200 characters).",
      }),
      createdAfter: t.arg({ type: 'DateTime', required: false }),
      createdBefore: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: (query, _root, args, { prisma, viewer }) => {
      const visitor = args.visitor?.trim();
      if (visitor && visitor.length > 200)
        throw new GraphQLError('visitor is at most 200 characters.', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      const contains = { contains: visitor, mode: 'insensitive' } as const;
      return prisma.syncRecord.findMany({
        ...query,
        where: {
          tenantId: viewer.tenantId,
          status: args.status ? { in: args.status } : undefined,
          sourceKind: args.sourceKind ?? undefined,
          sourceId: args.sourceId ?? undefined,
          createdAt: { gte: args.createdAfter ?? undefined, lt: args.createdBefore ?? undefined },
          OR: visitor
            ? [{ visitorName: contains }, { visitorEmail: contains }, { visitorPhone: contains }]
            : undefined,
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
);

builder.mutationField('retrySync', (t) =>
  t.withAuth({ agent: true }).prismaField({
    type: 'SyncRecord',
    description: 'Queues a dead-lettered (or any unfinished) sync again, with a fresh count of attempts.',
    // Retries are an agent's action on a chat (README's role table); integration keys record and read.
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: [SyncRecordType] }) },
    resolve: async (query, _root, { id }, { prisma, viewer, services }) => {
      const record = await prisma.syncRecord.findFirst({
        where: { id: id.id, tenantId: viewer.tenantId },
      });
      if (!record) throw new NotFoundError('sync record', id.id);
      await services.sync.retry(record.id);
      return prisma.syncRecord.findUniqueOrThrow({ ...query, where: { id: record.id } });
    },
  }),
);

builder.mutationField('resolveSalesforceMatch', (t) =>
  t.withAuth({ agent: true }).prismaField({
    type: 'SyncRecord',
    description:
      'Picks the record a visitor is, for a sync waiting in NEEDS_REVIEW. The choice is remembered for the visitor ' +
      '(their next chats use it without asking) and the sync continues.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: {
      syncRecordId: t.arg.globalID({ required: true, for: [SyncRecordType] }),
      object: t.arg({ type: MatchObjectEnum, required: true }),
      salesforceId: t.arg.string({ required: true }),
    },
    resolve: async (query, _root, args, { prisma, viewer, services }) => {
      const record = await prisma.syncRecord.findFirst({
        where: { id: args.syncRecordId.id, tenantId: viewer.tenantId },
      });
      if (!record) throw new NotFoundError('sync record', args.syncRecordId.id);
      await chooseMatch(
        { prisma, sync: services.sync },
        { record, object: args.object, salesforceId: args.salesforceId, actor: viewer.actor },
      ).catch((error: unknown) => {
        if (error instanceof MatchChoiceError) throw new InvalidInputError(error.message, error.field);
        throw error;
      });
      return prisma.syncRecord.findUniqueOrThrow({ ...query, where: { id: record.id } });
    },
  }),
);
