// Reads and writes of the sync ledger: what each chat has already produced in Salesforce, and each record's state.
import type { Prisma } from '../db/open.ts';
import { Prisma as PrismaNamespace } from '../generated/prisma/client.ts';
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

/** Ids the product already knows for this chat (its Task/Case) and for its visitor (Lead/Contact/Account), and the
 *  visitor records to which this visitor data brings nothing new since the product last wrote or read them. */
export async function knownIds(
  prisma: Prisma,
  record: OpenRecord,
  seen: VisitorSeen,
): Promise<{ known: NonNullable<LookupResults['known']>; unchanged: Set<string> }> {
  const known: NonNullable<LookupResults['known']> = {};
  const unchanged = new Set<string>();
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
    for (const link of links) {
      set(link.sobjectType, link.salesforceId);
      if (bringsNothingNew(link.visitorSeen as VisitorSeen | null, seen)) unchanged.add(link.sobjectType);
    }
  }
  return { known, unchanged };
}

export async function saveObject(
  prisma: Prisma,
  record: OpenRecord,
  object: { role: string; sobjectType: string; salesforceId: string },
  seen: VisitorSeen | null,
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
      seen,
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
  seen: VisitorSeen | null = null,
): Promise<void> {
  const where = { tenantId_visitorKey_sobjectType: { tenantId, visitorKey, sobjectType } };
  const previous = seen
    ? await prisma.visitorLink.findUnique({ where, select: { visitorSeen: true, salesforceId: true } })
    : null;
  const merged =
    seen && previous?.salesforceId === salesforceId
      ? mergeSeen(previous.visitorSeen as VisitorSeen | null, seen)
      : seen;
  const visitorSeen = merged ? (merged as object) : PrismaNamespace.DbNull;
  await prisma.visitorLink.upsert({
    where,
    create: { tenantId, visitorKey, sobjectType, salesforceId, source, visitorSeen },
    update: { salesforceId, source, visitorSeen },
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

/** What a visitor's record holds from us: the visitor data it was written (or read) with, under which mapping. */
export interface VisitorSeen {
  mapping: string;
  visitor: Record<string, string>;
}

export function visitorSeen(event: CxEvent, mappingVersion: string): VisitorSeen {
  const visitor: Record<string, string> = {};
  for (const [field, value] of Object.entries(event.visitor)) {
    const clean = typeof value === 'string' ? value.trim() : '';
    if (clean) visitor[field] = field === 'email' ? clean.toLowerCase() : clean;
  }
  return { mapping: mappingVersion, visitor };
}

/** True when every value the visitor gives now is one the record was already written or read with. */
function bringsNothingNew(before: VisitorSeen | null, now: VisitorSeen): boolean {
  if (!before || before.mapping !== now.mapping) return false;
  return Object.entries(now.visitor).every(([field, value]) => before.visitor[field] === value);
}

function mergeSeen(before: VisitorSeen | null, now: VisitorSeen): VisitorSeen {
  return before?.mapping === now.mapping
    ? { mapping: now.mapping, visitor: { ...before.visitor, ...now.visitor } }
    : now;
}

export function eventsOf(record: OpenRecord): CxEvent[] {
  return record.events.map((event) => event.payload as unknown as CxEvent);
}
