// After a crash or a dropped connection while writes were in flight, their outcome is unknown: the org may hold a
// Task or Case the ledger never heard of. Before writing again, look for it and adopt it, so a retry never
// duplicates. (A Lead or Contact made by the lost call is found by identification itself.)
import type { Connection } from 'jsforce';
import type { Prisma } from '../db/open.ts';
import type { CxEvent } from '../mapping/event.ts';
import { type DmlPlan, type LookupResults, type ManualAction, planEvent } from '../mapping/index.ts';
import { soqlString } from '../mapping/soql.ts';
import { createQueryLoader } from '../salesforce/query-loader.ts';
import { type OpenRecord, saveObject } from './ledger.ts';
import type { ActiveMapping } from './mapping-versions.ts';

// Clock skew between us and the org, and the time the lost call took.
const SLACK_MS = 5 * 60 * 1000;

const PARENT_FIELD: Record<string, string> = { Task: 'WhoId', Case: 'ContactId' };

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
  mapping: ActiveMapping,
  planned: T[],
): Promise<T[]> {
  const uncertain = planned.filter(({ record }) => record.inflightAt);
  if (uncertain.length === 0) return planned;
  const loader = createQueryLoader(conn);
  const searches = uncertain.flatMap((item) =>
    item.plan.steps.flatMap((step) => {
      if (step.op !== 'create' || !(step.object in PARENT_FIELD)) return [];
      const subject = step.fields.Subject;
      if (typeof subject !== 'string') return [];
      const parent = step.fields[PARENT_FIELD[step.object]!];
      const since = new Date(item.record.inflightAt!.getTime() - SLACK_MS)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      const conditions = [`Subject = ${soqlString(subject)}`, `CreatedDate >= ${since}`];
      if (typeof parent === 'string') conditions.push(`${PARENT_FIELD[step.object]} = ${soqlString(parent)}`);
      // Several chats of one visitor share Subject and parent: take any candidate no other chat owns. Should two
      // lost Tasks trade places, the update planned next rewrites each with its own chat's content.
      const soql = `SELECT Id FROM ${step.object} WHERE ${conditions.join(' AND ')} ORDER BY CreatedDate LIMIT 10`;
      return [{ item, step, found: loader.load(soql) }];
    }),
  );
  const adopted = new Set<T>();
  const taken = new Set<string>();
  for (const { item, step, found } of searches) {
    const candidates = (await found)
      .map((row) => row.Id)
      .filter((id): id is string => typeof id === 'string');
    const owned = await prisma.syncObject.findMany({
      where: { salesforceId: { in: candidates }, syncRecord: { tenantId: item.record.tenantId } },
      select: { salesforceId: true },
    });
    const ownedIds = new Set(owned.map((o) => o.salesforceId));
    const id = candidates.find((candidate) => !ownedIds.has(candidate) && !taken.has(candidate));
    if (!id || step.op !== 'create') continue;
    taken.add(id);
    await saveObject(
      prisma,
      item.record,
      { role: step.ref, sobjectType: step.object, salesforceId: id },
      null,
    );
    item.lookups.known = { ...item.lookups.known, [step.object === 'Task' ? 'taskId' : 'caseId']: id };
    adopted.add(item);
  }
  return planned.map((item) =>
    adopted.has(item)
      ? { ...item, plan: planEvent(mapping.compiled, item.event, item.lookups, { action: item.action }) }
      : item,
  );
}
