// Opens the database the configuration names, applies pending migrations, and returns the Prisma client.
// PostgreSQL when DATABASE_URL is set; otherwise PGlite (in-process Postgres) in the data folder.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { migrate, type SqlSession } from './migrate.ts';

export type Prisma = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: 'postgresql' | 'pglite';
  /** Raw SQL for the parts Prisma does not cover (the job queue, health checks). */
  sql: SqlSession;
  /** pg-boss's interface: parameterless calls may be multi-statement scripts; rows are the last statement's. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** The workers' own pool (PostgreSQL): a burst of API requests never waits behind the sync, nor the sync behind it.
   *  On PGlite, one connection serves both. */
  worker: { prisma: PrismaClient; executeSql: Database['executeSql'] };
  /** Migrations applied by this open, in order. */
  appliedMigrations: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** An idle pooled connection the server closed (restart, failover, admin): logged, and the pool reconnects. */
  onConnectionLost?: (error: Error) => void;
  /** Connections for the API (requests). @default 10 */
  apiPoolSize?: number;
  /** Connections for the sync workers and the job queue. @default 5 */
  workerPoolSize?: number;
}

/** A request that waits longer than this for a connection is refused as overload (SERVICE_UNAVAILABLE, 503). */
export const POOL_WAIT_MS = 10_000;

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const onConnectionLost =
    options.onConnectionLost ?? ((error: Error) => console.warn(`database: ${error.message}`));
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, onConnectionLost, options)
    : openPglite(path.join(options.dataDir, 'pglite'));
}

async function openPostgres(
  connectionString: string,
  onConnectionLost: (error: Error) => void,
  sizes: { apiPoolSize?: number; workerPoolSize?: number },
): Promise<Database> {
  const migrationClient = new pg.Client({ connectionString });
  await migrationClient.connect();
  let appliedMigrations: string[];
  try {
    appliedMigrations = await migrate(pgSession(migrationClient));
  } finally {
    await migrationClient.end();
  }
  const pools = [sizes.apiPoolSize ?? 10, sizes.workerPoolSize ?? 5].map((max) => {
    const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: POOL_WAIT_MS });
    // Without a listener, an idle client the server terminates would crash the process.
    pool.on('error', onConnectionLost);
    return pool;
  });
  const [apiPool, workerPool] = pools as [pg.Pool, pg.Pool];
  const executeOn =
    (pool: pg.Pool): Database['executeSql'] =>
    async (text, values) => {
      const result = (await pool.query(text, values)) as pg.QueryResult | pg.QueryResult[];
      return { rows: Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows };
    };
  const prisma = new PrismaClient({ adapter: new PrismaPg(apiPool) });
  const workerPrisma = new PrismaClient({ adapter: new PrismaPg(workerPool) });
  return {
    prisma,
    kind: 'postgresql',
    sql: pgSession(apiPool),
    executeSql: executeOn(apiPool),
    worker: { prisma: workerPrisma, executeSql: executeOn(workerPool) },
    appliedMigrations,
    async close() {
      await prisma.$disconnect();
      await workerPrisma.$disconnect();
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
}

async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const session: SqlSession = {
    async exec(sql) {
      await pglite.exec(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await pglite.query<T>(sql, params)).rows;
    },
  };
  const appliedMigrations = await migrate(session);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const executeSql: Database['executeSql'] = async (text, values) => {
    if (values && values.length > 0) return { rows: (await pglite.query(text, values)).rows };
    return { rows: (await pglite.exec(text)).at(-1)?.rows ?? [] };
  };
  return {
    prisma,
    kind: 'pglite',
    sql: session,
    executeSql,
    worker: { prisma, executeSql },
    appliedMigrations,
    async close() {
      await prisma.$disconnect();
      // Without close() the process does not exit (../shared/TOOLCHAIN.md).
      await pglite.close();
    },
  };
}

function pgSession(client: pg.Client | pg.Pool): SqlSession {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as T[];
    },
  };
}
