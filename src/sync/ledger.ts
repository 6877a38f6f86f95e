// Reads and writes of the sync ledger: what each chat has already produced in Salesforce, and each record's state.
import type { Prisma } from '../db/open.ts';
import { Prisma as PrismaNamespace } from '../generated/prisma/client.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { LookupResults } from '../mapping/lookups.ts';
import type { ManualAction } from '../mapping/plan.ts';
import { withAttachmentRefs } from './attachments.ts';
import { OPEN_STATUSES, transitionQuery } from './state.ts';
import { parseStoredEvent, parseVisitorSeen, type VisitorSeen } from './stored-json.ts';

/** Objects a visitor can be linked to; their ids are remembered per visitor key. */
const VISITOR_OBJECTS = new Set(['Lead', 'Contact', 'Account']);

export async function loadOpenRecords(prisma: Prisma, tenantId: string, keys: string[]) {
  const recordIds = keys.filter((key) => key.startsWith('record:')).map((key) => key.slice('record:'.length));
  const visitorKeys = keys.filter((key) => !key.startsWith('record:'));
  return prisma.syncRecord.findMany({
    where: {
      tenantId,
      AND: [
        { OR: [{ id: { in: recordIds } }, { visitorKey: { in: visitorKeys } }] },
        // Open, or finished before an event that arrived while it was being written.
        {
          OR: [
            { status: { in: OPEN_STATUSES } },
            { status: { in: ['SYNCED', 'SKIPPED'] }, events: { some: { appliedAt: null } } },
          ],
        },
      ],
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

/** The same records, read again after a pass wrote some of their objects and events. */
export async function reloadRecords(prisma: Prisma, records: OpenRecord[]): Promise<OpenRecord[]> {
  if (records.length === 0) return [];
  return prisma.syncRecord.findMany({
    where: { id: { in: records.map((r) => r.id) }, status: { in: OPEN_STATUSES } },
    include: { events: { orderBy: { receivedAt: 'asc' } }, objects: true },
    orderBy: { createdAt: 'asc' },
  });
}

/** An agent's action on a chat is stored as one of its events: `action.createLead`, deduplicated by `action:createLead`. */
export const ACTION_PREFIX = 'action.';

/** The object each action makes, under the role its SyncObject is stored as. */
export const ACTION_ROLE: Record<ManualAction, string> = {
  createLead: 'lead',
  createContact: 'contact',
  createTask: 'task',
  createCase: 'case',
};

/** The first action an agent asked for that is not done yet, and its event. */
export function pendingAction(record: OpenRecord): { action: ManualAction; eventId: string } | undefined {
  const event = record.events.find((e) => e.kind.startsWith(ACTION_PREFIX) && !e.appliedAt);
  return event
    ? { action: event.kind.slice(ACTION_PREFIX.length) as ManualAction, eventId: event.id }
    : undefined;
}

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
      if (bringsNothingNew(parseVisitorSeen(link.visitorSeen), seen)) unchanged.add(link.sobjectType);
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
      ? mergeSeen(parseVisitorSeen(previous.visitorSeen), seen)
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

/** Marks the events the record was planned from applied, but for agent actions not planned yet (`leaveOpen`). An
 *  event that arrived during the write stays unapplied: its own job plans it. */
export async function markSynced(
  prisma: Prisma,
  record: OpenRecord,
  outcome: 'synced' | 'skipped' | 'actionDone' = 'synced',
  leaveOpen: string[] = [],
): Promise<void> {
  await prisma.$transaction([
    prisma.syncEvent.updateMany({
      where: {
        syncRecordId: record.id,
        appliedAt: null,
        id: { in: record.events.map((e) => e.id).filter((id) => !leaveOpen.includes(id)) },
      },
      data: { appliedAt: new Date() },
    }),
    prisma.syncRecord.update({
      where: { id: record.id },
      data: { candidates: PrismaNamespace.DbNull, inflightAt: null },
    }),
    transitionQuery(prisma, [record.id], { type: outcome }),
    // An event that arrived during the write: the chat is open again, with a time, whatever becomes of its job.
    transitionQuery(prisma, [record.id], { type: 'eventArrived' }, undefined, {
      events: { some: { appliedAt: null, id: { notIn: leaveOpen } } },
    }),
  ]);
}

/** What a visitor's record holds from us: the visitor data it was written (or read) with, under which mapping. */
export type { VisitorSeen };

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

/** The chat's own events (not the agents' actions on it). */
export function eventsOf(record: OpenRecord): CxEvent[] {
  return record.events
    .filter((event) => !event.kind.startsWith(ACTION_PREFIX))
    .map((event) => withAttachmentRefs(parseStoredEvent(event.payload)));
}
