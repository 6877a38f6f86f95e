// Prometheus metrics at GET /metrics (prom-client). Counters and histograms are fed where things happen (recordChat
// by a Yoga plugin, Salesforce calls by the connections' transport); the state of the sync (records by status, queue
// depth, oldest waiting chat, time to SYNCED, API budget) is read from the database at each scrape, so every instance
// reports the same truth and the sync code needs no hooks.
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from './db/open.ts';
import { SYNC_QUEUE } from './sync/queue.ts';

/** Kinds of Salesforce REST calls, from the URL path; OAuth calls do not count against the daily limit. */
export function apiCallKind(url: string): string {
  const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '';
  const rest = /^\/services\/data\/v[\d.]+\/(\w+)(?:\/(\w+))?/.exec(path);
  if (!rest) return path.startsWith('/services/oauth2/') ? 'oauth' : 'other';
  const [, first, second] = rest;
  if (first === 'composite') return second === 'sobjects' ? 'collections' : 'composite';
  if (first === 'query' || first === 'queryAll') return 'query';
  if (first === 'sobjects') return second ? 'sobject' : 'describe';
  return first!;
}

// Enough rows for one scrape interval of a busy service; more would make the scrape itself slow.
const MAX_SYNCED_PER_SCRAPE = 10_000;

export class Metrics {
  readonly registry = new Registry();
  readonly recordChat = new Histogram({
    name: 'cxsf_record_chat_duration_seconds',
    help: 'recordChat mutations (rate: _count) and their latency, by result (ok or error)',
    labelNames: ['result'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly salesforceCalls = new Counter({
    name: 'cxsf_salesforce_api_calls_total',
    help: 'REST calls sent to Salesforce, by tenant id and kind (query, composite, collections, sobject, ...)',
    labelNames: ['tenant', 'kind'],
    registers: [this.registry],
  });
  #syncedSince = new Date();

  constructor(db: Database) {
    const sql = db.sql;
    const self = this;
    new Histogram({
      name: 'cxsf_sync_event_to_synced_seconds',
      help: 'time from a chat being recorded to its sync record reaching SYNCED',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers: [this.registry],
      // Observes the records synced since the last scrape.
      async collect() {
        const synced = await sql.query<{ seconds: number; at: Date }>(
          `SELECT extract(epoch FROM "syncedAt" - "createdAt")::float8 AS seconds, "syncedAt" AS at
             FROM "SyncRecord" WHERE status = 'SYNCED' AND "syncedAt" > $1 ORDER BY "syncedAt" LIMIT ${MAX_SYNCED_PER_SCRAPE}`,
          [self.#syncedSince],
        );
        for (const row of synced) this.observe(Math.max(0, row.seconds));
        if (synced.length > 0) self.#syncedSince = new Date(synced.at(-1)!.at);
      },
    });
    new Gauge({
      name: 'cxsf_sync_records',
      help: 'sync records by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const rows = await sql.query<{ status: string; n: number }>(
          'SELECT status::text AS status, count(*)::int AS n FROM "SyncRecord" GROUP BY status',
        );
        this.reset();
        for (const row of rows) this.set({ status: row.status }, row.n);
      },
    });
    new Gauge({
      name: 'cxsf_sync_queue_depth',
      help: 'sync jobs waiting in the queue (created or to be retried)',
      registers: [this.registry],
      async collect() {
        const [row] = await sql.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry')",
          [SYNC_QUEUE],
        );
        this.set(row?.n ?? 0);
      },
    });
    new Gauge({
      name: 'cxsf_oldest_waiting_chat_seconds',
      help: 'age of the oldest chat not yet synced (PENDING or RETRYING); 0 when none waits',
      registers: [this.registry],
      async collect() {
        const [row] = await sql.query<{ seconds: number | null }>(
          `SELECT extract(epoch FROM now() - min("createdAt"))::float8 AS seconds
             FROM "SyncRecord" WHERE status IN ('PENDING', 'RETRYING')`,
        );
        this.set(Math.max(0, row?.seconds ?? 0));
      },
    });
    new Gauge({
      name: 'cxsf_salesforce_api_budget_share',
      help: "share of the org's daily API limit used, per tenant id (from Sforce-Limit-Info)",
      labelNames: ['tenant'],
      registers: [this.registry],
      async collect() {
        const rows = await sql.query<{ tenant: string; used: number; lim: number }>(
          `SELECT "tenantId" AS tenant, "apiUsed" AS used, "apiLimit" AS lim
             FROM "SalesforceConnection" WHERE "apiLimit" > 0`,
        );
        this.reset();
        for (const row of rows) this.set({ tenant: row.tenant }, row.used / row.lim);
      },
    });
  }

  countApiCall(tenantId: string, url: string): void {
    const kind = apiCallKind(url);
    if (kind !== 'oauth') this.salesforceCalls.inc({ tenant: tenantId, kind });
  }
}

/** GET /metrics, and the recordChat histogram. */
export function useMetrics(metrics: Metrics): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      endResponse(
        new fetchAPI.Response(await metrics.registry.metrics(), {
          headers: { 'content-type': metrics.registry.contentType },
        }),
      );
    },
    onExecute({ args }) {
      const records = (args.document as DocumentNode).definitions.some(
        (d) =>
          d.kind === 'OperationDefinition' &&
          d.operation === 'mutation' &&
          d.selectionSet.selections.some((s) => s.kind === 'Field' && s.name.value === 'recordChat'),
      );
      if (!records) return;
      const stop = metrics.recordChat.startTimer();
      return {
        onExecuteDone({ result }) {
          const failed = 'errors' in result && (result.errors?.length ?? 0) > 0;
          const typename = (result as { data?: { recordChat?: { __typename?: string } } }).data?.recordChat
            ?.__typename;
          stop({ result: failed || (typename && !typename.endsWith('Success')) ? 'error' : 'ok' });
        },
      };
    },
  };
}
