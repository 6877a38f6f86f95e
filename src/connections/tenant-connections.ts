// A tenant's connection to its org: starting and completing the OAuth flow, the token lifecycle, and disconnecting.
// Tokens are stored sealed (src/crypto.ts) and never leave this file in clear except inside jsforce Connections.
import '../salesforce/http-env.ts';
import { EventEmitter } from 'node:events';
import { Connection } from 'jsforce';
import type { Config } from '../config.ts';
import type { SecretBox } from '../crypto.ts';
import type { Prisma } from '../db/open.ts';
import type { ConfigurationKind, ConnectionStatus } from '../generated/prisma/enums.ts';
import type { Logger } from '../log.ts';
import { AcceptingTransport } from '../salesforce/accepting-transport.ts';
import { EndpointPolicy, UntrustedEndpointError } from '../salesforce/endpoints.ts';
import {
  ConfigurationMissingError,
  ConnectionUnavailableError,
  SalesforceConnectError,
} from '../salesforce/errors.ts';
import {
  type AppCredentials,
  authorizationUrl,
  callbackUrl,
  exchangeCode,
  fetchIdentity,
  OAuthResponseError,
  refreshAccessToken,
  revokeToken,
  START_PATH,
  type TokenResponse,
  UnreachableError,
} from '../salesforce/oauth.ts';
import { type AppInput, ConnectedApps, type CustomConfigurationView } from './connected-apps.ts';
import { consumeState, createState, openState } from './oauth-state.ts';

export { ConnectionUnavailableError } from '../salesforce/errors.ts';

/** What anyone may see of a connection: no secret, no token. */
export interface ConnectionView {
  status: ConnectionStatus;
  configurationKind: ConfigurationKind | null;
  username: string | null;
  userId: string | null;
  orgId: string | null;
  email: string | null;
  displayName: string | null;
  instanceUrl: string | null;
  connectedAt: Date | null;
  lastRefreshAt: Date | null;
  lastError: string | null;
  callbackUrl: string;
  customConfiguration: CustomConfigurationView | null;
}

export interface TenantConnection {
  conn: Connection;
  userId: string;
  orgId: string;
  instanceUrl: string;
}

/** OAuth errors meaning the refresh token (or the app behind it) is gone for good: only a person can fix it. */
const REAUTH_ERRORS = new Set(['invalid_grant', 'invalid_client_id', 'invalid_client', 'inactive_user']);

type ConnectionEvents = {
  connected: [tenantId: string];
  'needs-reauth': [tenantId: string];
  disconnected: [tenantId: string];
};

export class SalesforceConnections extends EventEmitter<ConnectionEvents> {
  readonly callbackUrl: string;
  readonly apps: ConnectedApps;
  readonly endpoints: EndpointPolicy;
  readonly #cache = new Map<string, { connectedAt: number; handle: TenantConnection }>();
  readonly #locks = new Map<string, Promise<unknown>>();
  /** The access token each tenant's last refresh here got, and whether Salesforce has accepted it since. */
  readonly #refreshed = new Map<string, { accessToken: string; accepted: boolean }>();

  constructor(
    private readonly deps: {
      prisma: Prisma;
      secrets: SecretBox;
      config: Config;
      log: Logger;
      /** Called for every REST request sent for a tenant, with its URL (src/metrics.ts counts them). */
      onApiCall?: (tenantId: string, url: string) => void;
    },
  ) {
    super();
    this.callbackUrl = callbackUrl(deps.config.publicBaseUrl);
    this.endpoints = new EndpointPolicy(deps.config.salesforceAllowedOrigins);
    this.apps = new ConnectedApps({
      prisma: deps.prisma,
      secrets: deps.secrets,
      callbackUrl: this.callbackUrl,
      endpoints: this.endpoints,
    });
  }

  async view(tenantId: string): Promise<ConnectionView> {
    const row = await this.deps.prisma.salesforceConnection.findUnique({ where: { tenantId } });
    const connected = row && row.status !== 'NOT_CONNECTED';
    return {
      status: row?.status ?? 'NOT_CONNECTED',
      configurationKind: connected ? row.configurationKind : null,
      username: connected ? row.sfUsername : null,
      userId: connected ? row.sfUserId : null,
      orgId: connected ? row.sfOrgId : null,
      email: connected ? row.sfEmail : null,
      displayName: connected ? row.sfDisplayName : null,
      instanceUrl: connected && row.instanceUrl ? this.trustedOrigin(row.instanceUrl) : null,
      connectedAt: connected ? row.connectedAt : null,
      lastRefreshAt: connected ? row.lastRefreshAt : null,
      lastError: row?.lastError ?? null,
      callbackUrl: this.callbackUrl,
      customConfiguration: row?.clientId
        ? { clientId: row.clientId, loginUrl: row.loginUrl, crmUrl: row.crmUrl }
        : null,
    };
  }

  /**
   * The URL to open (in a popup) for the chosen configuration, with a fresh single-use state: our start route, which
   * binds the flow to the browser that opens it and redirects to Salesforce (`open` below).
   */
  async start(
    tenantId: string,
    kind: ConfigurationKind,
  ): Promise<{ authorizationUrl: string; expiresAt: Date }> {
    await this.apps.credentials(tenantId, kind);
    const { state, expiresAt } = await createState(this.deps.prisma, this.deps.secrets, tenantId, kind);
    const base = this.deps.config.publicBaseUrl.replace(/\/+$/, '');
    return { authorizationUrl: `${base}${START_PATH}?${new URLSearchParams({ state })}`, expiresAt };
  }

  /** The start route: opens the state once, for one browser (its nonce goes into a cookie), and names Salesforce's URL. */
  async open(state: string | null): Promise<{ salesforceUrl: string; nonce: string }> {
    const { prisma, secrets } = this.deps;
    const opened = await openState(prisma, secrets, state);
    const app = await this.credentialsForConnect(opened.tenantId, opened.configurationKind);
    return {
      salesforceUrl: authorizationUrl({
        loginUrl: app.loginUrl,
        clientId: app.clientId,
        redirectUri: this.callbackUrl,
        state: state ?? '',
      }),
      nonce: opened.nonce,
    };
  }

  /**
   * Saves the tenant's own connected app. Tokens issued by another account server than the one now saved are
   * dropped: they would otherwise be refreshed against, or revoked at, a server that did not issue them.
   */
  async saveCustomConfiguration(
    tenantId: string,
    input: AppInput & { crmUrl?: string | null },
    actor: string,
  ) {
    const before = await this.deps.prisma.salesforceConnection.findUnique({ where: { tenantId } });
    const { loginUrl } = await this.apps.saveCustom(tenantId, input);
    const issuer = before?.tokenLoginUrl ?? before?.loginUrl;
    if (
      before &&
      before.status !== 'NOT_CONNECTED' &&
      before.configurationKind === 'CUSTOM' &&
      issuer !== loginUrl
    ) {
      await this.disconnect(
        tenantId,
        actor,
        `Disconnected because the account server address of the custom configuration changed from ${issuer} to ` +
          `${loginUrl}. Connect again with "Connect with Salesforce".`,
      );
    }
    await this.audit(tenantId, actor, 'salesforce.custom-configuration.saved', {
      clientId: input.clientId.trim(),
    });
  }

  /** The callback: checks the state and the browser, exchanges the code, reads the identity, stores the tokens sealed. */
  async complete(
    params: URLSearchParams,
    browserNonce: string | null,
  ): Promise<{ tenantId: string; username: string | null }> {
    const { prisma, secrets, log } = this.deps;
    const { tenantId, configurationKind } = await consumeState(
      prisma,
      secrets,
      params.get('state'),
      browserNonce,
    );
    try {
      const error = params.get('error');
      if (error === 'access_denied') {
        throw new SalesforceConnectError(
          'ACCESS_DENIED',
          'You denied CloudCX access to Salesforce, so nothing was connected. To connect, start again and click "Allow".',
        );
      }
      if (error) {
        const reason = params.get('error_description') || error;
        throw new SalesforceConnectError(
          'OAUTH_ERROR',
          `Salesforce did not authorize the connection: ${reason}.`,
        );
      }
      const code = params.get('code');
      if (!code) throw new SalesforceConnectError('OAUTH_ERROR', 'Salesforce sent no authorization code.');
      const app = await this.credentialsForConnect(tenantId, configurationKind);
      const token = await this.exchange(app, code, configurationKind);
      if (!token.refresh_token) {
        throw new SalesforceConnectError(
          'OAUTH_ERROR',
          'Salesforce issued no refresh token, so the connection would stop within hours. Add the scope ' +
            '"Perform requests at any time (refresh_token, offline_access)" to the connected app, then connect again.',
        );
      }
      // Before anything is fetched from them: `id` is read with the access token, `instance_url` gets every call.
      let instanceUrl: string;
      try {
        ({ instanceUrl } = this.endpoints.checkTokenAnswer(app.loginUrl, token));
      } catch (error) {
        throw this.connectError(error, app, configurationKind);
      }
      const identity = await fetchIdentity(token).catch((cause: unknown) => {
        throw this.connectError(cause, app, configurationKind);
      });
      const connection = {
        configurationKind,
        status: 'CONNECTED' as const,
        instanceUrl,
        tokenLoginUrl: app.loginUrl,
        accessTokenEnc: secrets.seal(token.access_token),
        refreshTokenEnc: secrets.seal(token.refresh_token),
        sfUserId: identity.userId,
        sfOrgId: identity.orgId,
        sfUsername: identity.username,
        sfEmail: identity.email,
        sfDisplayName: identity.displayName,
        connectedAt: new Date(),
        lastRefreshAt: null,
        lastError: null,
      };
      await prisma.salesforceConnection.upsert({
        where: { tenantId },
        // A system connection without a custom configuration: loginUrl records the account server used.
        create: { tenantId, loginUrl: app.loginUrl, ...connection },
        update: connection,
      });
      this.#cache.delete(tenantId);
      await this.audit(tenantId, 'salesforce', 'salesforce.connected', {
        configuration: configurationKind,
        username: identity.username,
        orgId: identity.orgId,
      });
      log.info({ tenantId, orgId: identity.orgId, configuration: configurationKind }, 'salesforce connected');
      this.emit('connected', tenantId);
      return { tenantId, username: identity.username };
    } catch (error) {
      if (error instanceof SalesforceConnectError) {
        await prisma.salesforceConnection.updateMany({
          where: { tenantId },
          data: { lastError: error.message },
        });
        await this.audit(tenantId, 'salesforce', 'salesforce.connect-failed', { code: error.code });
      }
      throw error;
    }
  }

  /**
   * Revokes the refresh token at the account server that issued it (which ends its access tokens too) and forgets
   * the tokens; `reason`, when given, is what the connection status then says.
   */
  async disconnect(tenantId: string, actor: string, reason?: string): Promise<void> {
    const { prisma, secrets, log } = this.deps;
    await this.serialize(tenantId, async () => {
      const row = await prisma.salesforceConnection.findUnique({ where: { tenantId } });
      if (!row) return;
      const token = row.refreshTokenEnc ?? row.accessTokenEnc;
      const loginUrl = row.tokenLoginUrl ? this.trustedOrigin(row.tokenLoginUrl) : null;
      let revoked = false;
      if (token && loginUrl) {
        try {
          await revokeToken(loginUrl, secrets.open(token));
          revoked = true;
        } catch (error) {
          // Forgetting the tokens matters more than the revocation: an admin can still revoke in Salesforce.
          log.warn(
            { tenantId, err: error },
            'salesforce token revocation failed; forgetting the tokens anyway',
          );
        }
      }
      await prisma.salesforceConnection.update({
        where: { tenantId },
        data: {
          status: 'NOT_CONNECTED',
          accessTokenEnc: null,
          refreshTokenEnc: null,
          instanceUrl: null,
          tokenLoginUrl: null,
          sfUserId: null,
          sfOrgId: null,
          sfUsername: null,
          sfEmail: null,
          sfDisplayName: null,
          connectedAt: null,
          lastRefreshAt: null,
          lastError: reason ?? null,
        },
      });
      this.#cache.delete(tenantId);
      this.#refreshed.delete(tenantId);
      await this.audit(tenantId, actor, 'salesforce.disconnected', {
        username: row.sfUsername,
        revoked,
        ...(reason ? { reason } : {}),
      });
      log.info({ tenantId, revoked }, 'salesforce disconnected');
      if (row.status !== 'NOT_CONNECTED') this.emit('disconnected', tenantId);
    });
  }

  /**
   * A ready jsforce Connection for the tenant, cached. A 401 refreshes the session through `refresh` below (at most
   * once per rejected token); a refresh Salesforce refuses marks the tenant NEEDS_REAUTH, and the jsforce call fails
   * with "Unable to refresh session due to: …" (see `asConnectionUnavailable`).
   */
  async forTenant(tenantId: string): Promise<TenantConnection> {
    const { prisma, secrets, config } = this.deps;
    const row = await prisma.salesforceConnection.findUnique({ where: { tenantId } });
    if (!row || row.status === 'NOT_CONNECTED' || !row.accessTokenEnc || !row.instanceUrl) {
      this.#cache.delete(tenantId);
      throw new ConnectionUnavailableError(
        'NOT_CONNECTED',
        'This tenant is not connected to Salesforce: an admin connects it in App & Integrations > Salesforce.',
      );
    }
    if (row.status === 'NEEDS_REAUTH') {
      this.#cache.delete(tenantId);
      throw new ConnectionUnavailableError(
        'NEEDS_REAUTH',
        `The Salesforce connection must be re-authorized by an admin${row.lastError ? `: ${row.lastError}` : '.'}`,
      );
    }
    if (!this.trustedOrigin(row.instanceUrl)) {
      // Stored before addresses were checked, or no longer allowed by the operator: never called.
      const reason = `The stored Salesforce address ${JSON.stringify(row.instanceUrl.slice(0, 80))} is not a Salesforce address. Reconnect to Salesforce.`;
      await this.markNeedsReauth(tenantId, reason);
      throw new ConnectionUnavailableError(
        'NEEDS_REAUTH',
        `The Salesforce connection must be re-authorized by an admin: ${reason}`,
      );
    }
    const connectedAt = row.connectedAt?.getTime() ?? 0;
    const cached = this.#cache.get(tenantId);
    if (cached?.connectedAt === connectedAt) return cached.handle;
    const conn = new Connection({
      instanceUrl: row.instanceUrl,
      accessToken: secrets.open(row.accessTokenEnc),
      version: config.salesforceApiVersion,
      // Our own refresh instead of jsforce's: it persists rotated refresh tokens, is serialized per tenant,
      // adopts tokens another instance refreshed, and stops instead of looping.
      refreshFn: (c, callback) => {
        this.refresh(tenantId, c).then(
          ({ accessToken, response }) => callback(null, accessToken, response),
          (error: Error) => callback(error),
        );
      },
    });
    conn._transport = new AcceptingTransport(
      (accessToken) => {
        const refreshed = this.#refreshed.get(tenantId);
        if (refreshed?.accessToken === accessToken) refreshed.accepted = true;
      },
      (request) => this.deps.onApiCall?.(tenantId, String(request.url)),
    );
    const handle = {
      conn,
      userId: row.sfUserId ?? '',
      orgId: row.sfOrgId ?? '',
      instanceUrl: row.instanceUrl,
    };
    this.#cache.set(tenantId, { connectedAt, handle });
    return handle;
  }

  /** Stops using the tenant's tokens until an admin reconnects; sync waits (queued work is kept). */
  async markNeedsReauth(tenantId: string, reason: string): Promise<void> {
    const { count } = await this.deps.prisma.salesforceConnection.updateMany({
      where: { tenantId, status: 'CONNECTED' },
      data: { status: 'NEEDS_REAUTH', lastError: reason },
    });
    this.#cache.delete(tenantId);
    if (count === 0) return;
    this.deps.log.warn({ tenantId, reason }, 'salesforce connection needs re-authorization');
    await this.audit(tenantId, 'salesforce', 'salesforce.needs-reauth', { reason });
    this.emit('needs-reauth', tenantId);
  }

  private async refresh(
    tenantId: string,
    conn: Connection,
  ): Promise<{ accessToken: string; response: ReturnType<typeof tokenFields> }> {
    return this.serialize(tenantId, async () => {
      const { prisma, secrets, log } = this.deps;
      const row = await prisma.salesforceConnection.findUnique({ where: { tenantId } });
      if (row?.status !== 'CONNECTED' || !row.accessTokenEnc || !row.refreshTokenEnc) {
        throw new Error(row?.status === 'NEEDS_REAUTH' ? MUST_REAUTHORIZE : NOT_CONNECTED_ANY_MORE);
      }
      const stored = secrets.open(row.accessTokenEnc);
      const adopted = { accessToken: stored, response: tokenFields(row) };
      // Another instance (or an earlier call here) refreshed already: use its token rather than refreshing again.
      if (stored !== conn.accessToken) return adopted;
      // A token we just refreshed was rejected before ever being accepted: refreshing again would loop. This call
      // fails; the next one may refresh again.
      const refreshed = this.#refreshed.get(tenantId);
      if (refreshed?.accessToken === stored && !refreshed.accepted) {
        this.#refreshed.delete(tenantId);
        throw new Error('Salesforce rejected the access token it has just issued; not refreshing again');
      }
      let app: AppCredentials;
      try {
        app = await this.apps.credentials(tenantId, row.configurationKind);
      } catch (error) {
        if (!(error instanceof ConfigurationMissingError)) throw error;
        await this.markNeedsReauth(tenantId, error.message);
        throw new Error(`${MUST_REAUTHORIZE}: ${error.message}`);
      }
      // Refresh only at the account server that issued the refresh token, and only with a secret saved for it.
      const issuer = row.tokenLoginUrl ?? row.loginUrl;
      if (app.loginUrl !== issuer || !this.trustedOrigin(issuer)) {
        const reason =
          app.loginUrl !== issuer
            ? `The account server of the ${row.configurationKind === 'CUSTOM' ? 'custom' : 'system'} configuration ` +
              `changed from ${issuer} to ${app.loginUrl} since this connection was made. Reconnect to Salesforce.`
            : `${issuer} is no longer an allowed Salesforce address. Reconnect to Salesforce.`;
        await this.markNeedsReauth(tenantId, reason);
        throw new Error(`${MUST_REAUTHORIZE}: ${reason}`);
      }
      let response: TokenResponse;
      let instanceUrl: string;
      try {
        response = await refreshAccessToken(app, secrets.open(row.refreshTokenEnc));
        ({ instanceUrl } = this.endpoints.checkTokenAnswer(issuer, response));
      } catch (error) {
        if (error instanceof UntrustedEndpointError) {
          await this.markNeedsReauth(tenantId, `Salesforce's refresh answer was refused: ${error.message}`);
          throw new Error(`${MUST_REAUTHORIZE}: ${error.message}`);
        }
        if (!(error instanceof OAuthResponseError && REAUTH_ERRORS.has(error.error))) throw error;
        // With rotation, another instance may have used the refresh token between our read and our call.
        const now = await prisma.salesforceConnection.findUnique({ where: { tenantId } });
        if (
          now?.status === 'CONNECTED' &&
          now.refreshTokenEnc !== row.refreshTokenEnc &&
          now.accessTokenEnc
        ) {
          const accessToken = secrets.open(now.accessTokenEnc);
          return { accessToken, response: tokenFields(now) };
        }
        await this.markNeedsReauth(
          tenantId,
          `Salesforce refused to refresh the session (${error.description || error.error}). Reconnect to Salesforce.`,
        );
        throw new Error(`${MUST_REAUTHORIZE}: Salesforce answered ${error.message}`);
      }
      await prisma.salesforceConnection.update({
        where: { tenantId },
        data: {
          accessTokenEnc: secrets.seal(response.access_token),
          // Rotation: the old refresh token is dead from now on (jsforce alone would drop the new one).
          ...(response.refresh_token ? { refreshTokenEnc: secrets.seal(response.refresh_token) } : {}),
          instanceUrl,
          lastRefreshAt: new Date(),
          lastError: null,
        },
      });
      if (instanceUrl !== conn.instanceUrl) conn.instanceUrl = instanceUrl;
      this.#refreshed.set(tenantId, { accessToken: response.access_token, accepted: false });
      log.info({ tenantId, rotated: Boolean(response.refresh_token) }, 'salesforce session refreshed');
      return {
        accessToken: response.access_token,
        response: { ...tokenFields(row), instance_url: instanceUrl },
      };
    });
  }

  private async credentialsForConnect(tenantId: string, kind: ConfigurationKind): Promise<AppCredentials> {
    try {
      const app = await this.apps.credentials(tenantId, kind);
      if (!this.trustedOrigin(app.loginUrl)) {
        throw new SalesforceConnectError(
          'UNTRUSTED_ENDPOINT',
          `The account server ${app.loginUrl} is not a Salesforce address (nor in SALESFORCE_ALLOWED_HOSTS). ` +
            'Save the configuration again with a Salesforce login address.',
        );
      }
      return app;
    } catch (error) {
      if (error instanceof ConfigurationMissingError) {
        throw new SalesforceConnectError('CONFIGURATION_MISSING', error.message);
      }
      throw error;
    }
  }

  private async exchange(app: AppCredentials, code: string, kind: ConfigurationKind): Promise<TokenResponse> {
    try {
      return await exchangeCode(app, { code, redirectUri: this.callbackUrl });
    } catch (error) {
      throw this.connectError(error, app, kind);
    }
  }

  /** Turns a failed OAuth step into the message the admin sees on the callback page. */
  private connectError(error: unknown, app: AppCredentials, kind: ConfigurationKind): unknown {
    const configuration = kind === 'CUSTOM' ? 'your custom configuration' : "the platform's connected app";
    if (error instanceof UnreachableError) {
      return new SalesforceConnectError(
        'UNREACHABLE',
        `The account server ${app.loginUrl} could not be reached (${error.reason}). Check the account server ` +
          `address of ${configuration}.`,
      );
    }
    if (error instanceof UntrustedEndpointError) {
      return new SalesforceConnectError('UNTRUSTED_ENDPOINT', `${error.message} Nothing was connected.`);
    }
    if (!(error instanceof OAuthResponseError)) return error;
    const reason = error.description || error.error;
    switch (error.error) {
      case 'invalid_client_id':
      case 'invalid_client':
        return new SalesforceConnectError(
          'INVALID_CLIENT',
          `Salesforce refused the client id or secret: ${reason}. Check the Consumer Key and Consumer Secret ` +
            `of ${configuration}.`,
        );
      case 'redirect_uri_mismatch':
        return new SalesforceConnectError(
          'OAUTH_ERROR',
          `Salesforce refused the callback URL: ${reason}. The connected app's callback URL must be ${this.callbackUrl}.`,
        );
      default:
        return new SalesforceConnectError('OAUTH_ERROR', `Salesforce refused the connection: ${reason}.`);
    }
  }

  /** The origin of a stored address if it may still be called, else null. */
  private trustedOrigin(url: string): string | null {
    const checked = this.endpoints.check(url);
    return 'origin' in checked ? checked.origin : null;
  }

  /** One refresh (or disconnect) per tenant at a time in this process. */
  private serialize<T>(tenantId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(tenantId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.#locks.set(tenantId, settled);
    void settled.then(() => {
      if (this.#locks.get(tenantId) === settled) this.#locks.delete(tenantId);
    });
    return run;
  }

  private async audit(tenantId: string, actor: string, action: string, details: Record<string, unknown>) {
    await this.deps.prisma.auditEvent.create({
      data: { tenantId, actor, action, details: details as object },
    });
  }
}

/** Why a refresh gave up for good; the jsforce call then fails with "Unable to refresh session due to: <this>".
 *  jsforce keeps only the message of the refresh's error (lib/session-refresh-delegate.js), with no code or cause,
 *  so these two sentences are the reason's only carrier. */
const NOT_CONNECTED_ANY_MORE = 'the tenant is no longer connected to Salesforce';
const MUST_REAUTHORIZE = 'the Salesforce connection must be re-authorized';

/**
 * For the callers of `forTenant`: is this error from a jsforce call whose session cannot be refreshed until an
 * admin acts? Null for anything else, including a refresh that failed for a passing reason (network, loop guard).
 */
export function asConnectionUnavailable(error: unknown): ConnectionUnavailableError | null {
  if (error instanceof ConnectionUnavailableError) return error;
  if (!(error instanceof Error) || !error.message.startsWith('Unable to refresh session due to:'))
    return null;
  if (error.message.includes(NOT_CONNECTED_ANY_MORE))
    return new ConnectionUnavailableError('NOT_CONNECTED', error.message);
  if (error.message.includes(MUST_REAUTHORIZE))
    return new ConnectionUnavailableError('NEEDS_REAUTH', error.message);
  return null;
}

/** What jsforce's 'refresh' event carries: the token JSON without the tokens (a listener might log it). */
function tokenFields(row: { instanceUrl: string | null; sfOrgId: string | null; sfUserId: string | null }) {
  return {
    access_token: '[not shown]',
    instance_url: row.instanceUrl ?? '',
    id: `${row.instanceUrl}/id/${row.sfOrgId}/${row.sfUserId}`,
    token_type: 'Bearer' as const,
    signature: '',
    scope: '',
    issued_at: String(Date.now()),
  };
}
