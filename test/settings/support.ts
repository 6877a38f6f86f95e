// A tenant connected to the sandbox org without the browser flow: tokens from the sandbox's OAuth endpoints,
// stored sealed in the tenant's connection row as the callback would store them.
import type { Sandbox } from '../../src/sandbox/server.ts';
import { freshOrg, login } from '../sandbox/support.ts';
import type { TestService } from '../support/service.ts';

export async function connectTenant(service: TestService, sandbox: Sandbox, tenantId: string): Promise<void> {
  await freshOrg(sandbox);
  const tokens = await login(sandbox);
  const org = await sandbox.control.org();
  const { secrets } = service.app.services;
  await service.app.db.prisma.salesforceConnection.create({
    data: {
      tenantId,
      configurationKind: 'SYSTEM',
      loginUrl: sandbox.url,
      tokenLoginUrl: sandbox.url,
      status: 'CONNECTED',
      instanceUrl: tokens.instance_url,
      accessTokenEnc: secrets.seal(tokens.access_token),
      refreshTokenEnc: tokens.refresh_token ? secrets.seal(tokens.refresh_token) : null,
      sfUserId: org.adminUserId,
      sfOrgId: org.organizationId,
      sfUsername: org.adminUsername,
      connectedAt: new Date(),
    },
  });
}
