// OAuth `state`: a random id stored in OAuthState, plus a signature over the id, tenant, configuration and expiry.
// The callback trusts nothing in the URL but the id: the row says whose connection it is, the signature proves the
// row's id came from this service, and `usedAt` makes it single-use.
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto.ts';
import type { Prisma } from '../db/open.ts';
import type { ConfigurationKind } from '../generated/prisma/enums.ts';
import { SalesforceConnectError } from './errors.ts';

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

/** Checks and uses up a state; the failure says which of tampered, replayed or expired it was. */
export async function consumeState(
  prisma: Prisma,
  secrets: SecretBox,
  state: string | null,
): Promise<{ tenantId: string; configurationKind: ConfigurationKind }> {
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
  const { count } = await prisma.oAuthState.updateMany({
    where: { id, usedAt: null },
    data: { usedAt: new Date() },
  });
  if (count === 0) {
    throw new SalesforceConnectError('STATE_USED', `This sign-in link was already used. ${RESTART}`);
  }
  if (row.expiresAt.getTime() < Date.now()) {
    throw new SalesforceConnectError(
      'STATE_EXPIRED',
      `This sign-in link expired: it is valid for ${STATE_TTL_MS / 60_000} minutes. ${RESTART}`,
    );
  }
  return { tenantId: row.tenantId, configurationKind: row.configurationKind };
}

function signed(id: string, tenantId: string, kind: ConfigurationKind, expiresAt: Date): string {
  return ['oauth-state', id, tenantId, kind, expiresAt.getTime()].join('\n');
}
