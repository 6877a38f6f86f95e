// Stores an event without an interactive transaction: one statement checks the chat's storage limits, creates (or
// finds) the chat's record and adds the event, deduplicated; the state machine reopens a finished chat; a job wakes a
// worker. The record's next time is set as it is stored, so a job lost between the statement and the send (crash,
// outage) is woken by the sweeper.
import { createHash } from 'node:crypto';
import type { Prisma } from '../db/open.ts';
import type { SourceKind, SyncRecord } from '../generated/prisma/client.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { ManualAction } from '../mapping/plan.ts';
import { splitAttachments } from './attachments.ts';
import type { JobSender } from './job-sender.ts';
import { ACTION_PREFIX } from './ledger.ts';
import {
  checkTenantFiles,
  LIMITS,
  NOTHING_HELD,
  StorageLimitError,
  type StorageLimits,
  storageRefusal,
} from './limits.ts';
import type { SyncJob } from './queue.ts';
import { DEFAULT_TIMING, type Timing, TRANSITIONS, transition } from './state.ts';
import type { EventStore } from './store-events.ts';
import { normalizeVisitorKey } from './visitor-key.ts';

/** How long a chat stored with `wake: false` waits for the sweeper if its batch's jobs are never sent (a crash
 *  between storing and sending): longer than storing a large batch takes on a busy machine. */
export const BATCH_WAKE_SECONDS = 120;

export interface IngestResult {
  record: { id: string };
  /** The same event was delivered before: nothing new was stored. */
  duplicate: boolean;
  /** The record as the statement left it, when nothing changed it after (a new chat, a repeat): the caller need not
   *  read it again. Absent when a finished chat was reopened. */
  row?: SyncRecord;
  /** The job that wakes a worker for it, when the caller sends jobs itself (`wake: false`). */
  job?: SyncJob;
}

export interface IngestDeps {
  prisma: Prisma;
  events: EventStore;
  jobs: JobSender;
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
    /** false: answer the job instead of sending it, so that a batch's jobs are sent together (see JobSender.sendAll). */
    wake?: boolean;
  },
): Promise<IngestResult> {
  const { tenantId, sourceKind, event } = input;
  const limits = deps.limits ?? LIMITS;
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
  const adding = {
    attachments: event.attachments?.length ?? 0,
    bytes: Buffer.byteLength(payload) + (stored.attachments?.reduce((n, a) => n + a.size, 0) ?? 0),
  };
  // An event over a limit on its own is refused before any statement; the chat's share is checked by the statement.
  const alone = storageRefusal(NOTHING_HELD, adding, limits);
  if (alone) throw alone;
  if (adding.attachments > 0) await checkTenantFiles(deps.prisma, { tenantId, bytes: adding.bytes }, limits);
  // One statement (shared with the events of concurrent requests): what the chat holds, the record created (or
  // found) only if the event fits, the event added once, and its files. A new record is PENDING with its next time.
  const row = await deps.events.store({
    recordId: randomId(),
    eventRowId: randomId(),
    tenantId,
    sourceKind,
    sourceId: event.id,
    visitorKey,
    visitorName: visitor.name,
    visitorEmail: visitor.email,
    visitorPhone: visitor.phone,
    nextAttemptAt: new Date(Date.now() + timing.wakeSeconds * 1000),
    kind: event.kind,
    dedupeKey,
    payload,
    ...adding,
    files,
  });
  if (!row?.id) {
    // Refused: the chat's events, files or bytes would pass a limit; name the one.
    const held = {
      events: row?.heldEvents ?? 0,
      bytes: Number(row?.heldBytes ?? 0),
      attachments: row?.heldAttachments ?? 0,
    };
    throw storageRefusal(held, adding, limits) ?? new StorageLimitError('The chat is full.', 'event');
  }
  const { i, inserted, stored: isNew, heldEvents, heldBytes, heldAttachments, ...record } = row;
  if (!isNew) return { record, duplicate: true, row: record };
  const job = jobOf(record);
  // A finished chat (synced, dead-lettered, waiting to retry) is reopened by its new event.
  const reopen = !inserted && TRANSITIONS.eventArrived.includes(record.status);
  if (reopen) await transition(deps.prisma, [record.id], { type: 'eventArrived' }, timing);
  if (input.wake === false) return { record, duplicate: false, job, ...(reopen ? {} : { row: record }) };
  await deps.jobs.send(job);
  return { record, duplicate: false, ...(reopen ? {} : { row: record }) };
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
  await transition(deps.prisma, [record.id], { type: 'eventArrived' }, deps.timing);
  await deps.jobs.send(jobOf(record));
  return { record, duplicate: false };
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
