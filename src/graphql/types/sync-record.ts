// The ledger as the API shows it: one SyncRecord per chat or conversation, with what it wrote in Salesforce.
import { SourceKind, SyncStatus } from '../../generated/prisma/enums.ts';
import { builder } from '../builder.ts';
import { NotFoundError } from '../errors.ts';

export const SyncStatusEnum = builder.enumType(SyncStatus, {
  name: 'SyncStatus',
  description:
    'PENDING: queued. RUNNING: being written. SYNCED: in Salesforce. RETRYING: failed transiently, will retry. ' +
    'DEAD: gave up (see lastError; retrySync queues it again). NEEDS_REVIEW: ambiguous, an agent must choose. ' +
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
        return instanceUrl
          ? `${instanceUrl}/lightning/r/${object.sobjectType}/${object.salesforceId}/view`
          : null;
      },
    }),
  }),
});

builder.prismaObject('MappingVersion', {
  fields: (t) => ({
    id: t.exposeID('id'),
    version: t.exposeInt('version'),
    hash: t.exposeString('hash'),
    author: t.exposeString('author'),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
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
    mappingVersion: t.relation('mappingVersion', { nullable: true }),
    objects: t.relation('objects', { query: { orderBy: { createdAt: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    syncedAt: t.expose('syncedAt', { type: 'DateTime', nullable: true }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
  }),
});

void SalesforceObjectType;

builder.queryField('syncRecord', (t) =>
  t.prismaField({
    type: 'SyncRecord',
    nullable: true,
    authScopes: { tenant: true },
    args: { id: t.arg.globalID({ required: true, for: [SyncRecordType] }) },
    resolve: (query, _root, { id }, { prisma, viewer }) =>
      prisma.syncRecord.findFirst({ ...query, where: { id: id.id, tenantId: viewer.tenantId! } }),
  }),
);

builder.queryField('syncRecords', (t) =>
  t.prismaConnection({
    type: 'SyncRecord',
    cursor: 'id',
    authScopes: { tenant: true },
    description: "The tenant's sync records, newest first.",
    args: {
      status: t.arg({ type: [SyncStatusEnum], required: false }),
      sourceKind: t.arg({ type: SourceKindEnum, required: false }),
      sourceId: t.arg.string({ required: false }),
      createdAfter: t.arg({ type: 'DateTime', required: false }),
      createdBefore: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: (query, _root, args, { prisma, viewer }) =>
      prisma.syncRecord.findMany({
        ...query,
        where: {
          tenantId: viewer.tenantId!,
          status: args.status ? { in: args.status } : undefined,
          sourceKind: args.sourceKind ?? undefined,
          sourceId: args.sourceId ?? undefined,
          createdAt: { gte: args.createdAfter ?? undefined, lt: args.createdBefore ?? undefined },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);

builder.mutationField('retrySync', (t) =>
  t.prismaField({
    type: 'SyncRecord',
    description: 'Queues a dead-lettered (or any unfinished) sync again, with a fresh count of attempts.',
    authScopes: { $any: { agent: true, integration: true } },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: [SyncRecordType] }) },
    resolve: async (query, _root, { id }, { prisma, viewer, services }) => {
      const record = await prisma.syncRecord.findFirst({
        where: { id: id.id, tenantId: viewer.tenantId! },
      });
      if (!record) throw new NotFoundError('sync record', id.id);
      await services.sync.retry(record.id);
      return prisma.syncRecord.findUniqueOrThrow({ ...query, where: { id: record.id } });
    },
  }),
);
