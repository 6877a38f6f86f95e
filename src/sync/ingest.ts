// Stores an event and its job in one transaction: once the mutation answers, the work survives any crash.
import { createHash } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Prisma } from '../db/open.ts';
import type { SourceKind, SyncRecord } from '../generated/prisma/client.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { ManualAction } from '../mapping/plan.ts';
import { ACTION_PREFIX } from './ledger.ts';
import { enqueueOptions, SYNC_QUEUE, type SyncJob } from './queue.ts';
import { normalizeVisitorKey } from './visitor-key.ts';

/** Statuses a new event turns back into PENDING; the others already wait for work (or for a person). */
const REOPENED_BY_EVENTS = new Set(['SYNCED', 'DEAD', 'SKIPPED', 'RETRYING']);

export interface IngestResult {
  record: SyncRecord;
  /** The same event was delivered before: nothing new was stored. */
  duplicate: boolean;
}

export async function ingestEvent(
  deps: { prisma: Prisma; boss: PgBoss },
  input: { tenantId: string; sourceKind: SourceKind; event: CxEvent; eventId?: string | null },
): Promise<IngestResult> {
  const { tenantId, sourceKind, event } = input;
  const dedupeKey = input.eventId ? `id:${input.eventId}` : `sha256:${hashEvent(event)}`;
  const visitorKey = normalizeVisitorKey(event.visitor);
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.prisma.$transaction(async (tx) => {
        const where = { tenantId_sourceKind_sourceId: { tenantId, sourceKind, sourceId: event.id } };
        // One statement (INSERT … ON CONFLICT): the first event of a chat creates its record, later ones find it.
        const record = await tx.syncRecord.upsert({
          where,
          create: { tenantId, sourceKind, sourceId: event.id, visitorKey },
          update: {},
        });
        const stored = await tx.syncEvent.createMany({
          data: [{ syncRecordId: record.id, kind: event.kind, dedupeKey, payload: event as object }],
          skipDuplicates: true,
        });
        if (stored.count === 0) return { record, duplicate: true };
        // A new event reopens a finished or dead-lettered sync; a waiting one keeps waiting for its connection.
        const reopened = REOPENED_BY_EVENTS.has(record.status)
          ? await tx.syncRecord.update({
              where: { id: record.id },
              data: { status: 'PENDING', nextAttemptAt: null },
            })
          : record;
        const job: SyncJob = { tenantId, key: record.visitorKey ?? `record:${record.id}` };
        await deps.boss.send(SYNC_QUEUE, job as object, {
          ...enqueueOptions(job),
          db: transactionExecutor(tx),
        });
        return { record: reopened, duplicate: false };
      });
    } catch (error) {
      // Two first events of one chat at once: the loser of the unique key tries again and finds the record.
      if (attempt < 2 && (error as { code?: string }).code === 'P2002') continue;
      throw error;
    }
  }
}

/** Stores an agent's action on a recorded chat as one of its events, with its job, in one transaction. A repeated
 *  action is a duplicate: it was (or will be) done once. */
export async function ingestAction(
  deps: { prisma: Prisma; boss: PgBoss },
  input: { record: SyncRecord; action: ManualAction; actor: string },
): Promise<IngestResult> {
  const { record, action } = input;
  return deps.prisma.$transaction(async (tx) => {
    const stored = await tx.syncEvent.createMany({
      data: [
        {
          syncRecordId: record.id,
          kind: `${ACTION_PREFIX}${action}`,
          dedupeKey: `action:${action}`,
          payload: { action, actor: input.actor },
        },
      ],
      skipDuplicates: true,
    });
    if (stored.count === 0) return { record, duplicate: true };
    // As a new event: reopens a skipped or finished chat; one waiting (for its connection, an agent) keeps waiting.
    const reopened = REOPENED_BY_EVENTS.has(record.status)
      ? await tx.syncRecord.update({
          where: { id: record.id },
          data: { status: 'PENDING', nextAttemptAt: null },
        })
      : record;
    const job: SyncJob = { tenantId: record.tenantId, key: record.visitorKey ?? `record:${record.id}` };
    await deps.boss.send(SYNC_QUEUE, job as object, { ...enqueueOptions(job), db: transactionExecutor(tx) });
    return { record: reopened, duplicate: false };
  });
}

type Transaction = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/** Lets pg-boss insert its job through the caller's Prisma transaction. */
export function transactionExecutor(tx: Transaction) {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const params = values.map((value) =>
        value === undefined
          ? null
          : value !== null && typeof value === 'object' && !(value instanceof Date)
            ? JSON.stringify(value)
            : value,
      );
      return { rows: await tx.$queryRawUnsafe<unknown[]>(text, ...params) };
    },
  };
}

function hashEvent(event: CxEvent): string {
  return createHash('sha256').update(stableJson(event)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
