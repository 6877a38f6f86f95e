// A chat's sync state, in one place: the only writer of SyncRecord's status, attempts, nextAttemptAt and
// lastErrorCode/lastError. Every change is an event applied through the transition table below, as one guarded
// UPDATE (`WHERE status IN from`), so two writers cannot move a record from a state it has already left.
//
// Every open status carries a next time (`nextAttemptAt`) that the sweeper honours: PENDING and RETRYING are due
// then; RUNNING holds a lease until then (renewed while its worker lives), and a record whose lease ran out belongs
// to a worker that died. Jobs only wake work early; the sweeper is what guarantees it happens.
import type { Prisma } from '../db/open.ts';
import type { Prisma as PrismaNamespace } from '../generated/prisma/client.ts';
import { SyncStatus } from '../generated/prisma/enums.ts';

/** Every status, declared once (by the Prisma schema's enum). */
export const STATUSES = Object.values(SyncStatus) as SyncStatus[];
/** Statuses with work left to do; each has a next time the sweeper honours. */
export const OPEN_STATUSES: SyncStatus[] = ['PENDING', 'RETRYING', 'RUNNING'];
/** Statuses that wait for a person or are done: waiting for an outcome stops there. */
export const SETTLED_STATUSES: SyncStatus[] = [
  'SYNCED',
  'DEAD',
  'NEEDS_REVIEW',
  'WAITING_FOR_CONNECTION',
  'SKIPPED',
];

/** Attempts before a chat's sync is dead-lettered (visible in `syncRecords`, retried by `retrySync`). */
export const MAX_ATTEMPTS = 6;

/** The code a chat waiting for the tenant's API budget shows (PENDING, neither failed nor dead). */
export const BUDGET_WAIT_CODE = 'API_BUDGET';
/** The tenant's active mapping does not compile: every chat waits, with the problem, until a valid one is published. */
export const MAPPING_INVALID_CODE = 'MAPPING_INVALID';

export interface SyncError {
  code: string;
  message: string;
}

export interface Timing {
  /** How long a worker holds a record it runs; renewed while it lives. */
  leaseSeconds: number;
  /** A new record's job should have run by then; past it, the sweeper wakes it. */
  wakeSeconds: number;
}

export const DEFAULT_TIMING: Timing = { leaseSeconds: 15, wakeSeconds: 10 };

/** What can happen to a record. */
export type SyncEvent =
  /** A new event of the chat (or an agent's action) was stored. */
  | { type: 'eventArrived' }
  /** A worker takes the record (the record's lease, if RUNNING, has run out). */
  | { type: 'claim' }
  /** The worker holding the record is alive. */
  | { type: 'heartbeat' }
  /** The sweeper woke the record; it looks again later if that wake is lost too. */
  | { type: 'woken' }
  | { type: 'synced' }
  /** Nothing to write (manual mode with no action yet). */
  | { type: 'skipped' }
  /** One of several agent actions is done; the worker plans the next at once. */
  | { type: 'actionDone' }
  /** A transient failure of this chat: retried with backoff, dead-lettered after MAX_ATTEMPTS. */
  | { type: 'failed'; error: SyncError; attempts: number }
  /** The org refused the data: retrying the same data cannot help. */
  | { type: 'dead'; error: SyncError }
  | { type: 'review'; error: SyncError }
  /** Waiting for the API budget until `until`; the reason is kept when none is given. */
  | { type: 'budgetWait'; reason?: string; until: Date }
  /** A failure of the tenant, not of the chat (mapping does not compile, Salesforce unreachable): the attempt is
   *  given back and the chat looks again at `until`. */
  | { type: 'tenantBlocked'; error: SyncError; until: Date }
  /** The Salesforce connection is gone: the chat waits for a reconnection. */
  | { type: 'connectionLost'; error: SyncError }
  /** The cause of a wait is fixed (reconnected, a mapping published): due now. */
  | { type: 'resume' }
  /** An agent asked for it (retrySync, a match resolved): a fresh count of attempts. */
  | { type: 'retryRequested' }
  /** A claim given back untouched (another worker holds part of the visitor): the status and time it had before,
   *  and the attempt the claim counted. */
  | { type: 'release'; status: SyncStatus; until: Date | null };

export type SyncEventType = SyncEvent['type'];

const ALL = STATUSES;
/** From which statuses each event applies; from any other, it changes nothing. */
export const TRANSITIONS: Record<SyncEventType, readonly SyncStatus[]> = {
  eventArrived: ['SYNCED', 'DEAD', 'SKIPPED', 'RETRYING'],
  // SYNCED and SKIPPED: finished before an event that arrived while it was written.
  claim: ['PENDING', 'RETRYING', 'RUNNING', 'SYNCED', 'SKIPPED'],
  heartbeat: ['RUNNING'],
  woken: ['PENDING', 'RETRYING'],
  synced: ['RUNNING'],
  skipped: ['RUNNING'],
  actionDone: ['RUNNING'],
  failed: ['RUNNING'],
  dead: ['RUNNING'],
  review: ['RUNNING'],
  budgetWait: ['RUNNING', 'PENDING', 'RETRYING'],
  // Only a claimed record: the claim's attempt is given back.
  tenantBlocked: ['RUNNING'],
  connectionLost: ['RUNNING'],
  resume: ['WAITING_FOR_CONNECTION', 'RETRYING', 'PENDING'],
  retryRequested: ALL.filter((status) => status !== 'RUNNING'),
  release: ['RUNNING'],
};

/** Exponential backoff with jitter after `attempts` failed attempts: 2 s, 4 s, 8 s… capped at 5 minutes. */
export function backoffSeconds(attempts: number, random = Math.random): number {
  const base = Math.min(300, 2 ** Math.max(1, attempts));
  return base * (0.75 + random() * 0.5);
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const clearedError = { lastError: null, lastErrorCode: null };
const withError = (error: SyncError) => ({
  lastError: error.message.slice(0, 2000),
  lastErrorCode: error.code,
});

/** The status an event leads to from `from` (unchanged when the event does not apply there). */
export function nextStatus(from: SyncStatus, event: SyncEvent): SyncStatus {
  if (!TRANSITIONS[event.type].includes(from)) return from;
  return (changes(event, DEFAULT_TIMING).status as SyncStatus | undefined) ?? from;
}

/** The columns an event writes. */
function changes(event: SyncEvent, timing: Timing): PrismaNamespace.SyncRecordUpdateManyMutationInput {
  switch (event.type) {
    case 'eventArrived':
      return { status: 'PENDING', nextAttemptAt: later(timing.wakeSeconds) };
    case 'claim':
      return { status: 'RUNNING', attempts: { increment: 1 }, nextAttemptAt: later(timing.leaseSeconds) };
    case 'heartbeat':
      return { nextAttemptAt: later(timing.leaseSeconds) };
    case 'woken':
      return { nextAttemptAt: later(timing.wakeSeconds) };
    case 'synced':
    case 'skipped':
    case 'actionDone':
      return {
        status: event.type === 'synced' ? 'SYNCED' : event.type === 'skipped' ? 'SKIPPED' : 'RUNNING',
        ...clearedError,
        ...(event.type === 'actionDone' ? {} : { nextAttemptAt: null, syncedAt: new Date() }),
      };
    case 'failed':
      return event.attempts >= MAX_ATTEMPTS
        ? { status: 'DEAD', nextAttemptAt: null, ...withError(event.error) }
        : {
            status: 'RETRYING',
            nextAttemptAt: later(backoffSeconds(event.attempts)),
            ...withError(event.error),
          };
    case 'dead':
      return { status: 'DEAD', nextAttemptAt: null, ...withError(event.error) };
    case 'review':
      return { status: 'NEEDS_REVIEW', nextAttemptAt: null, ...withError(event.error) };
    case 'budgetWait':
      return {
        status: 'PENDING',
        lastErrorCode: BUDGET_WAIT_CODE,
        ...(event.reason ? { lastError: event.reason } : {}),
        nextAttemptAt: event.until,
      };
    case 'tenantBlocked':
      // Not the chat's attempt: the one its claim counted is given back.
      return {
        status: 'RETRYING',
        attempts: { decrement: 1 },
        nextAttemptAt: event.until,
        ...withError(event.error),
      };
    case 'connectionLost':
      // No time: a reconnection resumes it (and the sweeper, once the tenant is connected again).
      return {
        status: 'WAITING_FOR_CONNECTION',
        attempts: { decrement: 1 },
        nextAttemptAt: null,
        ...withError(event.error),
      };
    case 'resume':
      return { status: 'PENDING', nextAttemptAt: new Date() };
    case 'retryRequested':
      return { status: 'PENDING', attempts: 0, nextAttemptAt: new Date(), ...clearedError };
    case 'release':
      return { status: event.status, attempts: { decrement: 1 }, nextAttemptAt: event.until };
  }
}

/** The guard of an event's UPDATE: the records in a status it applies from. */
function guard(
  ids: string[],
  event: SyncEvent,
  only: PrismaNamespace.SyncRecordWhereInput,
): PrismaNamespace.SyncRecordWhereInput {
  const from = TRANSITIONS[event.type];
  if (event.type !== 'claim') return { ...only, id: { in: ids }, status: { in: [...from] } };
  // A running record is only taken over once its lease ran out.
  return {
    ...only,
    id: { in: ids },
    OR: [
      { status: { in: from.filter((s) => s !== 'RUNNING') } },
      { status: 'RUNNING', OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: new Date() } }] },
    ],
  };
}

/** The guarded UPDATE for an event, as a Prisma promise (so it can join a batch transaction). */
export function transitionQuery(
  prisma: Prisma,
  ids: string[],
  event: SyncEvent,
  timing: Timing = DEFAULT_TIMING,
  /** Only records that also match this. */
  only: PrismaNamespace.SyncRecordWhereInput = {},
) {
  return prisma.syncRecord.updateMany({ where: guard(ids, event, only), data: changes(event, timing) });
}

/** Applies an event to records; answers how many changed. */
export async function transition(
  prisma: Prisma,
  ids: string[],
  event: SyncEvent,
  timing: Timing = DEFAULT_TIMING,
): Promise<number> {
  if (ids.length === 0) return 0;
  return (await transitionQuery(prisma, ids, event, timing)).count;
}

/** Claims records; answers the ids this UPDATE changed. Of two workers claiming a record at once, PostgreSQL
 *  makes the second wait for the first's row lock and re-check the guard, which the first's lease now fails:
 *  exactly one gets the id back. */
export async function claimRecords(
  prisma: Prisma,
  ids: string[],
  timing: Timing = DEFAULT_TIMING,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const event: SyncEvent = { type: 'claim' };
  const claimed = await prisma.syncRecord.updateManyAndReturn({
    where: guard(ids, event, {}),
    data: changes(event, timing),
    select: { id: true },
  });
  return new Set(claimed.map((r) => r.id));
}

/** A record as a claimer loaded it. */
export interface LoadedRecord {
  id: string;
  visitorKey: string | null;
  status: SyncStatus;
  nextAttemptAt: Date | null;
}

/** Claims loaded records per visitor, all or none; answers the ids held. A visitor is written by one worker at a
 *  time (two would create two Leads for one new visitor), and two instances may have loaded overlapping sets of
 *  its records (a chat arrived between their loads): a visitor of which this UPDATE did not take every loaded
 *  record is given back as it was, and its job or the sweeper brings it back. */
export async function claimVisitors(
  prisma: Prisma,
  records: LoadedRecord[],
  timing: Timing = DEFAULT_TIMING,
): Promise<Set<string>> {
  const claimed = await claimRecords(
    prisma,
    records.map((r) => r.id),
    timing,
  );
  const visitor = (r: LoadedRecord) => r.visitorKey ?? r.id;
  const partial = new Set(records.filter((r) => !claimed.has(r.id)).map(visitor));
  const given = records.filter((r) => claimed.has(r.id) && partial.has(visitor(r)));
  // One UPDATE per (status, time) the records had before.
  const groups = new Map<string, LoadedRecord[]>();
  for (const r of given) {
    const key = `${r.status}|${r.nextAttemptAt?.toISOString() ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  await Promise.all(
    [...groups.values()].map((group) =>
      transition(
        prisma,
        group.map((r) => r.id),
        { type: 'release', status: group[0]!.status, until: group[0]!.nextAttemptAt },
        timing,
      ),
    ),
  );
  for (const r of given) claimed.delete(r.id);
  return claimed;
}
