// One structured log line per GraphQL operation: request id, tenant, operation, duration, and errors in full
// (the client sees masked ones as "Unexpected error.").
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
          for (const error of result.errors) {
            const original = (error as { originalError?: Error }).originalError;
            log.warn(
              { requestId, tenantId: viewer.tenantId, op: args.operationName, err: original ?? error },
              error.message,
            );
          }
        },
      };
    },
  };
}
