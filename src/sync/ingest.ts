// Stores an event and its job in one transaction: once the mutation answers, the work survives any crash.
import { createHash } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Prisma } from '../db/open.ts';
import type { SourceKind, SyncRecord } from '../generated/prisma/client.ts';
import type { CxEvent } from '../mapping/event.ts';
import { enqueueOptions, SYNC_QUEUE, type SyncJob } from './queue.ts';
import { normalizeVisitorKey } from './visitor-key.ts';

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
        const existing = await tx.syncRecord.findUnique({ where });
        const record =
          existing ??
          (await tx.syncRecord.create({ data: { tenantId, sourceKind, sourceId: event.id, visitorKey } }));
        const stored = await tx.syncEvent.createMany({
          data: [{ syncRecordId: record.id, kind: event.kind, dedupeKey, payload: event as object }],
          skipDuplicates: true,
        });
        if (stored.count === 0) return { record, duplicate: true };
        // A new event reopens a finished or dead-lettered sync; a waiting one keeps waiting for its connection.
        const reopened =
          record.status === 'WAITING_FOR_CONNECTION' || record.status === 'NEEDS_REVIEW'
            ? record
            : await tx.syncRecord.update({
                where: { id: record.id },
                data: { status: 'PENDING', nextAttemptAt: null },
              });
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
