// The HTTP front door: GraphQL at /graphql (GraphiQL on GET), health checks, and the routes of other features.
import { randomUUID } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, useReadinessCheck } from 'graphql-yoga';
import { authenticate } from './auth/authenticate.ts';
import { withNonEmptySelect } from './db/non-empty-select.ts';
import type { Database } from './db/open.ts';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './db/unavailable.ts';
import type { Context } from './graphql/context.ts';
import { badUserInput } from './graphql/global-ids.ts';
import {
  authenticatedViewer,
  notAuthenticated,
  useAuthentication,
} from './graphql/plugins/use-authentication.ts';
import { useDocumentLimits } from './graphql/plugins/use-document-limits.ts';
import { useQueryLimits } from './graphql/plugins/use-query-limits.ts';
import { useRequestLog } from './graphql/plugins/use-request-log.ts';
import { useSchemaPrivacy } from './graphql/plugins/use-schema-privacy.ts';
import { schema } from './graphql/schema.ts';
import type { Logger } from './log.ts';
import type { Services } from './services.ts';
import { SYNC_QUEUE } from './sync/queue.ts';

/**
 * Larger bodies are refused with 413: from Content-Length before authentication, else while being read. Only
 * authenticated callers have their body read at all. Batching stays off (Yoga's default).
 */
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
  const { exposure } = services.config;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // One attachment at the 25 MB cap is 33.3 MB as base64: it must reach recordChat's checks, which name the field.
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    // GraphiQL's code is bundled in @graphql-yoga/render-graphiql and served by us: it works without internet.
    renderGraphiQL,
    graphiql:
      exposure.graphiql &&
      (() => {
        const headers = deps.graphiqlHeaders?.();
        return {
          title: 'CloudCX Salesforce connector',
          defaultQuery: '{ viewer { role tenant { slug name } } }',
          ...(headers ? { headers: JSON.stringify(headers), shouldPersistHeaders: false } : {}),
        };
      }),
    // Closed unless CORS_ORIGINS lists the browser origins allowed (Yoga's default reflects any origin).
    cors: exposure.corsOrigins.length > 0 && { origin: exposure.corsOrigins, credentials: true },
    logging: {
      debug: (...args) => log.debug(args.map(forLog).join(' ')),
      info: (...args) => log.info(args.map(forLog).join(' ')),
      warn: (...args) => log.warn(args.map(forLog).join(' ')),
      error: (...args) => log.error(args.map(forLog).join(' ')),
    },
    maskedErrors: {
      maskError(error, message) {
        let thrown: unknown = error;
        while (isGraphQLError(thrown) && thrown.originalError) thrown = thrown.originalError;
        // A GraphQLError was thrown on purpose (auth, validation) and says what to fix; anything else is a bug.
        if (isGraphQLError(thrown)) return error as GraphQLError;
        // Pothos refuses a malformed cursor, id or page argument: the caller's mistake, said as one.
        const refusal = pothosInputRefusal(thrown);
        if (refusal) return badUserInput(refusal);
        // Overload or an outage of the database: the same request may succeed shortly; say so, with when.
        if (isDatabaseUnavailable(thrown)) {
          log.warn({ err: thrown }, 'database unavailable');
          return new GraphQLError('The service is busy or its database is unavailable; retry shortly.', {
            extensions: {
              code: 'SERVICE_UNAVAILABLE',
              http: { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
            },
          });
        }
        log.error({ err: thrown }, 'unexpected error');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    context: ({ request }): Context => {
      const viewer = authenticatedViewer(request);
      if (!viewer) throw notAuthenticated();
      const requestId = request.headers.get('x-request-id') ?? randomUUID();
      return { viewer, prisma, db, services, log, requestId };
    },
    plugins: [
      useAuthentication({
        maxBodyBytes: MAX_REQUEST_BODY_BYTES,
        authenticate: (authorization) =>
          authenticate(authorization, { prisma: db.prisma, verifyJwt: services.verifyJwt }),
      }),
      useDocumentLimits(),
      useSchemaPrivacy({ introspection: exposure.introspection }),
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

/**
 * Yoga's own log arguments, without request data: a GraphQLError prints the query text around its location (and a
 * secret written inline there), and messages quote argument values. Errors are logged in full once, by maskError.
 */
function forLog(arg: unknown): string {
  if (!(arg instanceof Error)) return String(arg);
  const code = (arg as { extensions?: { code?: unknown } }).extensions?.code;
  return `${arg.name}${typeof code === 'string' ? ` ${code}` : ''}`;
}

/** What to tell the caller when Pothos refused their cursor, id or page size; undefined for anything else. */
function pothosInputRefusal(thrown: unknown): string | undefined {
  if (!(thrown instanceof Error) || thrown.name !== 'PothosValidationError') return undefined;
  if (/cursor/i.test(thrown.message))
    return 'The cursor is not one this API returned: pass pageInfo.endCursor (or an edge cursor) unchanged.';
  if (/^(Invalid global ID|ID: .* is not of type|Argument ")/.test(thrown.message)) return thrown.message;
  return undefined;
}
