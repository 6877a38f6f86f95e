// Everything a resolver may use, built once per request by yoga.ts.
import type { TenantViewer, Viewer } from '../auth/viewer.ts';
import type { Database, Prisma } from '../db/open.ts';
import type { Logger } from '../log.ts';
import type { Services } from '../services.ts';

export interface Context {
  viewer: Viewer;
  prisma: Prisma;
  db: Database;
  services: Services;
  log: Logger;
  requestId: string;
}

/** The context of a field behind a tenant-bound scope (see AuthContexts in builder.ts). */
export type TenantContext = Context & { viewer: TenantViewer };
