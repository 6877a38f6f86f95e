// Which addresses count as Salesforce. Every address the service sends a client secret, a code or a token to comes
// from an admin's input (the login URL) or from a token answer (`instance_url`, `id`); each must be https on one of
// Salesforce's own domains, or an origin the operator listed in SALESFORCE_ALLOWED_HOSTS (the bundled sandbox in
// the demo and the tests, a proxy). Anything else is refused before any request is made to it.

/**
 * Salesforce's own domains, each with its subdomains. Login: login./test./welcome.salesforce.com and My Domain
 * (`<name>.my.salesforce.com`, sandboxes `<name>--<sandbox>.sandbox.my.salesforce.com`, Developer Edition
 * `…develop.my.salesforce.com`, scratch, demo, patch, free, Trailhead playgrounds: all under `my.salesforce.com`);
 * instanced hosts (`na30.salesforce.com`) and legacy My Domains (`<name>.cloudforce.com`, `*.force.com`);
 * Database.com (`login.database.com`); Government Cloud Plus (`*.salesforce.mil`); Salesforce on Alibaba Cloud
 * (`*.sfcrmproducts.cn`). Lightning hosts (`*.lightning.force.com`) are web pages, not login or API hosts.
 */
export const SALESFORCE_DOMAINS = [
  'salesforce.com',
  'force.com',
  'cloudforce.com',
  'database.com',
  'salesforce.mil',
  'sfcrmproducts.cn',
] as const;

/** Why an address is refused. */
export type EndpointRefusal =
  /** Not a URL at all, or a scheme other than http(s) (`javascript:`, `file:`…). */
  | 'NOT_A_URL'
  /** http:// on a host the operator did not list. */
  | 'NOT_HTTPS'
  /** https:// on a host that is neither Salesforce's nor listed by the operator. */
  | 'NOT_SALESFORCE'
  /** The identity URL is on another domain than the login host that issued the token. */
  | 'OTHER_DOMAIN';

/** A token answer named an address we will not call; nothing was fetched from it. */
export class UntrustedEndpointError extends Error {
  override name = 'UntrustedEndpointError';
  readonly code = 'UNTRUSTED_ENDPOINT';
  constructor(
    /** The token answer's field: `instance_url` or `id`. */
    readonly field: string,
    readonly refusal: EndpointRefusal,
    message: string,
  ) {
    super(message);
  }
}

export class EndpointPolicy {
  readonly #listed: ReadonlySet<string>;

  /** @param allowedOrigins origins such as `http://127.0.0.1:4001`, already normalized by config.ts */
  constructor(allowedOrigins: readonly string[] = []) {
    this.#listed = new Set(allowedOrigins);
  }

  /** The URL's origin when it may be called, else why not. */
  check(raw: string): { origin: string; url: URL } | { refusal: EndpointRefusal } {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { refusal: 'NOT_A_URL' };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { refusal: 'NOT_A_URL' };
    // Credentials in a URL would be sent as Basic authentication to whatever host follows them.
    if (url.username || url.password) return { refusal: 'NOT_A_URL' };
    if (this.#listed.has(url.origin)) return { origin: url.origin, url };
    if (url.protocol !== 'https:') return { refusal: 'NOT_HTTPS' };
    if (url.port !== '' || !isSalesforceHost(url.hostname)) return { refusal: 'NOT_SALESFORCE' };
    return { origin: url.origin, url };
  }

  /**
   * Checks a token answer's `instance_url` and `id` before anything is fetched from them: both must be allowed, and
   * `id` (read with the access token) must be on the issuing login host's domain: a Salesforce domain for a
   * Salesforce login host, the very same origin for a host the operator listed.
   */
  checkTokenAnswer(loginUrl: string, answer: { instance_url: string; id: string }): { instanceUrl: string } {
    const instance = this.check(answer.instance_url);
    if ('refusal' in instance) throw refused('instance_url', instance.refusal, answer.instance_url);
    const identity = this.check(answer.id);
    if ('refusal' in identity) throw refused('id', identity.refusal, answer.id);
    const login = new URL(loginUrl);
    const sameFamily = this.#listed.has(login.origin)
      ? identity.origin === login.origin
      : !this.#listed.has(identity.origin) && isSalesforceHost(identity.url.hostname);
    if (!sameFamily) throw refused('id', 'OTHER_DOMAIN', answer.id, login.origin);
    return { instanceUrl: instance.origin };
  }
}

export function isSalesforceHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return SALESFORCE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/** What the admin reads: the address as far as it is an address (no path: identity URLs carry ids). */
function refused(field: string, refusal: EndpointRefusal, raw: string, loginOrigin?: string) {
  const shown = originOf(raw);
  const reason =
    refusal === 'OTHER_DOMAIN'
      ? `is not on the domain of the account server that issued the token (${loginOrigin})`
      : refusal === 'NOT_A_URL'
        ? 'is not an http(s) address'
        : refusal === 'NOT_HTTPS'
          ? 'does not use https'
          : "is not on Salesforce's domains and not in SALESFORCE_ALLOWED_HOSTS";
  return new UntrustedEndpointError(
    field,
    refusal,
    `The account server answered with an ${field} that ${reason}: ${shown}. Nothing was sent to it.`,
  );
}

function originOf(raw: string): string {
  try {
    const url = new URL(raw);
    return url.origin === 'null' ? JSON.stringify(`${url.protocol}…`) : url.origin;
  } catch {
    return JSON.stringify(raw.slice(0, 40));
  }
}
