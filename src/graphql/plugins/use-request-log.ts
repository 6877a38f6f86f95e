// One structured log line per GraphQL operation: request id, tenant, operation, duration, and each error's code and
// path. Neither the query text nor the variables are ever logged.
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.ts';

export function useRequestLog(): Plugin<Context> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const { log, requestId, viewer } = args.contextValue;
      return {
        onExecuteDone({ result }) {
          if (!('errors' in result) || !result.errors) {
            log.info(
              {
                requestId,
                tenantId: viewer.tenantId,
                op: args.operationName,
                ms: Math.round(performance.now() - started),
              },
              'graphql',
            );
            return;
          }
          // Codes and paths only: messages quote the caller's values (an id, a cursor, a variable), and those may
          // be secrets. Unexpected errors are logged in full, once, where they are masked (yoga.ts).
          for (const error of result.errors) {
            log.warn(
              {
                requestId,
                tenantId: viewer.tenantId,
                op: args.operationName,
                code: error.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
                path: error.path?.join('.'),
              },
              'graphql error',
            );
          }
        },
      };
    },
  };
}
