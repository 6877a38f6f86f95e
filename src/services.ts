// Long-lived collaborators shared by every request, created once by app.ts.
import type { JwtVerifier } from './auth/jwt.ts';
import type { Config } from './config.ts';
import type { SalesforceConnections } from './connections/tenant-connections.ts';
import type { SecretBox } from './crypto.ts';
import type { SyncService } from './sync/service.ts';
import type { UsageHistory } from './sync/usage-history.ts';

export interface Services {
  config: Config;
  verifyJwt: JwtVerifier;
  secrets: SecretBox;
  connections: SalesforceConnections;
  sync: SyncService;
  /** Salesforce calls counted per tenant and day (apiUsageHistory). */
  usage: UsageHistory;
}
