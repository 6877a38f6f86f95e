// Bounded storage: what one chat and one tenant may hold before it is synced. Refused at ingest, with the limit
// named, so no chat can grow past what a worker can load (issue: 95 × 25 MB attachments on one chat).
import type { Prisma } from '../db/open.ts';
import type { SourceKind } from '../generated/prisma/enums.ts';
import type { CxEvent } from '../mapping/event.ts';

export type StorageLimits = {
  eventsPerChat: number;
  attachmentsPerChat: number;
  bytesPerChat: number;
  pendingBytesPerTenant: number;
};

export const LIMITS: StorageLimits = {
  /** Events stored per chat (starts, ends, offline messages, agent actions, repeats with new content). */
  eventsPerChat: 200,
  /** Attachments across a chat's events. */
  attachmentsPerChat: 50,
  /** Bytes a chat's events hold, attachments included (as stored). */
  bytesPerChat: 100 * 1024 * 1024,
  /** Bytes of files of a tenant's chats not yet synced: a tenant whose org is away cannot fill the database. */
  pendingBytesPerTenant: 2 * 1024 * 1024 * 1024,
};

/** A worker loads at most this many bytes of events at once (one chat over it is loaded alone). */
export const MAX_LOAD_BYTES = 64 * 1024 * 1024;

export class StorageLimitError extends Error {
  override name = 'StorageLimitError';
  constructor(
    message: string,
    /** The input field the limit is about. */
    readonly field: 'attachments' | 'event',
  ) {
    super(message);
  }
}

const MB = 1024 * 1024;

/** Throws StorageLimitError when storing this event would take its chat or its tenant past a limit. */
export async function checkStorage(
  prisma: Prisma,
  input: { tenantId: string; sourceKind: SourceKind; event: CxEvent; bytes: number },
  limits: StorageLimits = LIMITS,
): Promise<void> {
  const { tenantId, sourceKind, event } = input;
  const [chat] = await prisma.$queryRaw<Array<{ events: number; bytes: bigint; attachments: number }>>`
    SELECT (SELECT count(*) FROM "SyncEvent" e WHERE e."syncRecordId" = r."id")::int AS "events",
           ((SELECT coalesce(sum(pg_column_size(e."payload")), 0) FROM "SyncEvent" e WHERE e."syncRecordId" = r."id")
            + (SELECT coalesce(sum(a."size"), 0) FROM "SyncAttachment" a WHERE a."syncRecordId" = r."id"))::bigint AS "bytes",
           (SELECT count(*) FROM "SyncAttachment" a WHERE a."syncRecordId" = r."id")::int AS "attachments"
      FROM "SyncRecord" r
     WHERE r."tenantId" = ${tenantId} AND r."sourceKind" = ${sourceKind}::"SourceKind" AND r."sourceId" = ${event.id}`;
  const held = {
    events: chat?.events ?? 0,
    bytes: Number(chat?.bytes ?? 0),
    attachments: chat?.attachments ?? 0,
  };
  const attachments = event.attachments?.length ?? 0;
  if (held.events + 1 > limits.eventsPerChat)
    throw new StorageLimitError(
      `A chat holds at most ${limits.eventsPerChat} events; this one is full.`,
      'event',
    );
  if (held.attachments + attachments > limits.attachmentsPerChat)
    throw new StorageLimitError(
      `A chat holds at most ${limits.attachmentsPerChat} attachments; it has ${held.attachments}, this event adds ${attachments}.`,
      'attachments',
    );
  if (held.bytes + input.bytes > limits.bytesPerChat)
    throw new StorageLimitError(
      `A chat holds at most ${limits.bytesPerChat / MB} MB (attachments included); it has ${Math.round(held.bytes / MB)} MB, this event adds ${Math.round(input.bytes / MB)} MB.`,
      attachments > 0 ? 'attachments' : 'event',
    );
  // Only events that carry files can be large: the tenant-wide sum is asked for those alone.
  if (attachments === 0) return;
  const [tenant] = await prisma.$queryRaw<Array<{ bytes: bigint }>>`
    SELECT coalesce(sum(a."size"), 0)::bigint AS "bytes"
      FROM "SyncRecord" r JOIN "SyncAttachment" a ON a."syncRecordId" = r."id"
     WHERE r."tenantId" = ${tenantId} AND r."status" NOT IN ('SYNCED', 'SKIPPED', 'DEAD')`;
  if (Number(tenant?.bytes ?? 0) + input.bytes > limits.pendingBytesPerTenant)
    throw new StorageLimitError(
      `The tenant's chats waiting to be synced hold at most ${limits.pendingBytesPerTenant / MB / 1024} GB; try again once they are synced.`,
      'attachments',
    );
}
