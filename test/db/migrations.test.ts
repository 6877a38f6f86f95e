import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createTestDatabase } from '../support/postgres.ts';

const allMigrations = listMigrations().map((m) => m.name);
const tables = [
  'ApiKey',
  'ApiUsageDay',
  'AuditEvent',
  'MappingVersion',
  'OAuthState',
  'PlatformApp',
  'SalesforceConnection',
  'SyncAttachment',
  'SyncEvent',
  'SyncObject',
  'SyncRecord',
  'SyncWrite',
  'Tenant',
  'VisitorLink',
];

describe('PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('migrates an empty database to the full schema and records each migration as Prisma does', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
    try {
      expect(db.appliedMigrations).toEqual(allMigrations);
      const rows = await db.sql.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name",
      );
      expect(rows.map((r) => r.table_name)).toEqual(tables);
      const recorded = await db.sql.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations"',
      );
      expect(recorded.map((r) => r.migration_name)).toEqual(allMigrations);
    } finally {
      await db.close();
    }
  });

  it('applies nothing twice when several instances start at once', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const opened = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })),
    );
    expect(opened.map((db) => db.appliedMigrations.length).sort()).toEqual([0, 0, allMigrations.length]);
    await Promise.all(opened.map((db) => db.close()));
  });
});

describe('embedded PGlite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cxsf-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates from empty and keeps its data across a restart on the same folder', async () => {
    const first = await openDatabase({ dataDir: dir });
    expect(first.kind).toBe('pglite');
    expect(first.appliedMigrations).toEqual(allMigrations);
    await first.prisma.tenant.create({ data: { slug: 'kept', name: 'Kept' } });
    await first.close();

    const second = await openDatabase({ dataDir: dir });
    try {
      expect(second.appliedMigrations).toEqual([]);
      expect(await second.prisma.tenant.findUnique({ where: { slug: 'kept' } })).toMatchObject({
        name: 'Kept',
      });
    } finally {
      await second.close();
    }
  });
});
