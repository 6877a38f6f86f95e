// Reads and writes of the sync ledger: what each chat has already produced in Salesforce, and each record's state.
import type { Prisma } from '../db/open.ts';
import { Prisma as PrismaNamespace, type VisitorLink } from '../generated/prisma/client.ts';
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

/** The visitor links of these records' visitors, read in one query for a round; answers each record's. */
export async function loadVisitorLinks(
  prisma: Prisma,
  records: Array<Pick<OpenRecord, 'tenantId' | 'visitorKey'>>,
): Promise<(record: Pick<OpenRecord, 'tenantId' | 'visitorKey'>) => VisitorLink[]> {
  const where = ofVisitors(records);
  const links = where ? await prisma.visitorLink.findMany({ where }) : [];
  const byVisitor = new Map<string, VisitorLink[]>();
  for (const link of links) {
    const key = visitorId(link.tenantId, link.visitorKey);
    byVisitor.set(key, [...(byVisitor.get(key) ?? []), link]);
  }
  return (record) =>
    record.visitorKey ? (byVisitor.get(visitorId(record.tenantId, record.visitorKey)) ?? []) : [];
}

const visitorId = (tenantId: string, visitorKey: string) => `${tenantId}\u0000${visitorKey}`;

/** The links of these visitors (none to read: undefined). */
function ofVisitors(
  visitors: Array<{ tenantId: string; visitorKey: string | null }>,
): PrismaNamespace.VisitorLinkWhereInput | undefined {
  const byTenant = new Map<string, Set<string>>();
  for (const { tenantId, visitorKey } of visitors)
    if (visitorKey) byTenant.set(tenantId, (byTenant.get(tenantId) ?? new Set()).add(visitorKey));
  if (byTenant.size === 0) return undefined;
  return { OR: [...byTenant].map(([tenantId, keys]) => ({ tenantId, visitorKey: { in: [...keys] } })) };
}

/** Ids the product already knows for this chat (its Task/Case) and for its visitor (Lead/Contact/Account, from the
 *  visitor's links), and the visitor records to which this visitor data brings nothing new since the product last
 *  wrote or read them. */
export function knownIds(
  record: OpenRecord,
  seen: VisitorSeen,
  links: VisitorLink[],
): { known: NonNullable<LookupResults['known']>; unchanged: Set<string> } {
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
    for (const link of links) {
      set(link.sobjectType, link.salesforceId);
      if (bringsNothingNew(parseVisitorSeen(link.visitorSeen), seen)) unchanged.add(link.sobjectType);
    }
  }
  return { known, unchanged };
}

/** A Salesforce record a chat's write made, under the role its plan step had. */
export interface SavedObject {
  syncRecordId: string;
  role: string;
  sobjectType: string;
  salesforceId: string;
}

/** The ledger's memory of who a visitor is in the org, and the visitor data that record was written or read with. */
export interface VisitorLinkWrite {
  tenantId: string;
  visitorKey: string;
  sobjectType: string;
  salesforceId: string;
  source: string;
  seen: VisitorSeen | null;
}

export async function saveObject(
  prisma: Prisma,
  record: Pick<OpenRecord, 'id' | 'tenantId' | 'visitorKey'>,
  object: { role: string; sobjectType: string; salesforceId: string },
  seen: VisitorSeen | null,
): Promise<void> {
  await saveObjects(prisma, [{ syncRecordId: record.id, ...object }]);
  const link = createdLink(record, object, seen);
  if (link) await linkVisitors(prisma, [link]);
}

/** The objects of a round, in one statement (Prisma's upsert is one row per statement). */
export async function saveObjects(prisma: Prisma, objects: SavedObject[]): Promise<void> {
  // One row per key, the last written: an INSERT … ON CONFLICT cannot touch a row twice.
  const rows = [...new Map(objects.map((o) => [`${o.syncRecordId}\u0000${o.role}`, o])).values()];
  if (rows.length === 0) return;
  await prisma.$executeRaw`
    INSERT INTO "SyncObject" ("id", "syncRecordId", "role", "sobjectType", "salesforceId")
    SELECT gen_random_uuid()::text, o."syncRecordId", o."role", o."sobjectType", o."salesforceId"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS o("syncRecordId" text, "role" text, "sobjectType" text, "salesforceId" text)
    ON CONFLICT ("syncRecordId", "role")
    DO UPDATE SET "sobjectType" = excluded."sobjectType", "salesforceId" = excluded."salesforceId"`;
}

/** The link a created object makes for the chat's visitor, if it is a visitor's record. */
export function createdLink(
  record: Pick<OpenRecord, 'tenantId' | 'visitorKey'>,
  object: { sobjectType: string; salesforceId: string },
  seen: VisitorSeen | null,
): VisitorLinkWrite | undefined {
  if (!record.visitorKey || !VISITOR_OBJECTS.has(object.sobjectType)) return undefined;
  const { tenantId, visitorKey } = record;
  return { tenantId, visitorKey, ...object, source: 'created', seen };
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
  await linkVisitors(prisma, [{ tenantId, visitorKey, sobjectType, salesforceId, source, seen }]);
}

/** Writes links as if one after another, in two statements at most: the rows they replace are read at once (only
 *  for links with visitor data to merge), each link is folded onto the one before it, and the results are written
 *  in one upsert. A link's visitor data is merged into the previous one's only if both name the same record; a
 *  link without any clears it (SQL NULL). */
export async function linkVisitors(prisma: Prisma, links: VisitorLinkWrite[]): Promise<void> {
  if (links.length === 0) return;
  const keyOf = (l: { tenantId: string; visitorKey: string; sobjectType: string }) =>
    `${visitorId(l.tenantId, l.visitorKey)}\u0000${l.sobjectType}`;
  const where = ofVisitors(links.filter((l) => l.seen));
  const before = where
    ? await prisma.visitorLink.findMany({
        where,
        select: {
          tenantId: true,
          visitorKey: true,
          sobjectType: true,
          salesforceId: true,
          visitorSeen: true,
        },
      })
    : [];
  const current = new Map<
    string,
    { salesforceId: string; seen: VisitorSeen | null; link?: VisitorLinkWrite }
  >(
    before.map((row) => [
      keyOf(row),
      { salesforceId: row.salesforceId, seen: parseVisitorSeen(row.visitorSeen) },
    ]),
  );
  for (const link of links) {
    const previous = current.get(keyOf(link));
    const seen =
      link.seen && previous?.salesforceId === link.salesforceId
        ? mergeSeen(previous.seen, link.seen)
        : link.seen;
    current.set(keyOf(link), { salesforceId: link.salesforceId, seen, link: { ...link, seen } });
  }
  const rows = [...current.values()].flatMap(({ link }) => (link ? [link] : []));
  await prisma.$executeRaw`
    INSERT INTO "VisitorLink" ("id", "tenantId", "visitorKey", "sobjectType", "salesforceId", "source", "visitorSeen", "updatedAt")
    SELECT gen_random_uuid()::text, l."tenantId", l."visitorKey", l."sobjectType", l."salesforceId", l."source",
           l."seen", now() AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS l("tenantId" text, "visitorKey" text, "sobjectType" text, "salesforceId" text, "source" text, "seen" jsonb)
    ON CONFLICT ("tenantId", "visitorKey", "sobjectType")
    DO UPDATE SET "salesforceId" = excluded."salesforceId", "source" = excluded."source",
                  "visitorSeen" = excluded."visitorSeen", "updatedAt" = excluded."updatedAt"`;
}

/** Forgets an id the org no longer has (deleted, merged): the next attempt identifies the visitor again. */
export async function forgetId(prisma: Prisma, tenantId: string, salesforceId: string): Promise<void> {
  await prisma.visitorLink.deleteMany({ where: { tenantId, salesforceId } });
  await prisma.syncObject.deleteMany({ where: { salesforceId, syncRecord: { tenantId } } });
}

/** Marks the events each record was planned from applied, but for agent actions not planned yet (`leaveOpen`), and
 *  moves the records on by `outcome`: one transaction for all of them. An event that arrived during the write stays
 *  unapplied and opens its record again: its own job plans it. */
export async function markSynced(
  prisma: Prisma,
  done: Array<{ record: OpenRecord; leaveOpen: string[] }>,
  outcome: 'synced' | 'skipped' | 'actionDone' = 'synced',
): Promise<void> {
  if (done.length === 0) return;
  const ids = done.map(({ record }) => record.id);
  const leaveOpen = done.flatMap((d) => d.leaveOpen);
  const planned = done.flatMap(({ record, leaveOpen: open }) =>
    record.events.filter((e) => !e.appliedAt && !open.includes(e.id)).map((e) => e.id),
  );
  await prisma.$transaction([
    prisma.syncEvent.updateMany({
      where: { syncRecordId: { in: ids }, appliedAt: null, id: { in: planned } },
      data: { appliedAt: new Date() },
    }),
    prisma.syncRecord.updateMany({
      where: { id: { in: ids } },
      data: { candidates: PrismaNamespace.DbNull, inflightAt: null },
    }),
    transitionQuery(prisma, ids, { type: outcome }),
    // An event that arrived during the write: the chat is open again, with a time, whatever becomes of its job.
    transitionQuery(prisma, ids, { type: 'eventArrived' }, undefined, {
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
