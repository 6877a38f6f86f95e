// OAuth 2.0 web-server flow: authorize (consent page or auto-approve), token (authorization_code and
// refresh_token grants, secret in the body), revoke. Errors are one {error, error_description} object.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { consentPage, errorPage } from './consent-page.ts';
import { OAuthError } from './errors.ts';
import { readBody, redirect, sendJson, sendText } from './http.ts';
import type { Org } from './org.ts';
import type { ConnectedApp, SObject } from './store.ts';
import {
  bearer,
  CODE_LIFETIME_MS,
  issueTokens,
  newCode,
  newRefreshToken,
  pkceMatches,
  userForToken,
} from './tokens.ts';

const DEFAULT_SCOPE = 'api refresh_token id';

const clientIdInvalid = () => new OAuthError('invalid_client_id', 'client identifier invalid');
const badCredentials = () => new OAuthError('invalid_client', 'invalid client credentials');
const authFailure = () => new OAuthError('invalid_grant', 'authentication failure');
const expiredToken = () => new OAuthError('invalid_grant', 'expired access/refresh token');
const redirectMismatch = () =>
  new OAuthError('redirect_uri_mismatch', 'redirect_uri must match configuration');

function withParams(uri: string, params: Record<string, string | null>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}

function activeUser(org: Org, username: string | null): SObject | undefined {
  const users = org.store.all('User').filter((u) => !u.IsDeleted && u.IsActive !== false);
  if (!username) return org.store.get('User', org.store.adminUserId);
  return users.find((u) => String(u.Username).toLowerCase() === username.toLowerCase());
}

/** Checks the app and callback; these errors show a page, since an unregistered callback cannot be trusted. */
function appFor(org: Org, params: URLSearchParams): ConnectedApp {
  const app = org.store.apps.get(params.get('client_id') ?? '');
  if (!app) throw clientIdInvalid();
  if (!app.callbackUrls.includes(params.get('redirect_uri') ?? '')) throw redirectMismatch();
  return app;
}

function grantCode(org: Org, res: ServerResponse, params: URLSearchParams, user: SObject): void {
  const code = newCode();
  org.store.codes.set(code, {
    clientId: params.get('client_id')!,
    redirectUri: params.get('redirect_uri')!,
    userId: String(user.Id),
    scope: params.get('scope') || DEFAULT_SCOPE,
    used: false,
    expiresAt: Date.now() + CODE_LIFETIME_MS,
    codeChallenge: params.get('code_challenge') ?? undefined,
  });
  redirect(res, withParams(params.get('redirect_uri')!, { code, state: params.get('state') }));
}

export async function authorize(
  org: Org,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  autoApprove: boolean,
) {
  const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
  let app: ConnectedApp;
  try {
    app = appFor(org, params);
  } catch (error) {
    const e = error as OAuthError;
    return sendText(res, 400, errorPage(e.error, e.description), 'text/html;charset=UTF-8');
  }
  const back = params.get('redirect_uri')!;
  const state = params.get('state');
  if (params.get('response_type') !== 'code') {
    return redirect(
      res,
      withParams(back, {
        error: 'unsupported_response_type',
        error_description: 'response type not supported',
        state,
      }),
    );
  }
  if (req.method === 'POST') {
    if (params.get('action') !== 'Allow') {
      return redirect(
        res,
        withParams(back, {
          error: 'access_denied',
          error_description: 'end-user denied authorization',
          state,
        }),
      );
    }
    const user = activeUser(org, params.get('username'));
    if (!user) {
      return redirect(
        res,
        withParams(back, { error: 'access_denied', error_description: 'user is not active', state }),
      );
    }
    return grantCode(org, res, params, user);
  }
  if (autoApprove || org.store.settings.autoApprove) {
    const user = activeUser(org, params.get('login_hint'));
    if (!user) {
      return redirect(
        res,
        withParams(back, { error: 'access_denied', error_description: 'user is not active', state }),
      );
    }
    return grantCode(org, res, params, user);
  }
  const users = org.store.all('User').filter((u) => !u.IsDeleted && u.IsActive !== false);
  const selected = params.get('login_hint') ?? org.store.adminUsername;
  sendText(res, 200, consentPage(app, users, selected, params), 'text/html;charset=UTF-8');
}

function tokenGrant(org: Org, params: URLSearchParams) {
  const grant = params.get('grant_type');
  if (grant !== 'authorization_code' && grant !== 'refresh_token') {
    throw new OAuthError('unsupported_grant_type', 'grant type not supported');
  }
  const app = org.store.apps.get(params.get('client_id') ?? '');
  if (!app) throw clientIdInvalid();
  if (params.get('client_secret') !== app.clientSecret) throw badCredentials();
  const { store } = org;
  if (grant === 'authorization_code') {
    const code = store.codes.get(params.get('code') ?? '');
    if (!code || code.used || code.clientId !== app.clientId) throw authFailure();
    if (code.expiresAt < Date.now()) throw new OAuthError('invalid_grant', 'expired authorization code');
    if (params.get('redirect_uri') !== code.redirectUri) throw redirectMismatch();
    if (code.codeChallenge && !pkceMatches(code.codeChallenge, params.get('code_verifier'))) {
      throw new OAuthError('invalid_grant', 'invalid code verifier');
    }
    code.used = true;
    if (store.get('User', code.userId)?.IsActive === false)
      throw new OAuthError('invalid_grant', 'inactive user');
    const scopes = code.scope.split(/\s+/);
    const offline = scopes.includes('refresh_token') || scopes.includes('offline_access');
    const refresh = offline ? newRefreshToken(org, app.clientId, code.userId, code.scope) : undefined;
    return issueTokens(org, app.clientId, app.clientSecret, code.userId, code.scope, refresh, true);
  }
  const token = params.get('refresh_token') ?? '';
  const refresh = store.refresh.get(token);
  if (!refresh || refresh.revoked || refresh.clientId !== app.clientId) throw expiredToken();
  if (store.get('User', refresh.userId)?.IsActive === false)
    throw new OAuthError('invalid_grant', 'inactive user');
  if (!app.rotateRefreshTokens) {
    return issueTokens(org, app.clientId, app.clientSecret, refresh.userId, refresh.scope, token, false);
  }
  // Rotation: the old refresh token dies, a new one comes back with the access token.
  refresh.revoked = true;
  const next = newRefreshToken(org, app.clientId, refresh.userId, refresh.scope);
  return issueTokens(org, app.clientId, app.clientSecret, refresh.userId, refresh.scope, next, true);
}

export async function token(org: Org, req: IncomingMessage, res: ServerResponse) {
  org.accounting.tokenCalls += 1;
  const params = new URLSearchParams(await readBody(req));
  try {
    sendJson(res, 200, tokenGrant(org, params));
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    sendJson(res, error.status, { error: error.error, error_description: error.description });
  }
}

export async function revoke(org: Org, req: IncomingMessage, res: ServerResponse, url: URL) {
  const body = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
  const value = body.get('token') ?? '';
  const { store } = org;
  const revokedAt = new Date().toISOString();
  const refresh = store.refresh.get(value);
  if (refresh) {
    // Revoking a refresh token also kills every access token issued from it.
    refresh.revoked = true;
    for (const access of store.access.values()) if (access.refreshToken === value) access.expired = true;
    store.revoked.push({ token: value, kind: 'refresh', revokedAt });
  } else if (store.access.has(value)) {
    store.access.get(value)!.expired = true;
    store.revoked.push({ token: value, kind: 'access', revokedAt });
  } else {
    return sendJson(res, 400, { error: 'invalid_token', error_description: 'invalid token' });
  }
  store.changed();
  sendJson(res, 200, undefined);
}

function identityOf(org: Org, user: SObject) {
  const id = `${org.url}/id/${org.store.orgId}/${user.Id}`;
  const base = `${org.url}/services/data/v{version}`;
  return {
    id,
    asserted_user: true,
    user_id: user.Id,
    organization_id: org.store.orgId,
    username: user.Username,
    nick_name: String(user.Username).split('@')[0],
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    active: user.IsActive !== false,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    last_modified_date: user.LastModifiedDate,
    urls: {
      rest: `${base}/`,
      sobjects: `${base}/sobjects/`,
      query: `${base}/query/`,
      limits: `${base}/limits/`,
      profile: `${org.url}/${user.Id}`,
      custom_domain: org.url,
    },
  };
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  return bearer(req.headers.authorization) ?? url.searchParams.get('oauth_token') ?? undefined;
}

/** The identity URL `/id/{orgId}/{userId}`; an invalid token answers 403 Bad_OAuth_Token as Salesforce does. */
export function identity(
  org: Org,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  orgId: string,
  userId: string,
) {
  if (!userForToken(org, tokenOf(req, url))) return sendText(res, 403, 'Bad_OAuth_Token', 'text/plain');
  const user = org.store.get('User', userId);
  if (orgId !== org.store.orgId || !user) return sendText(res, 404, 'Bad_Id', 'text/plain');
  sendJson(res, 200, identityOf(org, user));
}

export function userinfo(org: Org, req: IncomingMessage, res: ServerResponse, url: URL) {
  const user = userForToken(org, tokenOf(req, url));
  if (!user) return sendText(res, 403, 'Bad_OAuth_Token', 'text/plain');
  const info = identityOf(org, user);
  sendJson(res, 200, {
    sub: info.id,
    user_id: info.user_id,
    organization_id: info.organization_id,
    preferred_username: info.username,
    nickname: info.nick_name,
    name: info.display_name,
    email: info.email,
    email_verified: true,
    given_name: info.first_name,
    family_name: info.last_name,
    zoneinfo: 'America/Los_Angeles',
    active: info.active,
    user_type: info.user_type,
    language: info.language,
    locale: info.locale,
    utcOffset: info.utcOffset,
    updated_at: info.last_modified_date,
    urls: info.urls,
  });
}
