// The sandbox's HTTP server: OAuth, REST and the control API on one port, which is both the
// login URL and the instance URL. Faults and accounting wrap every Salesforce call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Accounting, endpointKey } from './accounting.ts';
import { SandboxClock } from './clock.ts';
import { controlRoutes, handleControl } from './control.ts';
import { SandboxControl } from './control-client.ts';
import { FaultState } from './faults.ts';
import { headerMap, readBody, sendJson, sendText, sleep } from './http.ts';
import { authorize, identity, revoke, token, userinfo } from './oauth.ts';
import { newSchemaCache, type Org } from './org.ts';
import { CURRENT_VERSION, isRetiredVersion, isSupportedVersion, RestApi, versionList } from './rest.ts';
import { Store } from './store.ts';
import { bearer, userForToken } from './tokens.ts';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A JSON file the org is loaded from and saved to, so data survives restarts. */
  dataFile?: string;
  /** Authorize redirects at once, without the consent page. */
  autoApprove?: boolean;
  /** The newest version the org serves; default the current release, CURRENT_VERSION. */
  apiVersion?: string;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:54321: both the login URL and the instance URL. */
  url: string;
  control: SandboxControl;
  close(): Promise<void>;
}

export const MAX_URI_BYTES = 16_384;

const REQUEST_LIMIT = [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
const UNAVAILABLE = [
  { message: 'Service temporarily unavailable, please retry.', errorCode: 'SERVER_UNAVAILABLE' },
];

async function handleRest(org: Org, api: RestApi, req: IncomingMessage, res: ServerResponse, url: URL) {
  const limitInfo = () => ({
    'Sforce-Limit-Info': `api-usage=${org.accounting.total}/${org.store.settings.dailyApiLimit}`,
  });
  const send = (status: number, body: unknown) => sendJson(res, status, body, limitInfo());
  const match = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/.exec(url.pathname);
  if (!match)
    return send(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  const [, version, rest = ''] = match;
  // Only the 410 status of a retired version is documented; the body repeats NOT_FOUND's.
  if (isRetiredVersion(version!)) {
    return send(410, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  }
  if (!isSupportedVersion(version!, org.apiVersion)) {
    return send(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  }
  const user = userForToken(org, bearer(req.headers.authorization));
  if (!user) return send(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  const path = rest.replace(/\/$/, '');
  // The resource list of a version is free, like the version list.
  if (path !== '') {
    const overDaily = org.accounting.total >= org.store.settings.dailyApiLimit;
    if (overDaily || !org.faults.allowCall()) return send(403, REQUEST_LIMIT);
    org.accounting.count(endpointKey(req.method ?? 'GET', path));
  }
  const raw = await readBody(req);
  let body: unknown;
  if (raw.trim()) {
    try {
      body = JSON.parse(raw);
    } catch (error) {
      return send(400, [
        { message: `JSON parse error: ${(error as Error).message}`, errorCode: 'JSON_PARSER_ERROR' },
      ]);
    }
  }
  const response = api.dispatch({
    method: req.method ?? 'GET',
    path,
    query: url.searchParams,
    headers: headerMap(req),
    body,
    userId: String(user.Id),
    version: version!,
  });
  if (response.raw) {
    return sendText(res, response.status, response.raw.data, response.raw.contentType, limitInfo());
  }
  sendJson(res, response.status, response.body, { ...limitInfo(), ...(response.headers ?? {}) });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = new Store(options.dataFile, options.autoApprove ?? false);
  const org: Org = {
    store,
    schemas: newSchemaCache(),
    faults: new FaultState(),
    accounting: new Accounting(),
    clock: new SandboxClock(),
    url: '',
    apiVersion: options.apiVersion ?? CURRENT_VERSION,
  };
  const api = new RestApi(org);
  const routes = controlRoutes(org, () => api.cursors.clear());
  const autoApprove = options.autoApprove ?? false;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', org.url);
    const path = url.pathname;
    if (path.startsWith('/__sandbox/')) return handleControl(routes, req, res, url);
    // Salesforce's front end refuses request lines past 16,384 bytes before any API logic (help 000386264).
    if (Buffer.byteLength(req.url ?? '') > MAX_URI_BYTES)
      return sendText(res, 414, 'URI Too Long', 'text/plain');
    // The record links the service hands out (`<instance>/lightning/r/<type>/<id>/view`) open the stored record.
    const lightning = /^\/lightning\/r\/(\w+)\/(\w+)\/view\/?$/.exec(path);
    if (lightning) {
      res.writeHead(302, { location: `/__sandbox/records/${lightning[1]}/${lightning[2]}` });
      return void res.end();
    }
    const delay = org.faults.delayMs();
    if (delay > 0) await sleep(delay);
    const isApi = /^\/services\/data\/v\d/.test(path);
    if (isApi && org.faults.takeDrop()) {
      req.socket.destroy();
      return;
    }
    if (isApi && req.method !== 'GET' && org.faults.takeLostResponse()) {
      // The org commits the write, then the connection dies before the answer: the client cannot know.
      res.writeHead = () => res;
      res.end = () => {
        req.socket.destroy();
        return res;
      };
    }
    if (isApi && org.faults.take503()) {
      const usage = `api-usage=${org.accounting.total}/${org.store.settings.dailyApiLimit}`;
      return sendJson(res, 503, UNAVAILABLE, { 'Sforce-Limit-Info': usage });
    }
    if (path === '/services/oauth2/authorize') return authorize(org, req, res, url, autoApprove);
    if (path === '/services/oauth2/token' && req.method === 'POST') return token(org, req, res);
    if (path === '/services/oauth2/revoke') return revoke(org, req, res, url);
    if (path === '/services/oauth2/userinfo') return userinfo(org, req, res, url);
    const id = /^\/id\/([^/]+)\/([^/]+)\/?$/.exec(path);
    if (id) return identity(org, req, res, url, id[1]!, id[2]!);
    if (path === '/services/data' || path === '/services/data/') {
      return sendJson(res, 200, versionList(org.apiVersion));
    }
    if (path.startsWith('/services/data/')) return handleRest(org, api, req, res, url);
    sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  }

  // Node's own header limit (16 KB) would answer 431 first; the sandbox applies Salesforce's limits itself.
  const server = createServer({ maxHeaderSize: 4 * MAX_URI_BYTES }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: String(error) }]);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  org.url = `http://${host}:${address.port}`;
  return {
    url: org.url,
    control: new SandboxControl(org.url),
    close: () =>
      new Promise<void>((resolve) => {
        store.flush();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
