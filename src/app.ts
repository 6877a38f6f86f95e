// Assembles the service: database (migrated), services, and the HTTP handler. server.ts only listens;
// tests build an app per database and call it over HTTP.
import { createJwtVerifier } from './auth/jwt.ts';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/open.ts';
import { createLogger, type Logger } from './log.ts';
import type { Services } from './services.ts';
import { buildYoga } from './yoga.ts';

export interface App {
  config: Config;
  db: Database;
  services: Services;
  log: Logger;
  yoga: ReturnType<typeof buildYoga>;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: { log?: Logger } = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const db = await openDatabase(config);
  if (db.appliedMigrations.length > 0) log.info({ migrations: db.appliedMigrations }, 'database migrated');
  const services: Services = { config, verifyJwt: await createJwtVerifier(config.jwt) };
  const yoga = buildYoga({ db, services, log });
  return {
    config,
    db,
    services,
    log,
    yoga,
    async close() {
      await db.close();
    },
  };
}
