// Which errors mean "the database cannot serve right now" (answered SERVICE_UNAVAILABLE, 503) and which are bugs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.ts';
import { isDatabaseUnavailable, sqlStateOf } from '../../src/db/unavailable.ts';
import { createTestDatabase } from '../support/postgres.ts';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a Prisma code for an unreachable server', { code: 'P1001' }],
    ['a driver code deep in the causes', { message: 'x', cause: { cause: { code: 'ECONNRESET' } } }],
    ["the driver adapter's kind", { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } }],
    [
      'a raw query failure naming a network code',
      { code: 'P2010', message: 'Raw query failed. read ECONNRESET' },
    ],
    ['a PostgreSQL shutdown', { code: '57P01' }],
  ])('%s: unavailable', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: 'P2002' }],
    ['a programming error', new TypeError('cannot read properties of undefined')],
    ['a constraint kind from the adapter', { cause: { kind: 'UniqueConstraintViolation' } }],
    ['nothing', undefined],
  ])('%s: not unavailable', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('sqlStateOf', () => {
  it("reads PostgreSQL's code through a real raw-query failure, not Prisma's own code", async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-sqlstate-'));
    const db = await openDatabase({ databaseUrl: database.url, dataDir });
    try {
      const error = await db.prisma.$queryRaw`SELECT 1 / 0`.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code).toBe('P2010');
      expect(sqlStateOf(error)).toBe('22012');
    } finally {
      await db.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers undefined for errors without one', () => {
    expect(sqlStateOf({ code: 'P2002' })).toBeUndefined();
    expect(sqlStateOf(new Error('x'))).toBeUndefined();
    expect(sqlStateOf({ cause: { code: '40P01' } })).toBe('40P01');
  });
});
