// Assembles the service: database (migrated), services, and the HTTP handler. server.ts only listens;
// tests build an app per database and call it over HTTP.
import { createJwtVerifier } from './auth/jwt.ts';
import type { Config } from './config.ts';
import { SalesforceConnections } from './connections/tenant-connections.ts';
import { useConsole } from './console-web/use-console.ts';
import { loadSecretBox } from './crypto.ts';
import { type Database, openDatabase } from './db/open.ts';
import { useOAuthCallback } from './http/oauth-callback.ts';
import { useOAuthStart } from './http/oauth-start.ts';
import { createLogger, type Logger } from './log.ts';
import { apiCallKind, Metrics, useMetrics } from './metrics.ts';
import type { Services } from './services.ts';
import { DEFAULT_SYNC_CONCURRENCY, type SyncOptions, SyncService } from './sync/service.ts';
import { UsageHistory } from './sync/usage-history.ts';
import { buildYoga } from './yoga.ts';

export interface App {
  config: Config;
  db: Database;
  services: Services;
  log: Logger;
  yoga: ReturnType<typeof buildYoga>;
  metrics: Metrics;
  /** Headers GraphiQL opens with; the demo puts its key here. */
  graphiql: { headers?: Record<string, string> };
  close(): Promise<void>;
}

export async function createApp(
  config: Config,
  options: { log?: Logger; sync?: SyncOptions } = {},
): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel, undefined, { pretty: config.logPretty });
  const concurrency = options.sync?.concurrency ?? config.syncConcurrency ?? DEFAULT_SYNC_CONCURRENCY;
  const db = await openDatabase({
    ...config,
    // A connection per batch in flight, and some for the fetches, the sweeper, leases and the queue's upkeep.
    workerPoolSize: concurrency + 4,
    onConnectionLost: (error) => log.warn({ err: error }, 'database connection lost; the pool reconnects'),
  });
  if (db.appliedMigrations.length > 0) log.info({ migrations: db.appliedMigrations }, 'database migrated');
  const secrets = loadSecretBox(config, log);
  const metrics = new Metrics(db);
  const usage = new UsageHistory(db.prisma, log);
  const connections = new SalesforceConnections({
    prisma: db.prisma,
    secrets,
    config,
    log,
    onApiCall: (tenantId, url) => {
      metrics.countApiCall(tenantId, url);
      // OAuth calls do not count against the org's daily limit.
      if (apiCallKind(url) !== 'oauth') usage.countCall(tenantId);
    },
  });
  const sync = await SyncService.start(
    { db, connections, log },
    { jobExpireSeconds: config.syncJobExpireSeconds, work: config.syncWorkers, ...options.sync, concurrency },
  );
  const services: Services = {
    config,
    verifyJwt: await createJwtVerifier(config.jwt),
    secrets,
    connections,
    sync,
    usage,
  };
  const graphiql: App['graphiql'] = {};
  const yoga = buildYoga({
    db,
    services,
    log,
    routes: [
      useOAuthStart({ connections, log, secureCookies: config.publicBaseUrl.startsWith('https://') }),
      useOAuthCallback({ connections, log }),
      useMetrics(metrics),
      useConsole({ log, prebuilt: config.nodeEnv === 'production' }),
    ],
    graphiqlHeaders: () => graphiql.headers,
  });
  return {
    config,
    db,
    services,
    log,
    yoga,
    metrics,
    graphiql,
    async close() {
      await sync.stop();
      await usage.stop();
      await db.close();
    },
  };
}
