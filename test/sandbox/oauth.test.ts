import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import {
  APP,
  authorize,
  authorizeUrl,
  connection,
  failure,
  freshOrg,
  login,
  sandbox,
  tokenRequest,
} from './support.ts';

let sb: Sandbox;
beforeAll(async () => {
  sb = await sandbox({ autoApprove: false });
});
afterAll(() => sb.close());
beforeEach(() => freshOrg(sb));

const autoApprove = () => sb.control.setSettings({ autoApprove: true });

describe('authorize', () => {
  it('shows a consent page naming the app, with a user picker and Allow and Deny buttons', async () => {
    const res = await fetch(authorizeUrl(sb));
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<title>Allow Access? | CloudCX');
    expect(html).toContain('CloudCX</strong> is asking to access');
    expect(html).toMatch(
      /<select id="username" name="username"><option value="admin@sandbox.example.com" selected>/,
    );
    expect(html).toContain('<button type="submit" name="action" value="Allow">Allow</button>');
    expect(html).toContain('<button type="submit" name="action" value="Deny">Deny</button>');
  });

  it('redirects with a code and the state when the user allows, as the chosen user', async () => {
    const { id: userId } = await sb.control.createUser({
      username: 'agent@acme.test',
      email: 'agent@acme.test',
      lastName: 'Agent',
    });
    const form = new URLSearchParams({
      response_type: 'code',
      client_id: APP.clientId,
      redirect_uri: APP.redirectUri,
      state: 's1',
      username: 'agent@acme.test',
      action: 'Allow',
    });
    const res = await fetch(`${sb.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const location = new URL(res.headers.get('location')!);
    expect(res.status).toBe(302);
    expect(location.origin + location.pathname).toBe(APP.redirectUri);
    expect(location.searchParams.get('state')).toBe('s1');
    const { body } = await tokenRequest(sb, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      redirect_uri: APP.redirectUri,
    });
    expect(body.id?.endsWith(`/${userId}`)).toBe(true);
  });

  it('redirects with access_denied when the user denies', async () => {
    const form = new URLSearchParams({
      response_type: 'code',
      client_id: APP.clientId,
      redirect_uri: APP.redirectUri,
      state: 's2',
      action: 'Deny',
    });
    const res = await fetch(`${sb.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const params = new URL(res.headers.get('location')!).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('s2');
    expect(params.get('code')).toBeNull();
  });

  it('auto-approves as the login_hint user when the setting is on', async () => {
    await autoApprove();
    const { id } = await sb.control.createUser({
      username: 'hint@acme.test',
      email: 'hint@acme.test',
      lastName: 'Hint',
    });
    const tokens = await login(sb, { login_hint: 'hint@acme.test' });
    expect(tokens.id).toBe(`${sb.url}/id/${(await sb.control.org()).organizationId}/${id}`);
  });

  it('refuses an unknown client id or an unregistered callback with an error page', async () => {
    const bad = await fetch(authorizeUrl(sb, { client_id: 'nope' }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('invalid_client_id');
    const mismatch = await fetch(authorizeUrl(sb, { redirect_uri: 'http://evil.test/cb' }));
    expect(await mismatch.text()).toContain('redirect_uri_mismatch');
  });
});

describe('token endpoint', () => {
  beforeEach(autoApprove);

  it('exchanges a code for tokens shaped like Salesforce', async () => {
    const tokens = await login(sb);
    const org = await sb.control.org();
    expect(tokens.instance_url).toBe(sb.url);
    expect(tokens.id).toBe(`${sb.url}/id/${org.organizationId}/${org.adminUserId}`);
    expect(tokens.access_token.startsWith(`${org.organizationId.slice(0, 15)}!`)).toBe(true);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'api refresh_token id' });
    expect(tokens.issued_at).toMatch(/^\d{13}$/);
    expect(tokens.signature).toBeTruthy();
  });

  it('answers the exact OAuth errors', async () => {
    const code = (await authorize(sb)).get('code')!;
    const base = {
      grant_type: 'authorization_code',
      code,
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      redirect_uri: APP.redirectUri,
    };
    expect((await tokenRequest(sb, { ...base, client_id: 'nope' })).body).toEqual({
      error: 'invalid_client_id',
      error_description: 'client identifier invalid',
    });
    expect((await tokenRequest(sb, { ...base, client_secret: 'wrong' })).body).toEqual({
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    });
    expect((await tokenRequest(sb, { ...base, redirect_uri: 'http://other.test/cb' })).body.error).toBe(
      'redirect_uri_mismatch',
    );
    expect((await tokenRequest(sb, { ...base, grant_type: 'password' })).body.error).toBe(
      'unsupported_grant_type',
    );
    expect((await tokenRequest(sb, base)).status).toBe(200);
    const reused = await tokenRequest(sb, base);
    expect(reused).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'authentication failure' },
    });
  });

  it('issues no refresh token without the refresh_token scope', async () => {
    const tokens = await login(sb, { scope: 'api id' });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('refreshes without rotation, keeping the refresh token', async () => {
    const tokens = await login(sb);
    const { body } = await tokenRequest(sb, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
    });
    expect(body.access_token).not.toBe(tokens.access_token);
    expect(body.refresh_token).toBeUndefined();
  });

  it('rotates refresh tokens when the app asks for it, killing the old one', async () => {
    await freshOrg(sb, true);
    await autoApprove();
    const tokens = await login(sb);
    const refresh = (token: string) =>
      tokenRequest(sb, {
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
      });
    const first = await refresh(tokens.refresh_token!);
    expect(first.body.refresh_token).toBeTruthy();
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await refresh(tokens.refresh_token!)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });
    expect((await refresh(first.body.refresh_token!)).status).toBe(200);
    expect(await sb.control.tokenCalls()).toBe(4);
  });
});

describe('sessions through jsforce', () => {
  beforeEach(autoApprove);

  it('refreshes an expired access token by itself and replays the call', async () => {
    const conn = connection(sb, await login(sb));
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    await sb.control.expireAccessTokens();
    const result = await conn.query('SELECT Id FROM User');
    expect(result.totalSize).toBe(1);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).toBe(refreshed[0]);
  });

  it('answers INVALID_SESSION_ID with 401 for a bad token', async () => {
    const res = await fetch(`${sb.url}/services/data/v62.0/limits`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
  });

  it('fails the refresh once refresh tokens are revoked', async () => {
    const conn = connection(sb, await login(sb));
    await sb.control.revokeRefreshTokens();
    const error = await failure(conn.query('SELECT Id FROM User'));
    expect(String(error.message)).toMatch(/expired access\/refresh token/);
  });

  it('revokes a refresh token and the access tokens issued from it', async () => {
    const tokens = await login(sb);
    const res = await fetch(`${sb.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token! }),
    });
    expect(res.status).toBe(200);
    expect((await sb.control.revokedTokens()).map((t) => t.kind)).toEqual(['refresh']);
    const limits = await fetch(`${sb.url}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(limits.status).toBe(401);
    const again = await fetch(`${sb.url}/services/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: 'unknown' }),
    });
    expect(again.status).toBe(400);
  });

  it('serves the identity URL with a Bearer token or oauth_token, and userinfo', async () => {
    const conn = connection(sb, await login(sb));
    const identity = await conn.identity();
    const org = await sb.control.org();
    expect(identity).toMatchObject({
      user_id: org.adminUserId,
      organization_id: org.organizationId,
      username: org.adminUsername,
      display_name: 'Sandbox Admin',
      email: org.adminUsername,
      active: true,
    });
    expect(identity.urls.rest).toBe(`${sb.url}/services/data/v{version}/`);
    const info = await fetch(`${sb.url}/services/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${conn.accessToken}` },
    });
    expect(await info.json()).toMatchObject({
      user_id: org.adminUserId,
      preferred_username: org.adminUsername,
    });
    const bad = await fetch(`${sb.url}/id/${org.organizationId}/${org.adminUserId}?oauth_token=nope`);
    expect(bad.status).toBe(403);
  });
});
