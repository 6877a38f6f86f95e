// jsforce's HTTP transport, reporting which access tokens Salesforce accepted (any answer but 401). The refresh
// guard in src/connections/tenant-connections.ts needs it: a token refreshed and rejected before it was ever
// accepted means refreshing does not help, and jsforce alone would refresh and replay forever (~900 token calls in 3 s).
import { Transport } from 'jsforce/lib/transport.js';
import type { HttpRequest, HttpRequestOptions } from 'jsforce/lib/types/common.js';

export class AcceptingTransport extends Transport {
  constructor(
    private readonly onAccepted: (accessToken: string) => void,
    /** Every request sent (metrics count them by kind). */
    private readonly onRequest?: (request: HttpRequest) => void,
  ) {
    super();
  }

  override httpRequest(request: HttpRequest, options?: HttpRequestOptions) {
    this.onRequest?.(request);
    const pending = super.httpRequest(request, options);
    pending.then(
      (response) => {
        const token = /^Bearer (.+)$/.exec(String(request.headers?.Authorization ?? ''))?.[1];
        if (token && response.statusCode !== 401) this.onAccepted(token);
      },
      () => {},
    );
    return pending;
  }
}
