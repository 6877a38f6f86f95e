// The two connected-app configurations a tenant can connect with: the platform's (system, one PlatformApp row)
// and the tenant's own (custom, kept on its SalesforceConnection row). Client secrets are stored sealed.
import type { SecretBox } from '../crypto.ts';
import type { Prisma } from '../db/open.ts';
import type { ConfigurationKind } from '../generated/prisma/enums.ts';
import type { EndpointPolicy } from '../salesforce/endpoints.ts';
import { ConfigurationInputError, ConfigurationMissingError } from '../salesforce/errors.ts';
import {
  type AppCredentials,
  exchangeCode,
  normalizeSalesforceUrl,
  OAuthResponseError,
  UnreachableError,
} from '../salesforce/oauth.ts';

export interface SystemAppView {
  clientId: string;
  loginUrl: string;
  updatedAt: Date;
}

export interface CustomConfigurationView {
  clientId: string;
  loginUrl: string;
  crmUrl: string | null;
}

export interface AppInput {
  clientId: string;
  /** Omitted: keep the stored one. */
  clientSecret?: string | null;
  loginUrl: string;
}

/** Salesforce's answers to a client id or secret it does not know ([help][oauth-err] in the reference). */
const CREDENTIAL_ERRORS = new Set(['invalid_client_id', 'invalid_client']);

export class ConnectedApps {
  constructor(
    private readonly deps: {
      prisma: Prisma;
      secrets: SecretBox;
      callbackUrl: string;
      endpoints: EndpointPolicy;
    },
  ) {}

  async system(): Promise<SystemAppView | null> {
    return this.deps.prisma.platformApp.findUnique({
      where: { id: 'default' },
      select: { clientId: true, loginUrl: true, updatedAt: true },
    });
  }

  /** Sets the platform app, audited on behalf of `actor` when one asked (the demo sets it up unaudited). */
  async setSystem(input: AppInput, actor?: string): Promise<SystemAppView> {
    const { prisma, secrets } = this.deps;
    const current = await prisma.platformApp.findUnique({ where: { id: 'default' } });
    const app = await this.checked(input, current);
    const data = {
      clientId: app.clientId,
      clientSecretEnc: secrets.seal(app.clientSecret),
      loginUrl: app.loginUrl,
    };
    const saved = await prisma.platformApp.upsert({
      where: { id: 'default' },
      create: { id: 'default', ...data },
      update: data,
      select: { clientId: true, loginUrl: true, updatedAt: true },
    });
    if (actor)
      await prisma.auditEvent.create({
        data: {
          actor,
          action: 'platform-app.set',
          details: { clientId: saved.clientId, loginUrl: saved.loginUrl },
        },
      });
    return saved;
  }

  /** Tenants connected through it keep their tokens until a refresh fails. */
  async clearSystem(actor: string): Promise<boolean> {
    const { prisma } = this.deps;
    const { count } = await prisma.platformApp.deleteMany({ where: { id: 'default' } });
    if (count > 0) await prisma.auditEvent.create({ data: { actor, action: 'platform-app.cleared' } });
    return count > 0;
  }

  async custom(tenantId: string): Promise<CustomConfigurationView | null> {
    const row = await this.deps.prisma.salesforceConnection.findUnique({
      where: { tenantId },
      select: { clientId: true, loginUrl: true, crmUrl: true },
    });
    return row?.clientId ? { clientId: row.clientId, loginUrl: row.loginUrl, crmUrl: row.crmUrl } : null;
  }

  /** Answers the account server saved; the caller disconnects tokens another server issued. */
  async saveCustom(
    tenantId: string,
    input: AppInput & { crmUrl?: string | null },
  ): Promise<{ loginUrl: string }> {
    const { prisma, secrets, endpoints } = this.deps;
    const current = await prisma.salesforceConnection.findUnique({ where: { tenantId } });
    const crmUrl = input.crmUrl?.trim()
      ? normalizeSalesforceUrl(input.crmUrl, 'crmUrl', endpoints, 'CRM address')
      : null;
    const app = await this.checked(input, current?.clientId ? current : null);
    const data = {
      clientId: app.clientId,
      clientSecretEnc: secrets.seal(app.clientSecret),
      loginUrl: app.loginUrl,
      crmUrl,
    };
    await prisma.salesforceConnection.upsert({
      where: { tenantId },
      create: { tenantId, configurationKind: 'CUSTOM', ...data },
      update: data,
    });
    return { loginUrl: app.loginUrl };
  }

  /** The credentials a configuration uses now: for the code exchange, refreshes and revocation. */
  async credentials(tenantId: string, kind: ConfigurationKind): Promise<AppCredentials> {
    const { prisma, secrets } = this.deps;
    if (kind === 'SYSTEM') {
      const app = await prisma.platformApp.findUnique({ where: { id: 'default' } });
      if (!app) {
        throw new ConfigurationMissingError(
          'SYSTEM',
          'The platform has no Salesforce connected app yet: ask your CloudCX system administrator to set it up, ' +
            'or use a custom configuration.',
        );
      }
      return {
        clientId: app.clientId,
        clientSecret: secrets.open(app.clientSecretEnc),
        loginUrl: app.loginUrl,
      };
    }
    const row = await prisma.salesforceConnection.findUnique({ where: { tenantId } });
    if (!row?.clientId || !row.clientSecretEnc) {
      throw new ConfigurationMissingError(
        'CUSTOM',
        'Save a custom configuration (client id, client secret and account server address) first.',
      );
    }
    return {
      clientId: row.clientId,
      clientSecret: secrets.open(row.clientSecretEnc),
      loginUrl: row.loginUrl,
    };
  }

  /** Normalizes the input and asks the account server whether it knows the client id and secret. */
  private async checked(
    input: AppInput,
    stored: { clientSecretEnc: string | null; loginUrl: string } | null,
  ): Promise<AppCredentials> {
    const clientId = input.clientId.trim();
    if (!clientId) {
      throw new ConfigurationInputError(
        'Enter the client id: the Consumer Key of the connected app (Manage Consumer Details).',
        'clientId',
      );
    }
    const loginUrl = normalizeSalesforceUrl(input.loginUrl, 'loginUrl', this.deps.endpoints);
    const given = input.clientSecret?.trim();
    if (!given && stored?.clientSecretEnc && stored.loginUrl !== loginUrl) {
      // The stored secret was given for the stored server: it is never sent anywhere else.
      throw new ConfigurationInputError(
        `Enter the client secret again: the account server address changed (from ${stored.loginUrl} to ` +
          `${loginUrl}), and a saved secret is only ever sent to the server it was saved for.`,
        'clientSecret',
      );
    }
    const clientSecret =
      given || (stored?.clientSecretEnc ? this.deps.secrets.open(stored.clientSecretEnc) : '');
    if (!clientSecret) {
      throw new ConfigurationInputError(
        'Enter the client secret: the Consumer Secret of the connected app (Manage Consumer Details).',
        'clientSecret',
      );
    }
    const app = { clientId, clientSecret, loginUrl };
    await this.checkCredentials(app);
    return app;
  }

  /**
   * Salesforce checks the client before the code: a token request with a dummy code answers `invalid_client_id`
   * or `invalid_client` for bad credentials and `invalid_grant` for good ones. It also proves the server answers.
   */
  private async checkCredentials(app: AppCredentials): Promise<void> {
    try {
      await exchangeCode(app, { code: 'cloudcx-credentials-check', redirectUri: this.deps.callbackUrl });
    } catch (error) {
      if (error instanceof UnreachableError) {
        throw new ConfigurationInputError(
          `The account server ${app.loginUrl} could not be reached (${error.reason}). Check the address.`,
          'loginUrl',
        );
      }
      if (error instanceof OAuthResponseError && CREDENTIAL_ERRORS.has(error.error)) {
        const field = error.error === 'invalid_client_id' ? 'clientId' : 'clientSecret';
        throw new ConfigurationInputError(
          `Salesforce refused the ${field === 'clientId' ? 'client id' : 'client secret'}: ` +
            `${error.description || error.error}. Copy the Consumer Key and Consumer Secret again from the ` +
            'connected app (Manage Consumer Details).',
          field,
        );
      }
    }
  }
}
