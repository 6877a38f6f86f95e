// Access tokens, refresh tokens and authorization codes, as opaque strings shaped like Salesforce's.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Org } from './org.ts';
import type { SObject } from './store.ts';

export const CODE_LIFETIME_MS = 15 * 60_000;

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

export function newCode(): string {
  return `aPrx${random(24)}`;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  signature: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
}

/** Issues an access token (and a refresh token when the scope allows one and none is reused). */
export function issueTokens(
  org: Org,
  clientId: string,
  clientSecret: string,
  userId: string,
  scope: string,
  refreshToken: string | undefined,
  includeRefresh: boolean,
): TokenResponse {
  const { store } = org;
  // Access tokens start with the 15-character org id and '!', as real ones do.
  const accessToken = `${store.orgId.slice(0, 15)}!AR${random(60)}`;
  store.access.set(accessToken, {
    userId,
    clientId,
    refreshToken,
    expired: false,
    scope,
    lastUsedAt: org.clock.now(),
  });
  const id = `${org.url}/id/${store.orgId}/${userId}`;
  const issuedAt = String(Date.now());
  const response: TokenResponse = {
    access_token: accessToken,
    signature: createHmac('sha256', clientSecret)
      .update(id + issuedAt)
      .digest('base64'),
    scope,
    instance_url: org.url,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
  if (includeRefresh && refreshToken) response.refresh_token = refreshToken;
  store.changed();
  return response;
}

export function newRefreshToken(org: Org, clientId: string, userId: string, scope: string): string {
  const token = `5Aep861${random(60)}`;
  org.store.refresh.set(token, { userId, clientId, revoked: false, scope });
  return token;
}

/** The active user behind a bearer token, or undefined when the token is unknown, expired or revoked. */
export function userForToken(org: Org, token: string | undefined): SObject | undefined {
  if (!token) return undefined;
  const access = org.store.access.get(token);
  if (!access || access.expired) return undefined;
  // Sessions end after the org's timeout without activity; each call keeps the session alive.
  const now = org.clock.now();
  if (now - (access.lastUsedAt ?? now) > org.store.settings.sessionTimeoutMinutes * 60_000) {
    access.expired = true;
    org.store.changed();
    return undefined;
  }
  access.lastUsedAt = now;
  if (access.refreshToken && org.store.refresh.get(access.refreshToken)?.revoked) return undefined;
  const user = org.store.get('User', access.userId);
  return user && user.IsActive !== false ? user : undefined;
}

/** The token from `Authorization: Bearer|OAuth <token>`. */
export function bearer(header: string | undefined): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}

export function pkceMatches(challenge: string, verifier: string | null): boolean {
  if (!verifier) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}
