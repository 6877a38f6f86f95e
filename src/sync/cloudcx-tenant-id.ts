// CloudCX's own id for a tenant, as mappings see it (`tenant.id`): the id SYSTEM set, else the slug. Never the
// service's internal UUID, which means nothing to the people who read the Task's Subject.
import type { Prisma } from '../db/open.ts';

export async function cloudcxTenantId(prisma: Prisma, tenantId: string): Promise<string> {
  const tenant = await prisma.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { cloudcxTenantId: true, slug: true },
  });
  return tenant.cloudcxTenantId ?? tenant.slug;
}
