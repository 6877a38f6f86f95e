// jsforce reads https_proxy/http_proxy (and HTTP_TIMEOUT) once, when it is first imported, uses that proxy for every
// request and ignores NO_PROXY (jsforce#1741): a local sandbox becomes unreachable. Importing this module resets
// jsforce's request defaults whatever the import order, so Salesforce calls go direct, with a bounded timeout.
import { setDefaults } from 'jsforce/lib/request.js';

/** jsforce's own default is 30 minutes; a sync job should fail and retry long before that. */
export const SALESFORCE_HTTP_TIMEOUT_MS = 60_000;

setDefaults({ followRedirect: true, timeout: SALESFORCE_HTTP_TIMEOUT_MS });
