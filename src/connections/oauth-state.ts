// OAuth `state`: a random id stored in OAuthState, plus a signature over the id, tenant, configuration and expiry.
// The callback trusts nothing in the URL but the id: the row says whose connection it is, the signature proves the
// row's id came from this service, `usedAt` makes it single-use, and the nonce hash set when our start route opened
// the link binds it to that browser's cookie (a forwarded link cannot be finished elsewhere).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../crypto.ts';
import type { Prisma } from '../db/open.ts';
import type { ConfigurationKind } from '../generated/prisma/enums.ts';
import { SalesforceConnectError } from '../salesforce/errors.ts';

/** Between "Connect with Salesforce" and the callback: enough to sign in, short enough to be useless if leaked. */
export const STATE_TTL_MS = 10 * 60 * 1000;

const RESTART = 'Start again with "Connect with Salesforce".';

export async function createState(
  prisma: Prisma,
  secrets: SecretBox,
  tenantId: string,
  configurationKind: ConfigurationKind,
): Promise<{ state: string; expiresAt: Date }> {
  const id = randomBytes(18).toString('base64url');
  const expiresAt = new Date(Date.now() + STATE_TTL_MS);
  await prisma.oAuthState.deleteMany({ where: { tenantId, expiresAt: { lt: new Date() } } });
  await prisma.oAuthState.create({ data: { id, tenantId, configurationKind, expiresAt } });
  return { state: `${id}.${secrets.sign(signed(id, tenantId, configurationKind, expiresAt))}`, expiresAt };
}

/**
 * Our start route opens the link once: it gets a fresh nonce for the browser's cookie, whose hash the row keeps. A
 * second opening (the link forwarded or copied elsewhere) fails, so only the first browser can finish the flow.
 */
export async function openState(
  prisma: Prisma,
  secrets: SecretBox,
  state: string | null,
): Promise<{ id: string; tenantId: string; configurationKind: ConfigurationKind; nonce: string }> {
  const row = await verified(prisma, secrets, state);
  if (row.usedAt) throw used();
  if (row.expiresAt.getTime() < Date.now()) throw expired();
  const nonce = randomBytes(24).toString('base64url');
  const { count } = await prisma.oAuthState.updateMany({
    where: { id: row.id, browserNonceHash: null, usedAt: null },
    data: { browserNonceHash: sha256(nonce) },
  });
  if (count === 0) {
    throw new SalesforceConnectError(
      'STATE_USED',
      `This sign-in link was already opened. It works once, in the browser that opens it first. ${RESTART}`,
    );
  }
  return { id: row.id, tenantId: row.tenantId, configurationKind: row.configurationKind, nonce };
}

/** The name of the cookie that carries a state's browser nonce: one per state, so two flows do not collide. */
export function nonceCookieName(state: string | null): string | null {
  const id = (state ?? '').split('.')[0];
  return id && /^[A-Za-z0-9_-]+$/.test(id) ? `cxsf_oauth_${id}` : null;
}

/**
 * Checks and uses up a state at the callback; the failure says which of tampered, replayed, expired or finished in
 * another browser it was. A browser without the nonce does not use the state up: the admin's own flow goes on.
 */
export async function consumeState(
  prisma: Prisma,
  secrets: SecretBox,
  state: string | null,
  browserNonce: string | null,
): Promise<{ tenantId: string; configurationKind: ConfigurationKind }> {
  const row = await verified(prisma, secrets, state);
  if (row.usedAt) throw used();
  if (
    !row.browserNonceHash ||
    !browserNonce ||
    !timingSafeEqual(Buffer.from(sha256(browserNonce)), Buffer.from(row.browserNonceHash))
  ) {
    throw new SalesforceConnectError(
      'BROWSER_MISMATCH',
      'This sign-in was not started in this browser, so it cannot be finished here: a connection is completed ' +
        `only in the browser where "Connect with Salesforce" was clicked (with cookies allowed). ${RESTART}`,
    );
  }
  const { count } = await prisma.oAuthState.updateMany({
    where: { id: row.id, usedAt: null },
    data: { usedAt: new Date() },
  });
  if (count === 0) throw used();
  if (row.expiresAt.getTime() < Date.now()) throw expired();
  return { tenantId: row.tenantId, configurationKind: row.configurationKind };
}

/** The row a state names, if the signature over its id, tenant, configuration and expiry holds. */
async function verified(prisma: Prisma, secrets: SecretBox, state: string | null) {
  const invalid = new SalesforceConnectError(
    'STATE_INVALID',
    `This sign-in link is not valid: it was altered or does not come from this service. ${RESTART}`,
  );
  const [id, signature, extra] = (state ?? '').split('.');
  if (!id || !signature || extra !== undefined) throw invalid;
  const row = await prisma.oAuthState.findUnique({ where: { id } });
  if (
    !row ||
    !secrets.verify(signed(row.id, row.tenantId, row.configurationKind, row.expiresAt), signature)
  ) {
    throw invalid;
  }
  return row;
}

function used() {
  return new SalesforceConnectError('STATE_USED', `This sign-in link was already used. ${RESTART}`);
}

function expired() {
  return new SalesforceConnectError(
    'STATE_EXPIRED',
    `This sign-in link expired: it is valid for ${STATE_TTL_MS / 60_000} minutes. ${RESTART}`,
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function signed(id: string, tenantId: string, kind: ConfigurationKind, expiresAt: Date): string {
  return ['oauth-state', id, tenantId, kind, expiresAt.getTime()].join('\n');
}
