// The ledger's writes for a whole round of chats, as the worker makes them after a write to Salesforce: each chat's
// outcome is what it would be if it were recorded alone, whatever else the round holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/open.ts';
import {
  knownIds,
  linkVisitors,
  loadOpenRecords,
  loadVisitorLinks,
  markSynced,
  type OpenRecord,
  saveObjects,
  type VisitorSeen,
} from '../../src/sync/ledger.ts';
import { createTestDatabase } from '../support/postgres.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let tenantId: string;
let n = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
  tenantId = (await db.prisma.tenant.create({ data: { slug: 'ledger', name: 'ledger' } })).id;
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const payload = { kind: 'chat.started', chatId: 'c', visitor: {} };

/** A chat a worker holds (RUNNING), with its events, loaded as the worker loads it. */
async function running(events: string[], visitorKey: string | null = null): Promise<OpenRecord> {
  const record = await db.prisma.syncRecord.create({
    data: {
      tenantId,
      sourceKind: 'CHAT',
      sourceId: `chat-${n++}`,
      status: 'RUNNING',
      visitorKey,
      nextAttemptAt: new Date(Date.now() + 60_000),
      inflightAt: new Date(),
      events: { create: events.map((kind) => ({ kind, dedupeKey: `${kind}-${n++}`, payload })) },
    },
  });
  const [loaded] = await loadOpenRecords(db.prisma, tenantId, [`record:${record.id}`]);
  return loaded!;
}

const state = (id: string) =>
  db.prisma.syncRecord.findUniqueOrThrow({
    where: { id },
    include: { events: { orderBy: { kind: 'asc' } } },
  });

describe('marking a round synced', () => {
  it('finishes every chat, but opens again the one that got an event during the write', async () => {
    const quiet = await running(['chat.started', 'chat.ended']);
    const busy = await running(['chat.started']);
    // Arrives while the round is being written: not part of what was planned.
    await db.prisma.syncEvent.create({
      data: { syncRecordId: busy.id, kind: 'chat.ended', dedupeKey: 'late', payload },
    });

    await markSynced(
      db.prisma,
      [quiet, busy].map((record) => ({ record, leaveOpen: [] })),
    );

    const a = await state(quiet.id);
    expect(a).toMatchObject({ status: 'SYNCED', nextAttemptAt: null, inflightAt: null });
    expect(a.events.every((e) => e.appliedAt)).toBe(true);
    const b = await state(busy.id);
    expect(b).toMatchObject({ status: 'PENDING', inflightAt: null });
    expect(b.nextAttemptAt).not.toBeNull();
    expect(b.events.map((e) => [e.kind, e.appliedAt !== null])).toEqual([
      ['chat.ended', false],
      ['chat.started', true],
    ]);
    // Its job loads it again, with the late event to plan.
    const reloaded = await loadOpenRecords(db.prisma, tenantId, [`record:${busy.id}`]);
    expect(reloaded.map((r) => r.id)).toEqual([busy.id]);
  });

  it('keeps an action not planned yet open and the record running, beside a chat synced in the same round', async () => {
    const synced = await running(['chat.started']);
    const acting = await running(['chat.started', 'action.createLead', 'action.createTask']);
    const next = acting.events.find((e) => e.kind === 'action.createTask')!.id;

    await markSynced(db.prisma, [{ record: acting, leaveOpen: [next] }], 'actionDone');
    await markSynced(db.prisma, [{ record: synced, leaveOpen: [] }], 'synced');

    expect((await state(synced.id)).status).toBe('SYNCED');
    const b = await state(acting.id);
    expect(b.status).toBe('RUNNING');
    expect(b.events.map((e) => [e.kind, e.appliedAt !== null])).toEqual([
      ['action.createLead', true],
      ['action.createTask', false],
      ['chat.started', true],
    ]);
  });
});

describe("a round's objects and visitor links", () => {
  const seen = (mapping: string, visitor: Record<string, string>): VisitorSeen => ({ mapping, visitor });
  const link = (visitorKey: string) =>
    db.prisma.visitorLink.findUniqueOrThrow({
      where: { tenantId_visitorKey_sobjectType: { tenantId, visitorKey, sobjectType: 'Lead' } },
    });

  it('writes every object in one go, replacing the one a role already had', async () => {
    const a = await running(['chat.started']);
    const b = await running(['chat.started']);
    await saveObjects(db.prisma, [
      { syncRecordId: a.id, role: 'task', sobjectType: 'Task', salesforceId: 'T1' },
    ]);
    await saveObjects(db.prisma, [
      { syncRecordId: a.id, role: 'task', sobjectType: 'Task', salesforceId: 'T2' },
      { syncRecordId: a.id, role: 'lead', sobjectType: 'Lead', salesforceId: 'L1' },
      { syncRecordId: b.id, role: 'task', sobjectType: 'Task', salesforceId: 'T3' },
    ]);
    const objects = await db.prisma.syncObject.findMany({
      where: { syncRecordId: { in: [a.id, b.id] } },
      orderBy: { salesforceId: 'asc' },
    });
    expect(objects.map((o) => [o.syncRecordId, o.role, o.salesforceId])).toEqual([
      [a.id, 'lead', 'L1'],
      [a.id, 'task', 'T2'],
      [b.id, 'task', 'T3'],
    ]);
    expect(new Set(objects.map((o) => o.id)).size).toBe(3);
  });

  it('merges visitor data only into a link to the same record, and clears it for a link without any', async () => {
    const write = (visitorKey: string, salesforceId: string, data: VisitorSeen | null) => ({
      tenantId,
      visitorKey,
      sobjectType: 'Lead',
      salesforceId,
      source: 'created',
      seen: data,
    });
    await linkVisitors(db.prisma, [
      write('same', 'L1', seen('v1', { email: 'a@x.org' })),
      write('other', 'L2', seen('v1', { email: 'b@x.org' })),
      write('cleared', 'L3', seen('v1', { email: 'c@x.org' })),
      write('remapped', 'L4', seen('v1', { email: 'd@x.org' })),
    ]);
    await linkVisitors(db.prisma, [
      write('same', 'L1', seen('v1', { phone: '1' })),
      write('other', 'L9', seen('v1', { phone: '2' })),
      write('cleared', 'L3', null),
      write('remapped', 'L4', seen('v2', { phone: '4' })),
      // A new visitor linked twice in one batch: as if written one after the other.
      write('twice', 'L5', seen('v1', { email: 'e@x.org' })),
      write('twice', 'L5', seen('v1', { phone: '5' })),
    ]);
    expect((await link('same')).visitorSeen).toEqual(seen('v1', { email: 'a@x.org', phone: '1' }));
    expect(await link('other')).toMatchObject({
      salesforceId: 'L9',
      visitorSeen: seen('v1', { phone: '2' }),
    });
    expect((await link('cleared')).visitorSeen).toBeNull();
    expect((await link('remapped')).visitorSeen).toEqual(seen('v2', { phone: '4' }));
    expect((await link('twice')).visitorSeen).toEqual(seen('v1', { email: 'e@x.org', phone: '5' }));
    const stored = await db.prisma.$queryRaw<Array<{ sql_null: boolean; updated: Date }>>`
      SELECT "visitorSeen" IS NULL AS sql_null, "updatedAt" AS updated FROM "VisitorLink"
       WHERE "tenantId" = ${tenantId} AND "visitorKey" = 'cleared'`;
    // DbNull, as Prisma writes it: a SQL NULL, not a JSON null.
    expect(stored[0]!.sql_null).toBe(true);
    expect(Math.abs(stored[0]!.updated.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('answers each chat of a round what the ledger knows of its visitor, read once', async () => {
    const first = await running(['chat.started'], 'visitor-1');
    const second = await running(['chat.started'], 'visitor-2');
    const anonymous = await running(['chat.started']);
    const data = seen('v1', { email: 'one@x.org' });
    await linkVisitors(db.prisma, [
      {
        tenantId,
        visitorKey: 'visitor-1',
        sobjectType: 'Lead',
        salesforceId: 'L-1',
        source: 'created',
        seen: data,
      },
      {
        tenantId,
        visitorKey: 'visitor-2',
        sobjectType: 'Contact',
        salesforceId: 'C-2',
        source: 'known',
        seen: null,
      },
    ]);
    const linksOf = await loadVisitorLinks(db.prisma, [first, second, anonymous]);
    expect(knownIds(first, data, linksOf(first))).toEqual({
      known: { leadId: 'L-1' },
      unchanged: new Set(['Lead']),
    });
    expect(knownIds(first, seen('v1', { email: 'new@x.org' }), linksOf(first)).unchanged.size).toBe(0);
    expect(knownIds(second, data, linksOf(second))).toEqual({
      known: { contactId: 'C-2' },
      unchanged: new Set(),
    });
    expect(linksOf(anonymous)).toEqual([]);
  });
});
