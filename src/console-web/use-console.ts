// Serves the sync console at /console: the page, its script and its styles, all from this service (no CDN), under
// a strict Content-Security-Policy. The page talks to /graphql with the credential the user signs in with.
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../log.ts';
import { type ConsoleAssets, DIST, loadConsoleAssets } from './bundle.ts';
import { consolePage } from './page.ts';

export const CONSOLE_PATH = '/console';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * @param options.prebuilt serve dist/console-web/assets (from `npm run build:console`) when it exists. @default false
 */
export function useConsole(options: { log: Logger; prebuilt?: boolean }): Plugin {
  let assets: Promise<ConsoleAssets> | undefined;
  const load = () => {
    assets ??= loadConsoleAssets({ prebuiltDir: options.prebuilt ? DIST : undefined }).catch(
      (error: unknown) => {
        assets = undefined; // a later request tries again
        throw error;
      },
    );
    return assets;
  };
  return {
    onRequest: async ({ request, url, endResponse }) => {
      const { pathname } = url;
      if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response('Method Not Allowed', { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      let current: ConsoleAssets;
      try {
        current = await load();
      } catch (error) {
        options.log.error({ err: error }, 'the sync console could not be bundled');
        endResponse(new Response('The sync console is unavailable.', { status: 500 }));
        return;
      }
      const file = {
        [CONSOLE_PATH]: { body: consolePage(current.version), type: 'text/html; charset=utf-8' },
        [`${CONSOLE_PATH}/`]: { body: consolePage(current.version), type: 'text/html; charset=utf-8' },
        [`${CONSOLE_PATH}/app.js`]: { body: current.js, type: 'text/javascript; charset=utf-8' },
        [`${CONSOLE_PATH}/app.css`]: { body: current.css, type: 'text/css; charset=utf-8' },
      }[pathname];
      if (!file) {
        endResponse(new Response('Not Found', { status: 404, headers: SECURITY_HEADERS }));
        return;
      }
      const etag = `"${current.version}"`;
      const headers = { ...SECURITY_HEADERS, 'content-type': file.type, etag, 'cache-control': 'no-cache' };
      if (request.headers.get('if-none-match') === etag) {
        endResponse(new Response(null, { status: 304, headers }));
        return;
      }
      endResponse(new Response(request.method === 'HEAD' ? null : file.body, { headers }));
    },
  };
}
