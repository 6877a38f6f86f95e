// Reads and writes of the sync ledger: what each chat has already produced in Salesforce, and each record's state.
import type { Prisma } from '../db/open.ts';
import type { SyncStatus } from '../generated/prisma/enums.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { LookupResults } from '../mapping/lookups.ts';

export const OPEN_STATUSES: SyncStatus[] = ['PENDING', 'RETRYING', 'RUNNING'];

/** Objects a visitor can be linked to; their ids are remembered per visitor key. */
const VISITOR_OBJECTS = new Set(['Lead', 'Contact', 'Account']);

export async function loadOpenRecords(prisma: Prisma, tenantId: string, keys: string[]) {
  const recordIds = keys.filter((key) => key.startsWith('record:')).map((key) => key.slice('record:'.length));
  const visitorKeys = keys.filter((key) => !key.startsWith('record:'));
  return prisma.syncRecord.findMany({
    where: {
      tenantId,
      status: { in: OPEN_STATUSES },
      OR: [{ id: { in: recordIds } }, { visitorKey: { in: visitorKeys } }],
    },
    include: {
      // All of them, applied or not: a chat is planned from its whole state, so an update never blanks a field
      // that only an earlier event carried.
      events: { orderBy: { receivedAt: 'asc' } },
      objects: true,
    },
    orderBy: { createdAt: 'asc' },
  });
}

export type OpenRecord = Awaited<ReturnType<typeof loadOpenRecords>>[number];

/** Ids the product already knows for this chat (its Task/Case) and for its visitor (Lead/Contact/Account). */
export async function knownIds(
  prisma: Prisma,
  record: OpenRecord,
): Promise<NonNullable<LookupResults['known']>> {
  const known: NonNullable<LookupResults['known']> = {};
  const byRole = new Map(record.objects.map((object) => [object.role, object]));
  const set = (type: string, id: string) => {
    if (type === 'Lead') known.leadId ??= id;
    if (type === 'Contact') known.contactId ??= id;
    if (type === 'Account') known.accountId ??= id;
    if (type === 'Task') known.taskId ??= id;
    if (type === 'Case') known.caseId ??= id;
  };
  for (const object of byRole.values()) set(object.sobjectType, object.salesforceId);
  if (record.visitorKey) {
    const links = await prisma.visitorLink.findMany({
      where: { tenantId: record.tenantId, visitorKey: record.visitorKey },
    });
    for (const link of links) set(link.sobjectType, link.salesforceId);
  }
  return known;
}

export async function saveObject(
  prisma: Prisma,
  record: OpenRecord,
  object: { role: string; sobjectType: string; salesforceId: string },
): Promise<void> {
  await prisma.syncObject.upsert({
    where: { syncRecordId_role: { syncRecordId: record.id, role: object.role } },
    create: { syncRecordId: record.id, ...object },
    update: { sobjectType: object.sobjectType, salesforceId: object.salesforceId },
  });
  if (record.visitorKey && VISITOR_OBJECTS.has(object.sobjectType)) {
    await linkVisitor(
      prisma,
      record.tenantId,
      record.visitorKey,
      object.sobjectType,
      object.salesforceId,
      'created',
    );
  }
}

export async function linkVisitor(
  prisma: Prisma,
  tenantId: string,
  visitorKey: string,
  sobjectType: string,
  salesforceId: string,
  source: string,
): Promise<void> {
  await prisma.visitorLink.upsert({
    where: { tenantId_visitorKey_sobjectType: { tenantId, visitorKey, sobjectType } },
    create: { tenantId, visitorKey, sobjectType, salesforceId, source },
    update: { salesforceId, source },
  });
}

/** Forgets an id the org no longer has (deleted, merged): the next attempt identifies the visitor again. */
export async function forgetId(prisma: Prisma, tenantId: string, salesforceId: string): Promise<void> {
  await prisma.visitorLink.deleteMany({ where: { tenantId, salesforceId } });
  await prisma.syncObject.deleteMany({ where: { salesforceId, syncRecord: { tenantId } } });
}

export async function markSynced(
  prisma: Prisma,
  record: OpenRecord,
  status: SyncStatus = 'SYNCED',
): Promise<void> {
  await prisma.$transaction([
    prisma.syncEvent.updateMany({
      where: { syncRecordId: record.id, appliedAt: null },
      data: { appliedAt: new Date() },
    }),
    prisma.syncRecord.update({
      where: { id: record.id },
      data: {
        status,
        syncedAt: new Date(),
        lastError: null,
        lastErrorCode: null,
        nextAttemptAt: null,
        inflightAt: null,
      },
    }),
  ]);
}

export function eventsOf(record: OpenRecord): CxEvent[] {
  return record.events.map((event) => event.payload as unknown as CxEvent);
}
