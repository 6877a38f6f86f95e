// The HTTP front door: GraphQL at /graphql (GraphiQL on GET), health checks, and the routes of other features.
import { randomUUID } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, useReadinessCheck } from 'graphql-yoga';
import { authenticate } from './auth/authenticate.ts';
import { AuthError } from './auth/viewer.ts';
import { withNonEmptySelect } from './db/non-empty-select.ts';
import type { Database } from './db/open.ts';
import type { Context } from './graphql/context.ts';
import { useQueryLimits } from './graphql/plugins/use-query-limits.ts';
import { useRequestLog } from './graphql/plugins/use-request-log.ts';
import { schema } from './graphql/schema.ts';
import type { Logger } from './log.ts';
import type { Services } from './services.ts';
import { SYNC_QUEUE } from './sync/queue.ts';

/** Larger bodies are refused with 413 before they are read whole. Batching stays off (Yoga's default). */
export const MAX_REQUEST_BODY_BYTES = 48 * 1024 * 1024;

export function buildYoga(deps: {
  db: Database;
  services: Services;
  log: Logger;
  routes?: Plugin[];
  /** Headers GraphiQL opens with (the demo's key), read on each page load. */
  graphiqlHeaders?: () => Record<string, string> | undefined;
}) {
  const { db, services, log } = deps;
  const prisma = withNonEmptySelect(db.prisma);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // One attachment at the 25 MB cap is 33.3 MB as base64: it must reach recordChat's checks, which name the field.
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    // GraphiQL's code is bundled in @graphql-yoga/render-graphiql and served by us: it works without internet.
    renderGraphiQL,
    graphiql: () => {
      const headers = deps.graphiqlHeaders?.();
      return {
        title: 'CloudCX Salesforce connector',
        defaultQuery: '{ viewer { role tenant { slug name } } }',
        ...(headers ? { headers: JSON.stringify(headers), shouldPersistHeaders: false } : {}),
      };
    },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
    maskedErrors: {
      maskError(error, message) {
        let thrown: unknown = error;
        while (isGraphQLError(thrown) && thrown.originalError) thrown = thrown.originalError;
        // A GraphQLError was thrown on purpose (auth, validation) and says what to fix; anything else is a bug.
        if (isGraphQLError(thrown)) return error as GraphQLError;
        log.error({ err: thrown }, 'unexpected error');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    context: async ({ request }): Promise<Context> => {
      const requestId = request.headers.get('x-request-id') ?? randomUUID();
      try {
        const viewer = await authenticate(request.headers.get('authorization'), {
          prisma: db.prisma,
          verifyJwt: services.verifyJwt,
        });
        return { viewer, prisma, db, services, log, requestId };
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        throw new GraphQLError(error.message, {
          extensions: {
            code: 'UNAUTHENTICATED',
            reason: error.code,
            http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
          },
        });
      }
    },
    plugins: [
      useReadinessCheck({
        endpoint: '/readyz',
        // The database answers and the job queue exists (pg-boss made its schema and the sync queue).
        check: async () => {
          const queues = await db.sql.query('SELECT 1 FROM pgboss.queue WHERE name = $1', [SYNC_QUEUE]);
          return queues.length === 1;
        },
      }),
      useQueryLimits({ maxDepth: 10, maxCost: 10_000, maxAliases: 20 }),
      useRequestLog(),
      ...(deps.routes ?? []),
    ],
  });
}

// Not `instanceof`: graphql is loaded both as ESM and as CommonJS by the libraries, so two GraphQLError classes exist.
function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof Error && value.name === 'GraphQLError';
}
