// The sync state machine, exhaustively: every status × every event, applied to a real row, ends in the status the
// table below says (written out here, not derived from the module), with the time and error the API shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/open.ts';
import type { SyncStatus } from '../../src/generated/prisma/enums.ts';
import {
  backoffSeconds,
  claimRecords,
  claimVisitors,
  MAX_ATTEMPTS,
  STATUSES,
  type SyncEvent,
  type SyncEventType,
  transition,
} from '../../src/sync/state.ts';
import { createTestDatabase } from '../support/postgres.ts';

const error = { code: 'X_CODE', message: 'what went wrong' };
const soon = new Date(Date.now() + 60_000);
const EVENTS: Record<SyncEventType, SyncEvent> = {
  eventArrived: { type: 'eventArrived' },
  claim: { type: 'claim' },
  heartbeat: { type: 'heartbeat' },
  woken: { type: 'woken' },
  synced: { type: 'synced' },
  skipped: { type: 'skipped' },
  actionDone: { type: 'actionDone' },
  failed: { type: 'failed', error, attempts: 1 },
  dead: { type: 'dead', error },
  review: { type: 'review', error },
  budgetWait: { type: 'budgetWait', reason: 'budget', until: soon },
  tenantBlocked: { type: 'tenantBlocked', error, until: soon },
  connectionLost: { type: 'connectionLost', error },
  resume: { type: 'resume' },
  retryRequested: { type: 'retryRequested' },
  release: { type: 'release', status: 'RETRYING', until: soon },
};

// Columns: PENDING RUNNING SYNCED RETRYING DEAD NEEDS_REVIEW WAITING_FOR_CONNECTION SKIPPED; '.' = unchanged.
const ORDER: SyncStatus[] = [
  'PENDING',
  'RUNNING',
  'SYNCED',
  'RETRYING',
  'DEAD',
  'NEEDS_REVIEW',
  'WAITING_FOR_CONNECTION',
  'SKIPPED',
];
const P = 'PENDING';
const R = 'RUNNING';
const _ = '.';
const TABLE: Record<SyncEventType, Array<SyncStatus | '.'>> = {
  //               PENDING RUNNING SYNCED RETRYING DEAD NEEDS_REVIEW WAITING SKIPPED
  eventArrived: [_, _, P, P, P, _, _, P],
  claim: [R, R, R, R, _, _, _, R],
  heartbeat: [_, R, _, _, _, _, _, _],
  woken: [P, _, _, 'RETRYING', _, _, _, _],
  synced: [_, 'SYNCED', _, _, _, _, _, _],
  skipped: [_, 'SKIPPED', _, _, _, _, _, _],
  actionDone: [_, R, _, _, _, _, _, _],
  failed: [_, 'RETRYING', _, _, _, _, _, _],
  dead: [_, 'DEAD', _, _, _, _, _, _],
  review: [_, 'NEEDS_REVIEW', _, _, _, _, _, _],
  budgetWait: [P, P, _, P, _, _, _, _],
  tenantBlocked: [_, 'RETRYING', _, _, _, _, _, _],
  connectionLost: [_, 'WAITING_FOR_CONNECTION', _, _, _, _, _, _],
  resume: [P, _, _, P, _, _, P, _],
  retryRequested: [P, _, P, P, P, P, P, P],
  release: [_, 'RETRYING', _, _, _, _, _, _],
};

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let tenantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
  tenantId = (await db.prisma.tenant.create({ data: { slug: 'state', name: 'state' } })).id;
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

describe('the transition table', () => {
  it('declares every status once, in the table and in the module', () => {
    expect([...STATUSES].sort()).toEqual([...ORDER].sort());
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(EVENTS).sort());
  });

  it('moves every status on every event as the table says, on a real row', async () => {
    let n = 0;
    const rows: Array<{ id: string; from: SyncStatus; event: SyncEventType }> = [];
    for (const event of Object.keys(EVENTS) as SyncEventType[])
      for (const from of ORDER) {
        const record = await db.prisma.syncRecord.create({
          data: {
            tenantId,
            sourceKind: 'CHAT',
            sourceId: `chat-${n++}`,
            status: from,
            attempts: 2,
            // A RUNNING row's lease has run out, so a claim may take it over.
            nextAttemptAt: new Date(Date.now() - 1000),
          },
        });
        rows.push({ id: record.id, from, event });
      }
    const failures: string[] = [];
    for (const { id, from, event } of rows) {
      await transition(db.prisma, [id], EVENTS[event]);
      const after = await db.prisma.syncRecord.findUniqueOrThrow({ where: { id } });
      const expected = TABLE[event][ORDER.indexOf(from)];
      const status = expected === '.' ? from : expected;
      if (after.status !== status) failures.push(`${from} × ${event}: ${after.status}, expected ${status}`);
      // Every open status has a next time the API shows; settled ones have none but WAITING's (none either).
      if (['PENDING', 'RETRYING', 'RUNNING'].includes(after.status) && !after.nextAttemptAt)
        failures.push(`${from} × ${event}: ${after.status} without nextAttemptAt`);
    }
    expect(failures).toEqual([]);
  });

  it('does not take over a RUNNING record whose lease is still held', async () => {
    const record = await db.prisma.syncRecord.create({
      data: {
        tenantId,
        sourceKind: 'CHAT',
        sourceId: 'held',
        status: 'RUNNING',
        nextAttemptAt: new Date(Date.now() + 60_000),
      },
    });
    expect(await transition(db.prisma, [record.id], { type: 'claim' })).toBe(0);
  });
});

describe('claiming', () => {
  const pending = (n: number, prefix: string) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        db.prisma.syncRecord.create({
          data: { tenantId, sourceKind: 'CHAT', sourceId: `${prefix}-${i}`, status: 'PENDING' },
        }),
      ),
    );

  it('answers only the records its own UPDATE took, not those another worker holds', async () => {
    const records = await pending(3, 'claimed-once');
    const ids = records.map((r) => r.id);
    expect(await claimRecords(db.prisma, ids.slice(0, 1))).toEqual(new Set(ids.slice(0, 1)));
    expect(await claimRecords(db.prisma, ids)).toEqual(new Set(ids.slice(1)));
    expect(await claimRecords(db.prisma, ids)).toEqual(new Set());
  });

  it('gives each record to exactly one of two instances claiming the same records at once', async () => {
    // A second client: its own connection pool, as a second instance of the service would have.
    const other = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
    try {
      for (let round = 0; round < 5; round++) {
        const ids = (await pending(20, `raced-${round}`)).map((r) => r.id);
        const [a, b] = await Promise.all([claimRecords(db.prisma, ids), claimRecords(other.prisma, ids)]);
        expect([...a].filter((id) => b.has(id))).toEqual([]);
        expect(new Set([...a, ...b])).toEqual(new Set(ids));
        const rows = await db.prisma.syncRecord.findMany({ where: { id: { in: ids } } });
        expect(rows.every((r) => r.status === 'RUNNING' && r.attempts === 1)).toBe(true);
      }
    } finally {
      await other.close();
    }
  });
});

describe('claiming per visitor', () => {
  const ofVisitor = (n: number, visitorKey: string) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        db.prisma.syncRecord.create({
          data: {
            tenantId,
            sourceKind: 'CHAT',
            sourceId: `${visitorKey}-${i}`,
            visitorKey,
            status: i % 2 ? 'RETRYING' : 'PENDING',
            attempts: 2,
            nextAttemptAt: new Date(Date.now() - 1000 * (i + 1)),
          },
        }),
      ),
    );

  it('gives a visitor back as it was when another worker holds part of it', async () => {
    const records = await ofVisitor(3, 'partial');
    const [first] = records;
    expect(await claimRecords(db.prisma, [first!.id])).toEqual(new Set([first!.id]));
    expect(await claimVisitors(db.prisma, records)).toEqual(new Set());
    const rows = await db.prisma.syncRecord.findMany({ where: { id: { in: records.map((r) => r.id) } } });
    for (const before of records.slice(1)) {
      const after = rows.find((r) => r.id === before.id)!;
      expect(after).toMatchObject({
        status: before.status,
        attempts: 2,
        nextAttemptAt: before.nextAttemptAt,
      });
    }
    expect(rows.find((r) => r.id === first!.id)).toMatchObject({ status: 'RUNNING', attempts: 3 });
  });

  it('lets at most one of two workers hold a visitor whose records they loaded in overlapping sets', async () => {
    const other = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
    try {
      for (let round = 0; round < 8; round++) {
        const records = await ofVisitor(12, `overlap-${round}`);
        // One loaded before the last chat arrived, the other after the first was gone from its load.
        const [a, b] = await Promise.all([
          claimVisitors(db.prisma, records.slice(0, 11)),
          claimVisitors(other.prisma, records.slice(1)),
        ]);
        expect(a.size === 0 || b.size === 0).toBe(true);
        const held = a.size > 0 ? a : b;
        const rows = await db.prisma.syncRecord.findMany({ where: { visitorKey: `overlap-${round}` } });
        // What is held is RUNNING with one attempt counted; everything else is as it was.
        for (const row of rows) {
          const before = records.find((r) => r.id === row.id)!;
          if (held.has(row.id)) expect(row).toMatchObject({ status: 'RUNNING', attempts: 3 });
          else
            expect(row).toMatchObject({
              status: before.status,
              attempts: 2,
              nextAttemptAt: before.nextAttemptAt,
            });
        }
      }
    } finally {
      await other.close();
    }
  });
});

describe('the columns an event writes', () => {
  const make = (status: SyncStatus, attempts = 0) =>
    db.prisma.syncRecord.create({
      data: { tenantId, sourceKind: 'CHAT', sourceId: `c-${Math.random()}`, status, attempts },
    });

  it('a transient failure retries with backoff, then dead-letters after the last attempt', async () => {
    const record = await make('RUNNING', 1);
    await transition(db.prisma, [record.id], { type: 'failed', error, attempts: 1 });
    const retrying = await db.prisma.syncRecord.findUniqueOrThrow({ where: { id: record.id } });
    expect(retrying).toMatchObject({ status: 'RETRYING', lastErrorCode: 'X_CODE', lastError: error.message });
    expect(retrying.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());

    const last = await make('RUNNING', MAX_ATTEMPTS);
    await transition(db.prisma, [last.id], { type: 'failed', error, attempts: MAX_ATTEMPTS });
    expect(await db.prisma.syncRecord.findUniqueOrThrow({ where: { id: last.id } })).toMatchObject({
      status: 'DEAD',
      nextAttemptAt: null,
    });
  });

  it('a claim counts an attempt; a tenant-level failure gives it back and shows its reason and time', async () => {
    const record = await make('PENDING', 0);
    await transition(db.prisma, [record.id], { type: 'claim' });
    expect((await db.prisma.syncRecord.findUniqueOrThrow({ where: { id: record.id } })).attempts).toBe(1);
    await transition(db.prisma, [record.id], { type: 'tenantBlocked', error, until: soon });
    expect(await db.prisma.syncRecord.findUniqueOrThrow({ where: { id: record.id } })).toMatchObject({
      status: 'RETRYING',
      attempts: 0,
      lastErrorCode: 'X_CODE',
      nextAttemptAt: soon,
    });
  });

  it('backs off exponentially, with jitter, capped at five minutes', () => {
    expect(backoffSeconds(1, () => 0.5)).toBe(2);
    expect(backoffSeconds(3, () => 0.5)).toBe(8);
    expect(backoffSeconds(30, () => 0.5)).toBe(300);
    expect(backoffSeconds(3, () => 0)).toBe(6);
    expect(backoffSeconds(3, () => 1)).toBe(10);
  });
});
