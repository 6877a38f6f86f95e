// Failures of connecting a tenant to Salesforce, each with the message the admin sees. The GraphQL layer lists
// them as schema errors; the OAuth callback page shows them.

/** What went wrong while connecting; the callback page and the opener's message carry it. */
export type ConnectFailure =
  /** The `state` was missing, altered, or made for another service. */
  | 'STATE_INVALID'
  /** The `state` was already used (a reload or a replayed link), or its link was already opened. */
  | 'STATE_USED'
  /** The callback came to a browser other than the one that opened the link (no or another nonce cookie). */
  | 'BROWSER_MISMATCH'
  /** More than 10 minutes passed between "Connect" and the callback. */
  | 'STATE_EXPIRED'
  /** The Salesforce user clicked "Deny". */
  | 'ACCESS_DENIED'
  /** Salesforce refused the client id or secret. */
  | 'INVALID_CLIENT'
  /** Salesforce refused the code or another OAuth step (its error_description is passed on). */
  | 'OAUTH_ERROR'
  /** The account server could not be reached. */
  | 'UNREACHABLE'
  /** The login URL or the token answer's `instance_url`/`id` is not a Salesforce address (src/salesforce/endpoints.ts). */
  | 'UNTRUSTED_ENDPOINT'
  /** The configuration used to start was removed before the callback. */
  | 'CONFIGURATION_MISSING';

export class SalesforceConnectError extends Error {
  override name = 'SalesforceConnectError';
  constructor(
    readonly code: ConnectFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A configuration value that cannot be used: an address, or credentials Salesforce refuses; `field` names it. */
export class ConfigurationInputError extends Error {
  override name = 'ConfigurationInputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** The chosen configuration (system or custom) has not been set up. */
export class ConfigurationMissingError extends Error {
  override name = 'ConfigurationMissingError';
  constructor(
    readonly configuration: 'SYSTEM' | 'CUSTOM',
    message: string,
  ) {
    super(message);
  }
}

/** The tenant has no usable connection; sync waits for one (queued work is kept). */
export class ConnectionUnavailableError extends Error {
  override name = 'ConnectionUnavailableError';
  constructor(
    readonly status: 'NOT_CONNECTED' | 'NEEDS_REAUTH',
    message: string,
  ) {
    super(message);
  }
}
