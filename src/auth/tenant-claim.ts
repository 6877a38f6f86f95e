// A platform token's `tenant` claim names a tenant by id or by slug, and must never be able to mean two tenants:
// a claim shaped like a UUID is an id and only an id; anything else is a slug. A slug shaped like a UUID is refused
// when the tenant is created, so no slug can pass for another tenant's id.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the claim names: `{ id }` or `{ slug }`. */
export function tenantWhere(claim: string): { id: string } | { slug: string } {
  return UUID.test(claim) ? { id: claim.toLowerCase() } : { slug: claim };
}

/** Why `slug` cannot name a tenant, or undefined when it can. */
export function slugProblem(slug: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug))
    return 'slug must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit.';
  if (UUID.test(slug)) return 'slug must not look like a tenant id (a UUID): tokens name tenants by either.';
  return undefined;
}
