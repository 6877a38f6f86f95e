// After a crash or a dropped connection while writes were in flight, their outcome is unknown: the org may hold a
// Task or Case the ledger never heard of. Before writing again, look for it and adopt it, so a retry never
// duplicates. The Task or Case carries the key to the rest of that write: its WhoId / ContactId / AccountId name the
// Lead, Contact or Account the same call created, which identification alone cannot find for a visitor with neither
// email nor phone (issue 16.6).
import type { Connection } from 'jsforce';
import type { Prisma } from '../db/open.ts';
import type { CxEvent } from '../mapping/event.ts';
import { type DmlPlan, type LookupResults, type ManualAction, planEvent } from '../mapping/index.ts';
import type { ReadCondition } from '../mapping/read.ts';
import { createReadLoader, type ReadLoader, type SalesforceRecord } from '../salesforce/read-path/index.ts';
import { type OpenRecord, saveObject } from './ledger.ts';
import type { ActiveMapping } from './mapping-versions.ts';

// Clock skew between us and the org, and the time the lost call took.
const SLACK_MS = 5 * 60 * 1000;
/** How long the org may still be carrying out a write after its sender died or gave up. Looking earlier can miss a
 *  Task the lost write is about to make, write it again, and end with two (a restart picks a killed worker's chats
 *  up within seconds, while the org may still be working through its last request). */
export const SETTLE_MS = 10_000;

const PARENT_FIELD: Record<string, string> = { Task: 'WhoId', Case: 'ContactId' };
/** The link fields of a Task/Case that may name a record the same write created, and the ledger key of each. */
const LINKS: Record<string, Array<{ field: string; known: 'leadId' | 'contactId' | 'accountId' }>> = {
  Task: [
    { field: 'WhoId', known: 'leadId' },
    { field: 'WhoId', known: 'contactId' },
  ],
  Case: [
    { field: 'ContactId', known: 'contactId' },
    { field: 'AccountId', known: 'accountId' },
  ],
};
const CREATED = { field: 'CreatedDate', direction: 'ASC' } as const;
const KNOWN_OF: Record<string, 'leadId' | 'contactId' | 'accountId'> = {
  Lead: 'leadId',
  Contact: 'contactId',
  Account: 'accountId',
};

interface Planned {
  record: OpenRecord;
  event: CxEvent;
  lookups: LookupResults;
  plan: DmlPlan;
  action?: ManualAction;
}

export async function recoverLostWrites<T extends Planned>(
  prisma: Prisma,
  conn: Connection,
  mapping: Pick<ActiveMapping, 'compiled'>,
  planned: T[],
  /** false for a dry run: read, but write nothing to the ledger. */
  { adopt }: { adopt: boolean },
): Promise<T[]> {
  const save: typeof saveObject = adopt ? saveObject : async () => {};
  const uncertain = planned.filter(({ record }) => record.inflightAt);
  if (uncertain.length === 0) return planned;
  const youngest = Math.max(...uncertain.map(({ record }) => record.inflightAt!.getTime()));
  const wait = youngest + SETTLE_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const loader = createReadLoader(conn);
  const searches = uncertain.flatMap((item) =>
    item.plan.steps.flatMap((step) => {
      if (step.op !== 'create' || !(step.object in PARENT_FIELD)) return [];
      const subject = step.fields.Subject;
      if (typeof subject !== 'string') return [];
      const parent = step.fields[PARENT_FIELD[step.object]!];
      const since = new Date(item.record.inflightAt!.getTime() - SLACK_MS);
      const where: ReadCondition[] = [
        { field: 'Subject', op: '=', value: subject },
        { field: 'CreatedDate', op: '>=', value: since },
      ];
      if (typeof parent === 'string')
        where.push({ field: PARENT_FIELD[step.object]!, op: '=', value: parent });
      // Several chats of one visitor share Subject and parent: the Description tells whose a candidate is.
      const fields = ['Id', 'Description', ...new Set(LINKS[step.object]!.map((l) => l.field))];
      const read = { object: step.object, fields, where, orderBy: CREATED, limit: 10 };
      return [{ item, step, found: loader.load(read) }];
    }),
  );
  const adopted = new Set<T>();
  const taken = new Set<string>();
  for (const { item, step, found } of searches) {
    const free = await unowned(prisma, item.record.tenantId, await found, taken);
    const row = await ownCandidate(prisma, item.record, step, free);
    if (!row || step.op !== 'create') continue;
    const id = row.Id!;
    taken.add(id);
    await save(prisma, item.record, { role: step.ref, sobjectType: step.object, salesforceId: id }, null);
    item.lookups.known = { ...item.lookups.known, [step.object === 'Task' ? 'taskId' : 'caseId']: id };
    await adoptParents(prisma, save, item, step, row);
    adopted.add(item);
  }
  for (const item of await adoptLostVisitors(prisma, loader, save, uncertain, adopted, taken))
    adopted.add(item);
  return planned.map((item) =>
    adopted.has(item)
      ? { ...item, plan: planEvent(mapping.compiled, item.event, item.lookups, { action: item.action }) }
      : item,
  );
}

/** The rows no chat's ledger owns and no earlier adoption of this recovery took, in the org's order. */
async function unowned(
  prisma: Prisma,
  tenantId: string,
  rows: SalesforceRecord[],
  taken: ReadonlySet<string>,
): Promise<SalesforceRecord[]> {
  const ids = rows.map((row) => row.Id).filter((id): id is string => typeof id === 'string');
  const owned = await prisma.syncObject.findMany({
    where: { salesforceId: { in: ids }, syncRecord: { tenantId } },
    select: { salesforceId: true },
  });
  const ownedIds = new Set(owned.map((o) => o.salesforceId));
  return rows.filter((row) => typeof row.Id === 'string' && !ownedIds.has(row.Id) && !taken.has(row.Id));
}

/** Filterable fields a created Lead/Contact/Account carries that identify what the lost write made. */
const CREATE_KEYS = ['LastName', 'FirstName', 'Company', 'Name', 'Email', 'Phone'];

/**
 * A lost write may have made the visitor's Lead/Contact/Account and not yet the Task/Case that would lead back to it
 * (sObject Collections write level by level). For a visitor with neither email nor phone, identification cannot find
 * it again, so look for it by the fields the write itself carried, created since the write left and owned by no
 * chat's ledger: adopting it keeps the retry from creating the visitor twice (issue 16.6).
 */
async function adoptLostVisitors<T extends Planned>(
  prisma: Prisma,
  loader: ReadLoader,
  save: typeof saveObject,
  uncertain: T[],
  adopted: Set<T>,
  taken: Set<string>,
): Promise<T[]> {
  const searches = uncertain.flatMap((item) =>
    adopted.has(item)
      ? []
      : item.plan.steps.flatMap((step) => {
          if (step.op !== 'create' || !(step.object in KNOWN_OF)) return [];
          const conditions = CREATE_KEYS.flatMap((field): ReadCondition[] => {
            const value = step.fields[field];
            return typeof value === 'string' && value.length <= 255 ? [{ field, op: '=', value }] : [];
          });
          if (conditions.length === 0) return [];
          const since = new Date(item.record.inflightAt!.getTime() - SLACK_MS);
          const where: ReadCondition[] = [...conditions, { field: 'CreatedDate', op: '>=', value: since }];
          const read = { object: step.object, fields: ['Id'], where, orderBy: CREATED, limit: 10 };
          return [{ item, step, found: loader.load(read) }];
        }),
  );
  const found: T[] = [];
  for (const { item, step, found: rows } of searches) {
    const id = (await unowned(prisma, item.record.tenantId, await rows, taken))[0]?.Id;
    if (!id || step.op !== 'create') continue;
    taken.add(id);
    await save(prisma, item.record, { role: step.ref, sobjectType: step.object, salesforceId: id }, null);
    const known = KNOWN_OF[step.object]!;
    item.lookups.known = { ...item.lookups.known, [known]: id };
    found.push(item);
  }
  return found;
}

/**
 * The candidate that is this chat's lost Task/Case. One whose Description is the one planned now is: a retry plans
 * the same content. Any other is this chat's only when no other chat of the visitor is uncertain too (every chat
 * whose write is settled owns its records); otherwise it may be that chat's lost write, and taking it would leave
 * this chat's own to be written again: a duplicate once the other write lands.
 */
async function ownCandidate(
  prisma: Prisma,
  record: OpenRecord,
  step: Extract<DmlPlan['steps'][number], { op: 'create' }>,
  free: SalesforceRecord[],
): Promise<SalesforceRecord | undefined> {
  const description = step.fields.Description;
  const same = free.find((row) => typeof description === 'string' && row.Description === description);
  if (same || free.length === 0) return same;
  const others = record.visitorKey
    ? await prisma.syncRecord.count({
        where: {
          tenantId: record.tenantId,
          visitorKey: record.visitorKey,
          id: { not: record.id },
          inflightAt: { not: null },
        },
      })
    : 0;
  return others === 0 ? free[0] : undefined;
}

/** The records the lost write created along with the Task/Case (the plan's creates its links referred to), as the
 *  Task/Case found in the org names them: adopted, so the next plan updates them instead of creating them again. */
async function adoptParents(
  prisma: Prisma,
  save: typeof saveObject,
  item: Planned,
  activity: Extract<DmlPlan['steps'][number], { op: 'create' }>,
  row: Record<string, unknown>,
): Promise<void> {
  const creates = new Map(item.plan.steps.flatMap((s) => (s.op === 'create' ? [[s.ref, s] as const] : [])));
  for (const link of LINKS[activity.object] ?? []) {
    const value = activity.fields[link.field];
    const id = row[link.field];
    if (value === null || typeof value !== 'object' || typeof id !== 'string') continue;
    const parent = creates.get(value.ref);
    if (!parent || KNOWN_OF[parent.object] !== link.known) continue;
    await save(prisma, item.record, { role: parent.ref, sobjectType: parent.object, salesforceId: id }, null);
    item.lookups.known = { ...item.lookups.known, [link.known]: id };
  }
}
