// API keys: `cxsf_<prefix>_<secret>`, shown once. Only a SHA-256 of the whole key is stored: with 192 random bits a
// slow password hash adds nothing, and the prefix finds the row without comparing against every key.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Prisma } from '../db/open.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { AuthError, type Viewer } from './viewer.ts';

const KEY_PATTERN = /^cxsf_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('cxsf_');
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  prisma: Prisma,
  input: { tenantId: string | null; role: Role; name: string },
): Promise<{ id: string; key: string; prefix: string }> {
  if ((input.role === 'SYSTEM') !== (input.tenantId === null)) {
    throw new Error('SYSTEM keys belong to no tenant; every other role needs one');
  }
  const prefix = randomBytes(6).toString('hex');
  const key = `cxsf_${prefix}_${randomBytes(24).toString('base64url')}`;
  const row = await prisma.apiKey.create({
    data: { tenantId: input.tenantId, role: input.role, name: input.name, prefix, hash: hashKey(key) },
  });
  return { id: row.id, key, prefix };
}

export async function authenticateApiKey(prisma: Prisma, key: string): Promise<Viewer> {
  const match = KEY_PATTERN.exec(key);
  const row = match ? await prisma.apiKey.findUnique({ where: { prefix: match[1] } }) : null;
  if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hashKey(key), 'hex'))) {
    throw new AuthError('INVALID_API_KEY', 'The API key is not valid. Check that it was copied whole.');
  }
  if (row.revokedAt)
    throw new AuthError('REVOKED_API_KEY', 'The API key was revoked. Ask an admin for a new one.');
  return {
    role: row.role,
    tenantId: row.tenantId,
    credential: 'api-key',
    apiKeyId: row.id,
    actor: `api-key:${row.id}`,
  };
}
