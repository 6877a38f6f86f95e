// Test helpers: a sandbox with one connected app, tokens from the real OAuth flow, and jsforce connections.
import './no-proxy.ts';
import jsforce, { type Connection } from 'jsforce';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';

export { jsforce };

export const APP = {
  clientId: 'cloudcx-client-id',
  clientSecret: 'cloudcx-client-secret',
  redirectUri: 'http://localhost:4000/oauth/callback',
};

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  instance_url: string;
  id: string;
  [key: string]: unknown;
}

export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ autoApprove: true, ...options });
}

/** Resets the org and registers the connected app. */
export async function freshOrg(sb: Sandbox, rotateRefreshTokens = false): Promise<void> {
  await sb.control.reset();
  await sb.control.createConnectedApp({
    clientId: APP.clientId,
    clientSecret: APP.clientSecret,
    callbackUrls: [APP.redirectUri],
    rotateRefreshTokens,
    name: 'CloudCX',
  });
}

export function authorizeUrl(sb: Sandbox, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: APP.clientId,
    redirect_uri: APP.redirectUri,
    state: 'xyz',
    ...extra,
  });
  return `${sb.url}/services/oauth2/authorize?${params}`;
}

/** Follows the auto-approved authorize redirect and returns its query parameters. */
export async function authorize(sb: Sandbox, extra: Record<string, string> = {}): Promise<URLSearchParams> {
  const res = await fetch(authorizeUrl(sb, extra), { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location')!).searchParams;
}

export async function tokenRequest(sb: Sandbox, params: Record<string, string>) {
  const res = await fetch(`${sb.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

export async function login(sb: Sandbox, extra: Record<string, string> = {}): Promise<Tokens> {
  const code = (await authorize(sb, extra)).get('code')!;
  const { status, body } = await tokenRequest(sb, {
    grant_type: 'authorization_code',
    code,
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    redirect_uri: APP.redirectUri,
  });
  if (status !== 200) throw new Error(`token answered ${status}: ${JSON.stringify(body)}`);
  return body as unknown as Tokens;
}

export function connection(sb: Sandbox, tokens: Tokens): Connection {
  return new jsforce.Connection({
    instanceUrl: sb.url,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    oauth2: {
      loginUrl: sb.url,
      clientId: APP.clientId,
      clientSecret: APP.clientSecret,
      redirectUri: APP.redirectUri,
    },
    version: '62.0',
  });
}

/** A fresh org and a jsforce connection logged in as its admin. */
export async function connect(sb: Sandbox, rotateRefreshTokens = false): Promise<Connection> {
  await freshOrg(sb, rotateRefreshTokens);
  return connection(sb, await login(sb));
}

/** The rejection of a promise, for asserting on Salesforce error codes. */
// biome-ignore lint/suspicious/noExplicitAny: errors from jsforce carry untyped fields.
export async function failure(promise: PromiseLike<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** A raw REST call with the connection's token, for status codes and headers jsforce hides. */
export async function rest(
  sb: Sandbox,
  conn: Connection,
  method: string,
  path: string,
  body?: unknown,
  headers = {},
) {
  const res = await fetch(`${sb.url}/services/data/v62.0${path}`, {
    method,
    headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field.
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, body: json };
}
