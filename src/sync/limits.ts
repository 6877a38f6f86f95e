// Bounded storage: what one chat and one tenant may hold before it is synced. Refused at ingest, with the limit
// named, so no chat can grow past what a worker can load (issue: 95 × 25 MB attachments on one chat).
import type { Prisma } from '../db/open.ts';

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

/** What a chat already holds. */
export interface HeldByChat {
  events: number;
  bytes: number;
  attachments: number;
}

export const NOTHING_HELD: HeldByChat = { events: 0, bytes: 0, attachments: 0 };

/** The limit that storing one more event (with `attachments` files, `bytes` in all) would break, or null. The SQL
 *  that stores an event checks the same bounds (ingest.ts); this names the one it found broken. */
export function storageRefusal(
  held: HeldByChat,
  event: { attachments: number; bytes: number },
  limits: StorageLimits = LIMITS,
): StorageLimitError | null {
  const { attachments } = event;
  if (held.events + 1 > limits.eventsPerChat)
    return new StorageLimitError(
      `A chat holds at most ${limits.eventsPerChat} events; this one is full.`,
      'event',
    );
  if (held.attachments + attachments > limits.attachmentsPerChat)
    return new StorageLimitError(
      `A chat holds at most ${limits.attachmentsPerChat} attachments; it has ${held.attachments}, this event adds ${attachments}.`,
      'attachments',
    );
  if (held.bytes + event.bytes > limits.bytesPerChat)
    return new StorageLimitError(
      `A chat holds at most ${limits.bytesPerChat / MB} MB (attachments included); it has ${Math.round(held.bytes / MB)} MB, this event adds ${Math.round(event.bytes / MB)} MB.`,
      attachments > 0 ? 'attachments' : 'event',
    );
  return null;
}

/** Throws StorageLimitError when an event's files would take its tenant's unsynced files past the limit. Only
 *  events that carry files can be large: the tenant-wide sum is asked for those alone. */
export async function checkTenantFiles(
  prisma: Prisma,
  input: { tenantId: string; bytes: number },
  limits: StorageLimits = LIMITS,
): Promise<void> {
  const [tenant] = await prisma.$queryRaw<Array<{ bytes: bigint }>>`
    SELECT coalesce(sum(a."size"), 0)::bigint AS "bytes"
      FROM "SyncRecord" r JOIN "SyncAttachment" a ON a."syncRecordId" = r."id"
     WHERE r."tenantId" = ${input.tenantId} AND r."status" NOT IN ('SYNCED', 'SKIPPED', 'DEAD')`;
  if (Number(tenant?.bytes ?? 0) + input.bytes > limits.pendingBytesPerTenant)
    throw new StorageLimitError(
      `The tenant's chats waiting to be synced hold at most ${limits.pendingBytesPerTenant / MB / 1024} GB; try again once they are synced.`,
      'attachments',
    );
}
