// Links to records in the org's Lightning UI, built only from an instance address that is a plain http(s) origin
// (the connection checks it against src/salesforce/endpoints.ts before storing it). Anything else, such as a
// `javascript:` URL stored before those checks existed, gives no link at all.

export function recordUrl(
  instanceUrl: string | null | undefined,
  sobjectType: string,
  id: string,
): string | null {
  if (!instanceUrl || !/^[A-Za-z0-9_]+$/.test(sobjectType) || !/^[A-Za-z0-9]+$/.test(id)) return null;
  let origin: string;
  try {
    const url = new URL(instanceUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    origin = url.origin;
  } catch {
    return null;
  }
  return origin === instanceUrl.replace(/\/+$/, '')
    ? `${origin}/lightning/r/${sobjectType}/${id}/view`
    : null;
}
