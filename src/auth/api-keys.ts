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

/**
 * Verified keys, kept briefly so a busy integration does not cost a database read per request. A revocation is
 * seen at once by this instance (forgetApiKey) and within CACHE_TTL_MS by the others.
 */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;
const verified = new Map<string, { viewer: Viewer; until: number }>();

export function forgetApiKey(id: string): void {
  for (const [hash, entry] of verified) if (entry.viewer.apiKeyId === id) verified.delete(hash);
}

export async function authenticateApiKey(prisma: Prisma, key: string): Promise<Viewer> {
  const hash = hashKey(key);
  const cached = verified.get(hash);
  if (cached && cached.until > Date.now()) return cached.viewer;
  const match = KEY_PATTERN.exec(key);
  const row = match ? await prisma.apiKey.findUnique({ where: { prefix: match[1] } }) : null;
  if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) {
    throw new AuthError('INVALID_API_KEY', 'The API key is not valid. Check that it was copied whole.');
  }
  if (row.revokedAt)
    throw new AuthError('REVOKED_API_KEY', 'The API key was revoked. Ask an admin for a new one.');
  const viewer: Viewer = {
    role: row.role,
    tenantId: row.tenantId,
    credential: 'api-key',
    apiKeyId: row.id,
    actor: `api-key:${row.id}`,
  };
  if (verified.size >= CACHE_MAX) verified.clear();
  verified.set(hash, { viewer, until: Date.now() + CACHE_TTL_MS });
  return viewer;
}

/** A tenant's new key, created on a person's or key's behalf and audited. */
export async function issueApiKey(
  prisma: Prisma,
  input: { tenantId: string; role: Role; name: string; actor: string },
): Promise<{ id: string; key: string }> {
  const created = await createApiKey(prisma, input);
  await prisma.auditEvent.create({
    data: {
      tenantId: input.tenantId,
      actor: input.actor,
      action: 'api-key.created',
      details: { id: created.id, role: input.role },
    },
  });
  return created;
}

/** Revokes a tenant's key (audited when this call revoked it); false when the tenant has no such key. */
export async function revokeApiKey(
  prisma: Prisma,
  input: { tenantId: string; id: string; actor: string },
): Promise<boolean> {
  const { count } = await prisma.apiKey.updateMany({
    where: { id: input.id, tenantId: input.tenantId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const key = await prisma.apiKey.findFirst({
    where: { id: input.id, tenantId: input.tenantId },
    select: { id: true },
  });
  if (!key) return false;
  forgetApiKey(key.id);
  if (count > 0)
    await prisma.auditEvent.create({
      data: {
        tenantId: input.tenantId,
        actor: input.actor,
        action: 'api-key.revoked',
        details: { id: key.id },
      },
    });
  return true;
}
