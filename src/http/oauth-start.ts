// Our start route, the authorization link `startSalesforceConnection` returns. Opened once, by the admin's popup, it
// puts a fresh nonce in an HttpOnly cookie scoped to the callback path and redirects to Salesforce's authorization
// page; the callback completes the connection only in a browser that sends that nonce back. A link forwarded to (or
// copied into) another browser therefore cannot connect the tenant to someone else's org.
import type { Plugin } from 'graphql-yoga';
import { nonceCookieName, STATE_TTL_MS } from '../connections/oauth-state.ts';
import type { SalesforceConnections } from '../connections/tenant-connections.ts';
import type { Logger } from '../log.ts';
import { SalesforceConnectError } from '../salesforce/errors.ts';
import { CALLBACK_PATH, START_PATH } from '../salesforce/oauth.ts';
import { callbackPage } from './oauth-callback.ts';

export function useOAuthStart(options: {
  connections: SalesforceConnections;
  log: Logger;
  /** Secure cookies when browsers reach the service over https (PUBLIC_BASE_URL). */
  secureCookies: boolean;
}): Plugin {
  const { connections, log, secureCookies } = options;
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== START_PATH) return;
      if (request.method !== 'GET') {
        endResponse(new Response('Method Not Allowed', { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      const state = url.searchParams.get('state');
      try {
        const { salesforceUrl, nonce } = await connections.open(state);
        const cookie = [
          `${nonceCookieName(state)}=${nonce}`,
          `Path=${CALLBACK_PATH}`,
          `Max-Age=${STATE_TTL_MS / 1000}`,
          'HttpOnly',
          // Lax: the cookie goes with Salesforce's top-level redirect to the callback, never with cross-site requests.
          'SameSite=Lax',
          ...(secureCookies ? ['Secure'] : []),
        ].join('; ');
        endResponse(
          new Response(null, {
            status: 302,
            headers: {
              location: salesforceUrl,
              'set-cookie': cookie,
              'cache-control': 'no-store',
              'referrer-policy': 'no-referrer',
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof SalesforceConnectError)) {
          log.error({ err: error }, 'salesforce oauth start failed unexpectedly');
          endResponse(
            callbackPage({
              source: 'cloudcx-salesforce',
              status: 'failed',
              code: 'INTERNAL',
              message:
                'Connecting to Salesforce failed unexpectedly. Try again; if it persists, contact support.',
            }),
          );
          return;
        }
        log.warn({ code: error.code }, 'salesforce oauth start refused');
        endResponse(
          callbackPage({
            source: 'cloudcx-salesforce',
            status: 'failed',
            code: error.code,
            message: error.message,
          }),
        );
      }
    },
  };
}
