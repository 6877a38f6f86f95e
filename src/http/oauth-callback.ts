// The OAuth callback route Salesforce redirects the admin's browser to. It completes the connection (only in the
// browser whose cookie holds the nonce our start route set, src/http/oauth-start.ts) and answers a small page that
// says what happened, tells `window.opener` (the CloudCX settings page) and, on success, closes.
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { nonceCookieName } from '../connections/oauth-state.ts';
import type { SalesforceConnections } from '../connections/tenant-connections.ts';
import type { Logger } from '../log.ts';
import { type ConnectFailure, SalesforceConnectError } from '../salesforce/errors.ts';
import { CALLBACK_PATH } from '../salesforce/oauth.ts';

/** What the page posts to `window.opener`; nothing secret. */
export type CallbackMessage =
  | { source: 'cloudcx-salesforce'; status: 'connected'; username: string | null; message: string }
  | { source: 'cloudcx-salesforce'; status: 'failed'; code: ConnectFailure | 'INTERNAL'; message: string };

/** How long the success page stays visible before closing itself. */
const CLOSE_AFTER_MS = 1_500;

export function useOAuthCallback(options: { connections: SalesforceConnections; log: Logger }): Plugin {
  const { connections, log } = options;
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== CALLBACK_PATH) return;
      if (request.method !== 'GET') {
        endResponse(new Response('Method Not Allowed', { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      // The URL holds the authorization code: it is never logged, only the outcome is.
      const cookie = nonceCookieName(url.searchParams.get('state'));
      const nonce = cookie ? readCookie(request.headers.get('cookie'), cookie) : null;
      let message: CallbackMessage;
      try {
        const { tenantId, username } = await connections.complete(url.searchParams, nonce);
        message = {
          source: 'cloudcx-salesforce',
          status: 'connected',
          username,
          message: `Connected to Salesforce${username ? ` as ${username}` : ''}. You can close this window.`,
        };
        log.info({ tenantId }, 'salesforce oauth callback: connected');
      } catch (error) {
        if (error instanceof SalesforceConnectError) {
          message = {
            source: 'cloudcx-salesforce',
            status: 'failed',
            code: error.code,
            message: error.message,
          };
          log.warn({ code: error.code }, 'salesforce oauth callback: not connected');
        } else {
          message = {
            source: 'cloudcx-salesforce',
            status: 'failed',
            code: 'INTERNAL',
            message:
              'Connecting to Salesforce failed unexpectedly. Try again; if it persists, contact support.',
          };
          log.error({ err: error }, 'salesforce oauth callback failed unexpectedly');
        }
      }
      const page = callbackPage(message);
      // The nonce has done its work (or the flow failed): the browser forgets it.
      if (cookie && nonce) page.headers.append('set-cookie', `${cookie}=; Path=${CALLBACK_PATH}; Max-Age=0`);
      endResponse(page);
    },
  };
}

/** One cookie's value from a Cookie header. */
function readCookie(header: string | null, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim() || null;
  }
  return null;
}

/** The page shown in the popup: the outcome for the admin, posted to the opener. */
export function callbackPage(message: CallbackMessage): Response {
  const nonce = randomBytes(16).toString('base64');
  const ok = message.status === 'connected';
  const title = ok ? 'Connected to Salesforce' : 'Not connected to Salesforce';
  // JSON inside <script>: escape "<" so no value can close the tag.
  const data = JSON.stringify(message).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 3rem auto; max-width: 32rem; padding: 0 1rem; color: #1f2933; }
h1 { font-size: 1.25rem; color: ${ok ? '#137333' : '#b3261e'}; }
button { font: inherit; padding: .4rem 1rem; }
</style>
</head>
<body>
<h1 id="title">${escapeHtml(title)}</h1>
<p id="message" role="status">${escapeHtml(message.message)}</p>
<button id="close" type="button">Close</button>
<script nonce="${nonce}">
(function () {
  var message = ${data};
  document.getElementById('close').addEventListener('click', function () { window.close(); });
  if (window.opener && !window.opener.closed) {
    // The opener is the CloudCX settings page, whose origin this service does not know; the message holds no secret.
    try { window.opener.postMessage(message, '*'); } catch (e) {}
    if (message.status === 'connected') setTimeout(function () { window.close(); }, ${CLOSE_AFTER_MS});
  }
})();
</script>
</body>
</html>
`;
  return new Response(html, {
    status: ok ? 200 : 400,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page's own URL carries the code: never send it on as a referrer.
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'x-content-type-options': 'nosniff',
    },
  });
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
