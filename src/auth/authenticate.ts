// The one place a bearer credential becomes a Viewer: an API key (`cxsf_…`) or a platform JWT.
import type { Prisma } from '../db/open.ts';
import { authenticateApiKey, looksLikeApiKey } from './api-keys.ts';
import type { JwtVerifier } from './jwt.ts';
import { tenantWhere } from './tenant-claim.ts';
import { AuthError, type Viewer } from './viewer.ts';

export async function authenticate(
  authorization: string | null,
  deps: { prisma: Prisma; verifyJwt: JwtVerifier },
): Promise<Viewer> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!token) {
    throw new AuthError(
      'MISSING_CREDENTIAL',
      'Authentication required: send "Authorization: Bearer <API key or platform token>".',
    );
  }
  if (looksLikeApiKey(token)) return authenticateApiKey(deps.prisma, token);
  const claims = await deps.verifyJwt(token);
  const tenant = await deps.prisma.tenant.findFirst({
    where: tenantWhere(claims.tenantId),
    select: { id: true },
  });
  if (!tenant)
    throw new AuthError(
      'INVALID_TOKEN',
      `The token names tenant "${claims.tenantId}", which does not exist.`,
    );
  return {
    role: claims.role,
    tenantId: tenant.id,
    credential: 'jwt',
    agent: claims.agent,
    actor: `agent:${claims.agent.id}`,
  };
}
