// Stores an event without an interactive transaction: one statement creates (or finds) the chat's record and adds
// the event, deduplicated; the state machine reopens a finished chat; a job wakes a worker. The record's next time
// is set as it is stored, so a job lost between the statement and the send (crash, outage) is woken by the sweeper.
import { createHash } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Prisma } from '../db/open.ts';
import type { SourceKind, SyncRecord } from '../generated/prisma/client.ts';
import type { Logger } from '../log.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { ManualAction } from '../mapping/plan.ts';
import { splitAttachments } from './attachments.ts';
import { ACTION_PREFIX } from './ledger.ts';
import { checkStorage, type StorageLimits } from './limits.ts';
import { enqueueOptions, type SqlExecutor, SYNC_QUEUE, type SyncJob } from './queue.ts';
import { DEFAULT_TIMING, type Timing, transition } from './state.ts';
import { normalizeVisitorKey } from './visitor-key.ts';

/** How long a chat stored with `wake: false` waits for the sweeper if its batch's jobs are never sent (a crash
 *  between storing and sending): longer than storing a large batch takes on a busy machine. */
export const BATCH_WAKE_SECONDS = 120;

export interface IngestResult {
  record: { id: string };
  /** The same event was delivered before: nothing new was stored. */
  duplicate: boolean;
  /** The job that wakes a worker for it, when the caller sends jobs itself (`wake: false`). */
  job?: SyncJob;
}

export interface IngestDeps {
  prisma: Prisma;
  boss: PgBoss;
  log: Logger;
  /** The connection pool the job is inserted through (the API's, not the workers'). */
  sql?: SqlExecutor;
  timing?: Timing;
  limits?: StorageLimits;
}

export async function ingestEvent(
  deps: IngestDeps,
  input: {
    tenantId: string;
    sourceKind: SourceKind;
    event: CxEvent;
    eventId?: string | null;
    /** false: answer the job instead of sending it, so that a batch's jobs are sent together (see wakeAll). */
    wake?: boolean;
  },
): Promise<IngestResult> {
  const { tenantId, sourceKind, event } = input;
  const base = deps.timing ?? DEFAULT_TIMING;
  // A chat of a batch is woken with the batch's other chats once all are stored; the sweeper is only the backstop
  // for that send, and must not wake a long batch's first chats slice by slice while the rest are still stored.
  const timing =
    input.wake === false ? { ...base, wakeSeconds: Math.max(base.wakeSeconds, BATCH_WAKE_SECONDS) } : base;
  const dedupeKey = dedupeKeyOf(event, input.eventId);
  const visitorKey = normalizeVisitorKey(event.visitor);
  const visitor = visitorColumns(event.visitor);
  // Files apart from the event: the event stays small to load; a file is read only to upload it.
  const { stored, files } = splitAttachments(event);
  const payload = JSON.stringify(stored);
  const fileBytes = stored.attachments?.reduce((n, a) => n + a.size, 0) ?? 0;
  await checkStorage(
    deps.prisma,
    { tenantId, sourceKind, event, bytes: Buffer.byteLength(payload) + fileBytes },
    deps.limits,
  );
  // INSERT … ON CONFLICT for both rows: concurrent first events of one chat find one record, repeats add nothing.
  const rows = await deps.prisma.$queryRaw<Array<{ id: string; visitorKey: string | null; stored: number }>>`
    WITH record AS (
      INSERT INTO "SyncRecord" ("id", "tenantId", "sourceKind", "sourceId", "visitorKey", "visitorName",
                                "visitorEmail", "visitorPhone", "nextAttemptAt", "updatedAt")
      VALUES (${randomId()}, ${tenantId}, ${sourceKind}::"SourceKind", ${event.id}, ${visitorKey}, ${visitor.name},
              ${visitor.email}, ${visitor.phone}, ${new Date(Date.now() + timing.wakeSeconds * 1000)}, now())
      -- The latest event names the visitor; what it leaves out keeps the value an earlier one gave.
      ON CONFLICT ("tenantId", "sourceKind", "sourceId") DO UPDATE SET
        "visitorName" = coalesce(EXCLUDED."visitorName", "SyncRecord"."visitorName"),
        "visitorEmail" = coalesce(EXCLUDED."visitorEmail", "SyncRecord"."visitorEmail"),
        "visitorPhone" = coalesce(EXCLUDED."visitorPhone", "SyncRecord"."visitorPhone")
      RETURNING "id", "visitorKey"
    ), event AS (
      INSERT INTO "SyncEvent" ("id", "syncRecordId", "kind", "dedupeKey", "payload")
      SELECT ${randomId()}, record."id", ${event.kind}, ${dedupeKey}, ${payload}::jsonb FROM record
      ON CONFLICT ("syncRecordId", "dedupeKey") DO NOTHING
      RETURNING "id"
    ), file AS (
      -- Only with a new event (joined on its row); a later file of the same name replaces the earlier one.
      INSERT INTO "SyncAttachment" ("id", "syncRecordId", "name", "contentType", "size", "data")
      SELECT gen_random_uuid()::text, record."id", f."name", f."contentType", length(decode(f."base64", 'base64')),
             decode(f."base64", 'base64')
        FROM record, event, jsonb_to_recordset(${JSON.stringify(files)}::jsonb)
             AS f("name" text, "contentType" text, "base64" text)
      ON CONFLICT ("syncRecordId", "name") DO UPDATE
        SET "data" = EXCLUDED."data", "size" = EXCLUDED."size", "contentType" = EXCLUDED."contentType"
    )
    SELECT record."id", record."visitorKey", (SELECT count(*) FROM event)::int AS "stored" FROM record`;
  const row = rows[0]!;
  if (row.stored === 0) return { record: { id: row.id }, duplicate: true };
  const record = { id: row.id, tenantId, visitorKey: row.visitorKey };
  if (input.wake === false) {
    await transition(deps.prisma, [record.id], { type: 'eventArrived' }, timing);
    return { record, duplicate: false, job: jobOf(record) };
  }
  await reopenAndWake(deps, record);
  return { record, duplicate: false };
}

/** Stores an agent's action on a recorded chat as one of its events. A repeated action is a duplicate: it was (or
 *  will be) done once. */
export async function ingestAction(
  deps: IngestDeps,
  input: { record: SyncRecord; action: ManualAction; actor: string },
): Promise<IngestResult> {
  const { record, action } = input;
  const stored = await deps.prisma.syncEvent.createMany({
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
  await reopenAndWake(deps, record);
  return { record, duplicate: false };
}

/** A new event reopens a finished or dead-lettered sync (one waiting for its connection or an agent keeps waiting),
 *  and a job wakes a worker at once. */
async function reopenAndWake(
  deps: IngestDeps,
  record: { id: string; tenantId: string; visitorKey: string | null },
): Promise<void> {
  await transition(deps.prisma, [record.id], { type: 'eventArrived' }, deps.timing);
  const job = jobOf(record);
  try {
    await deps.boss.send(SYNC_QUEUE, job as object, {
      ...enqueueOptions(job),
      ...(deps.sql ? { db: deps.sql } : {}),
    });
  } catch (error) {
    // Stored is what counts: the sweeper wakes the record when its time comes.
    deps.log.warn({ err: error, tenantId: record.tenantId }, 'could not queue a sync job; the sweeper will');
  }
}

/** Sends a batch's jobs in one statement: a worker polling meanwhile sees all of them or none, so the batch is
 *  planned and written together instead of in whatever slices the polls happened to cut. */
export async function wakeAll(deps: IngestDeps, jobs: SyncJob[]): Promise<void> {
  const unique = new Map(jobs.map((job) => [`${job.tenantId}:${job.key}`, job]));
  if (unique.size === 0) return;
  try {
    await deps.boss.insert(
      [...unique.values()].map((job) => ({
        name: SYNC_QUEUE,
        data: job,
        singletonKey: enqueueOptions(job).singletonKey,
      })),
      deps.sql ? { db: deps.sql } : {},
    );
  } catch (error) {
    deps.log.warn({ err: error }, 'could not queue sync jobs; the sweeper will');
  }
}

function jobOf(record: { id: string; tenantId: string; visitorKey: string | null }): SyncJob {
  return { tenantId: record.tenantId, key: record.visitorKey ?? `record:${record.id}` };
}

/** The visitor as the sync log shows them: a name (or first and last name), email and phone, blanks as absent. */
function visitorColumns(visitor: CxEvent['visitor']): {
  name: string | null;
  email: string | null;
  phone: string | null;
} {
  const clean = (value: string | undefined) => value?.trim() || null;
  return {
    name: clean(visitor.name) ?? clean([visitor.firstName, visitor.lastName].filter(Boolean).join(' ')),
    email: clean(visitor.email),
    phone: clean(visitor.phone),
  };
}

/** What makes a repeat of an event a duplicate: CloudCX's event id, or without one the event's content. */
export function dedupeKeyOf(event: CxEvent, eventId?: string | null): string {
  return eventId ? `id:${eventId}` : `sha256:${hashEvent(event)}`;
}

function randomId(): string {
  return crypto.randomUUID();
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
