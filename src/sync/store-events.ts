// Stores events many per statement ("group commit"): while statements are on their way, the events of the requests
// that arrive meanwhile wait and go together in the next one. A lone event still leaves at once; under load, one
// statement (parsed, planned and committed once) stores dozens, which is what keeps PostgreSQL and the API's own CPU
// within a few hundred chats a second on two cores. Each event's outcome is its own row of the answer.
import type { Prisma } from '../db/open.ts';
import { sqlStateOf } from '../db/unavailable.ts';
import type { SourceKind, SyncRecord } from '../generated/prisma/client.ts';
import type { StorageLimits } from './limits.ts';

/** One event to store, as ingest.ts prepared it. */
export interface EventRow {
  recordId: string;
  eventRowId: string;
  tenantId: string;
  sourceKind: SourceKind;
  sourceId: string;
  visitorKey: string | null;
  visitorName: string | null;
  visitorEmail: string | null;
  visitorPhone: string | null;
  nextAttemptAt: Date;
  kind: string;
  dedupeKey: string;
  /** The event as stored (JSON text). */
  payload: string;
  attachments: number;
  bytes: number;
  files: Array<{ name: string; contentType: string | null; base64: string }>;
}

/** The record after the statement (its columns null when the event did not fit the chat's limits), whether the
 *  event was new, and what the chat held before (when it existed). */
export type StoredRow = SyncRecord & {
  i: number;
  inserted: boolean | null;
  stored: boolean;
  heldEvents: number | null;
  heldBytes: bigint | null;
  heldAttachments: number | null;
};

/** Rows per statement: bounded so that one statement stays short for the requests that wait on it. */
const MAX_ROWS = 100;
/** Statements on their way at once: one can be written while another commits. */
const MAX_IN_FLIGHT = 2;
/** PostgreSQL's answers to a lock cycle between concurrent statements: the events are stored again one by one. */
const CONFLICT_CODES = new Set(['40P01', '40001']);

interface Waiting {
  row: EventRow;
  resolve: (stored: StoredRow) => void;
  reject: (error: unknown) => void;
}

export class EventStore {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly prisma: Prisma,
    private readonly limits: StorageLimits,
  ) {}

  store(row: EventRow): Promise<StoredRow> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next statement's events, in arrival order: an event with files goes alone (its bytes would hold up the
   *  others), and a chat has at most one event per statement (a row is inserted or updated once per statement). */
  private take(): Waiting[] {
    const first = this.waiting[0]!;
    if (first.row.files.length > 0) return this.waiting.splice(0, 1);
    const batch: Waiting[] = [];
    const chats = new Set<string>();
    const rest: Waiting[] = [];
    for (const item of this.waiting) {
      const chat = `${item.row.tenantId}|${item.row.sourceKind}|${item.row.sourceId}`;
      if (batch.length < MAX_ROWS && item.row.files.length === 0 && !chats.has(chat)) {
        chats.add(chat);
        batch.push(item);
      } else rest.push(item);
    }
    this.waiting = rest;
    return batch;
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const rows = await this.insert(batch.map((w) => w.row));
      batch.forEach((w, i) => {
        const row = rows.find((r) => r.i === i);
        if (row) w.resolve(row);
        else w.reject(new Error('the event was not answered by its statement'));
      });
    } catch (error) {
      if (batch.length > 1 && CONFLICT_CODES.has(sqlStateOf(error) ?? '')) {
        // Concurrent statements (another process) locked rows in a cycle: store each alone, which cannot.
        for (const w of batch) await this.run([w]);
        return;
      }
      for (const w of batch) w.reject(error);
    }
  }

  private insert(rows: EventRow[]): Promise<StoredRow[]> {
    const { limits } = this;
    const input = JSON.stringify(rows.map(({ files, ...row }, i) => ({ ...row, i })));
    // Only a statement of one event carries files (see take).
    const files = JSON.stringify(rows.length === 1 ? rows[0]!.files : []);
    // What each chat holds, the records created (or found) for the events that fit, the events added once (INSERT …
    // ON CONFLICT for both: concurrent first events of one chat find one record, repeats add nothing), the files.
    // Rows are written in the order of their keys, so concurrent statements lock them in one order.
    return this.prisma.$queryRaw<StoredRow[]>`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS x(
          "i" int, "recordId" text, "eventRowId" text, "tenantId" text, "sourceKind" text, "sourceId" text,
          "visitorKey" text, "visitorName" text, "visitorEmail" text, "visitorPhone" text,
          "nextAttemptAt" timestamp(3), "kind" text, "dedupeKey" text, "payload" text, "attachments" int,
          "bytes" bigint)
      ), held AS (
        SELECT input."i",
               (SELECT count(*) FROM "SyncEvent" e WHERE e."syncRecordId" = r."id")::int AS "events",
               ((SELECT coalesce(sum(pg_column_size(e."payload")), 0) FROM "SyncEvent" e
                  WHERE e."syncRecordId" = r."id")
                + (SELECT coalesce(sum(a."size"), 0) FROM "SyncAttachment" a WHERE a."syncRecordId" = r."id")
               )::bigint AS "bytes",
               (SELECT count(*) FROM "SyncAttachment" a WHERE a."syncRecordId" = r."id")::int AS "attachments"
          FROM input JOIN "SyncRecord" r
            ON r."tenantId" = input."tenantId" AND r."sourceKind" = input."sourceKind"::"SourceKind"
           AND r."sourceId" = input."sourceId"
      ), fits AS (
        SELECT input.* FROM input LEFT JOIN held ON held."i" = input."i"
         WHERE held."i" IS NULL
            OR NOT (held."events" + 1 > ${limits.eventsPerChat}
                    OR held."attachments" + input."attachments" > ${limits.attachmentsPerChat}
                    OR held."bytes" + input."bytes" > ${limits.bytesPerChat})
      ), record AS (
        INSERT INTO "SyncRecord" ("id", "tenantId", "sourceKind", "sourceId", "visitorKey", "visitorName",
                                  "visitorEmail", "visitorPhone", "nextAttemptAt", "updatedAt")
        SELECT "recordId", "tenantId", "sourceKind"::"SourceKind", "sourceId", "visitorKey", "visitorName",
               "visitorEmail", "visitorPhone", "nextAttemptAt", now()
          FROM fits ORDER BY "tenantId", "sourceKind", "sourceId"
        -- The latest event names the visitor; what it leaves out keeps the value an earlier one gave.
        ON CONFLICT ("tenantId", "sourceKind", "sourceId") DO UPDATE SET
          "visitorName" = coalesce(EXCLUDED."visitorName", "SyncRecord"."visitorName"),
          "visitorEmail" = coalesce(EXCLUDED."visitorEmail", "SyncRecord"."visitorEmail"),
          "visitorPhone" = coalesce(EXCLUDED."visitorPhone", "SyncRecord"."visitorPhone")
        RETURNING *, (xmax = 0) AS "inserted"
      ), event AS (
        INSERT INTO "SyncEvent" ("id", "syncRecordId", "kind", "dedupeKey", "payload")
        SELECT fits."eventRowId", record."id", fits."kind", fits."dedupeKey", fits."payload"::jsonb
          FROM fits JOIN record
            ON record."tenantId" = fits."tenantId" AND record."sourceKind" = fits."sourceKind"::"SourceKind"
           AND record."sourceId" = fits."sourceId"
         ORDER BY record."id"
        ON CONFLICT ("syncRecordId", "dedupeKey") DO NOTHING
        RETURNING "id", "syncRecordId"
      ), file AS (
        -- Only with a new event (joined on its row); a later file of the same name replaces the earlier one.
        INSERT INTO "SyncAttachment" ("id", "syncRecordId", "name", "contentType", "size", "data")
        SELECT gen_random_uuid()::text, event."syncRecordId", f."name", f."contentType",
               length(decode(f."base64", 'base64')), decode(f."base64", 'base64')
          FROM event, jsonb_to_recordset(${files}::jsonb) AS f("name" text, "contentType" text, "base64" text)
        ON CONFLICT ("syncRecordId", "name") DO UPDATE
          SET "data" = EXCLUDED."data", "size" = EXCLUDED."size", "contentType" = EXCLUDED."contentType"
      )
      SELECT input."i", record.*, (event."id" IS NOT NULL) AS "stored",
             held."events" AS "heldEvents", held."bytes" AS "heldBytes", held."attachments" AS "heldAttachments"
        FROM input
        LEFT JOIN record
          ON record."tenantId" = input."tenantId" AND record."sourceKind" = input."sourceKind"::"SourceKind"
         AND record."sourceId" = input."sourceId"
        LEFT JOIN event ON event."syncRecordId" = record."id"
        LEFT JOIN held ON held."i" = input."i"`;
  }
}
