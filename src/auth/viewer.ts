import type { Role } from '../generated/prisma/enums.ts';

/** Who is calling, resolved once per request from its bearer credential. */
export interface Viewer {
  role: Role;
  /** Null only for the platform's SYSTEM keys. */
  tenantId: string | null;
  credential: 'api-key' | 'jwt';
  /** The agent behind a frontend token (the owner rule needs the email). */
  agent?: { id: string; email?: string; name?: string };
  apiKeyId?: string;
  /** For audit lines: "api-key:<id>" or "agent:<id>". */
  actor: string;
}

/** A viewer bound to a tenant: every role but SYSTEM (api-keys.ts and the JWT path guarantee it). */
export type TenantViewer = Viewer & { tenantId: string };

/** The reasons a credential is refused, each with the message the caller sees. */
export type AuthFailure =
  | 'MISSING_CREDENTIAL'
  | 'INVALID_API_KEY'
  | 'REVOKED_API_KEY'
  | 'INVALID_TOKEN'
  | 'EXPIRED_TOKEN';

export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly code: AuthFailure,
    message: string,
  ) {
    super(message);
  }
}
