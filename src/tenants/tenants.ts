// Tenants, created and renamed by the platform: each change is audited.
import { createApiKey } from '../auth/api-keys.ts';
import type { Prisma } from '../db/open.ts';

/** A new tenant and its first ADMIN key (shown once). */
export async function createTenant(
  prisma: Prisma,
  input: { slug: string; name: string; cloudcxTenantId: string | null; actor: string },
): Promise<{ tenantId: string; adminKey: string }> {
  const tenant = await prisma.tenant.create({
    data: { slug: input.slug, name: input.name, cloudcxTenantId: input.cloudcxTenantId },
  });
  const key = await createApiKey(prisma, { tenantId: tenant.id, role: 'ADMIN', name: 'first admin key' });
  await prisma.auditEvent.create({
    data: { tenantId: tenant.id, actor: input.actor, action: 'tenant.created' },
  });
  return { tenantId: tenant.id, adminKey: key.key };
}

/** Changes CloudCX's own id for a tenant (checked by the caller: well-formed and not another tenant's). */
export async function setCloudcxTenantId(
  prisma: Prisma,
  input: { tenantId: string; cloudcxTenantId: string; actor: string },
): Promise<void> {
  await prisma.tenant.update({
    where: { id: input.tenantId },
    data: { cloudcxTenantId: input.cloudcxTenantId },
  });
  await prisma.auditEvent.create({
    data: { tenantId: input.tenantId, actor: input.actor, action: 'tenant.cloudcx-id-changed' },
  });
}
