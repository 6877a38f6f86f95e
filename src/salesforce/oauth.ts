// The OAuth 2.0 web-server flow against a Salesforce account server (../shared/reference/salesforce.md §1):
// login-URL checks, the authorization URL, the code and refresh-token grants, identity and revocation.
// Plain fetch rather than jsforce's OAuth2: its errors keep `error` and `error_description` apart, and it ignores
// the proxy variables jsforce reads at import.
import type { EndpointPolicy } from './endpoints.ts';
import { ConfigurationInputError } from './errors.ts';

/** Where Salesforce sends the admin back; the same path for the system and custom configurations (seed text). */
export const CALLBACK_PATH = '/api/v2.0/integration/app/callback/api/salesforce';
/** Our own route that opens the authorization link: it binds the flow to the browser, then goes to Salesforce. */
export const START_PATH = '/api/v2.0/integration/app/start/salesforce';
/** An account server that does not answer within this is reported as unreachable. */
const HTTP_TIMEOUT_MS = 15_000;

export function callbackUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${CALLBACK_PATH}`;
}

/** The token endpoint answered with an OAuth error object (`error`, `error_description`). */
export class OAuthResponseError extends Error {
  override name = 'OAuthResponseError';
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(description ? `${error}: ${description}` : error);
  }
}

/** No HTTP answer at all: DNS, refused connection, TLS, timeout. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url} could not be reached (${reason}).`);
  }
}

/**
 * Normalizes an account server (login URL) or CRM address to its origin, e.g. `https://login.salesforce.com`.
 * Only Salesforce's own https hosts and the operator's SALESFORCE_ALLOWED_HOSTS pass (src/salesforce/endpoints.ts).
 */
export function normalizeSalesforceUrl(
  raw: string,
  field: string,
  endpoints: EndpointPolicy,
  label = 'account server address',
): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationInputError(
      `"${text}" is not an address. Enter the ${label}, e.g. https://login.salesforce.com.`,
      field,
    );
  }
  if (url.username || url.password || url.search || url.hash || url.pathname.replace(/\/+$/, '') !== '') {
    throw new ConfigurationInputError(
      `Enter only the ${label}, without a path, e.g. https://login.salesforce.com or https://test.salesforce.com.`,
      field,
    );
  }
  if (/\.lightning\.force\.com$/i.test(url.hostname)) {
    throw new ConfigurationInputError(
      `${url.origin} is a Lightning address. Use the login address instead: https://login.salesforce.com, ` +
        'https://test.salesforce.com or your My Domain (https://<domain>.my.salesforce.com).',
      field,
    );
  }
  const checked = endpoints.check(url.href);
  if ('refusal' in checked) {
    throw new ConfigurationInputError(
      checked.refusal !== 'NOT_SALESFORCE'
        ? `The ${label} must start with https:// (http:// only for a host the platform operator lists in ` +
            'SALESFORCE_ALLOWED_HOSTS).'
        : `${url.origin} is not a Salesforce ` +
            'address. Use https://login.salesforce.com, https://test.salesforce.com or your My Domain ' +
            '(https://<domain>.my.salesforce.com); other hosts must be listed by the platform operator in ' +
            'SALESFORCE_ALLOWED_HOSTS.',
      field,
    );
  }
  return checked.origin;
}

export function authorizationUrl(params: {
  loginUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
}): string {
  // No `scope`: Salesforce then grants the scopes selected on the connected app (the seed has admins pick them),
  // and asking for one the app lacks would fail. No PKCE: the seed's connected apps have it off.
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    state: params.state,
  });
  return `${params.loginUrl}/services/oauth2/authorize?${query}`;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  instance_url: string;
  /** `https://<login host>/id/<orgId>/<userId>` */
  id: string;
  issued_at?: string;
  scope?: string;
}

export interface AppCredentials {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
}

export function exchangeCode(
  app: AppCredentials,
  params: { code: string; redirectUri: string },
): Promise<TokenResponse> {
  return tokenRequest(app.loginUrl, {
    grant_type: 'authorization_code',
    code: params.code,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: params.redirectUri,
  });
}

/** With refresh-token rotation on, the answer carries a new `refresh_token` and the old one is dead. */
export function refreshAccessToken(app: AppCredentials, refreshToken: string): Promise<TokenResponse> {
  return tokenRequest(app.loginUrl, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: app.clientId,
    client_secret: app.clientSecret,
  });
}

export interface Identity {
  userId: string;
  orgId: string;
  username: string | null;
  email: string | null;
  displayName: string | null;
}

/** Reads the identity URL of a token response (Bearer header: the token never goes into a URL). */
export async function fetchIdentity(token: TokenResponse): Promise<Identity> {
  const [orgId, userId] = token.id.split('/').slice(-2);
  const response = await send(token.id, {
    headers: { authorization: `Bearer ${token.access_token}`, accept: 'application/json' },
  });
  if (!response.ok) {
    throw new OAuthResponseError(
      `ERROR_HTTP_${response.status}`,
      'the identity URL refused the token',
      response.status,
    );
  }
  const body = (await response.json()) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  return {
    userId: text(body.user_id) ?? userId ?? '',
    orgId: text(body.organization_id) ?? orgId ?? '',
    username: text(body.username) ?? text(body.preferred_username),
    email: text(body.email),
    displayName: text(body.display_name) ?? text(body.name),
  };
}

/** Revoking a refresh token also ends the access tokens issued from it. */
export async function revokeToken(loginUrl: string, token: string): Promise<void> {
  const response = await send(`${loginUrl}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  if (!response.ok) throw await oauthError(response);
  await response.body?.cancel();
}

async function tokenRequest(loginUrl: string, form: Record<string, string>): Promise<TokenResponse> {
  const response = await send(`${loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
  });
  if (!response.ok) throw await oauthError(response);
  const body = (await response.json()) as Partial<TokenResponse>;
  if (!body.access_token || !body.instance_url || !body.id) {
    throw new OAuthResponseError(
      'invalid_response',
      'the token response lacks access_token, instance_url or id',
      200,
    );
  }
  return body as TokenResponse;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (error) {
    // The URL's origin only: identity URLs may carry more than an address.
    throw new UnreachableError(new URL(url).origin, networkReason(error));
  }
}

async function oauthError(response: Response): Promise<OAuthResponseError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') {
      return new OAuthResponseError(
        body.error,
        typeof body.error_description === 'string' ? body.error_description : '',
        response.status,
      );
    }
  } catch {}
  // Salesforce answers some revoke errors form-encoded.
  const form = new URLSearchParams(text);
  const error = form.get('error');
  if (error) return new OAuthResponseError(error, form.get('error_description') ?? '', response.status);
  return new OAuthResponseError(`ERROR_HTTP_${response.status}`, `HTTP ${response.status}`, response.status);
}

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
