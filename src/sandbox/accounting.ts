// API call accounting as Salesforce's daily limit counts it: each REST request is one call,
// a composite or Collections request is one call whatever its size; OAuth and the version list are free.

export class Accounting {
  total = 0;
  byEndpoint: Record<string, number> = {};
  tokenCalls = 0;

  count(endpoint: string): void {
    this.total += 1;
    this.byEndpoint[endpoint] = (this.byEndpoint[endpoint] ?? 0) + 1;
  }

  reset(): void {
    this.total = 0;
    this.byEndpoint = {};
  }
}

/**
 * The endpoint key of a REST path below /services/data/vXX.X: ids and external id values become
 * placeholders so calls group by kind, e.g. 'PATCH /sobjects/Lead/{id}', 'GET /query/{locator}'.
 */
export function endpointKey(method: string, path: string): string {
  const parts = path.split('/').filter(Boolean);
  const [head, type, third, fourth] = parts;
  let shape: string[] = parts;
  if (head === 'sobjects' && parts.length >= 3) {
    if (parts.length === 3) shape = third === 'describe' ? parts : [head, type!, '{id}'];
    else if (parts.length === 4 && (fourth === 'VersionData' || fourth === 'Body'))
      shape = [head, type!, '{id}', fourth];
    else shape = [head, type!, third!, '{value}'];
  } else if ((head === 'query' || head === 'queryAll') && parts.length === 2) {
    shape = [head, '{locator}'];
  }
  return `${method} /${shape.join('/')}`;
}
