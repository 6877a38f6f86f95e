// Salesforce Users by email, per tenant: the owner rule asks for the same few agents all day, and a User's email
// rarely changes, so a short-lived cache saves a query per chat.
const TTL_MS = 10 * 60 * 1000;

export class OwnerCache {
  private entries = new Map<string, { userId: string | null; at: number }>();

  get(tenantId: string, email: string): string | null | undefined {
    const entry = this.entries.get(this.key(tenantId, email));
    if (!entry || Date.now() - entry.at > TTL_MS) return undefined;
    return entry.userId;
  }

  set(tenantId: string, email: string, userId: string | null): void {
    this.entries.set(this.key(tenantId, email), { userId, at: Date.now() });
  }

  forgetTenant(tenantId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${tenantId}\u0000`)) this.entries.delete(key);
  }

  private key(tenantId: string, email: string) {
    return `${tenantId}\u0000${email.trim().toLowerCase()}`;
  }
}
