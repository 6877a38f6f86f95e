// A browser's part of the OAuth flow without a browser: follows redirects by hand and keeps the cookies it is given
// (by name, for every host: enough for the service's callback cookie). Two instances are two browsers.
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  /** One GET, without following redirects, sending and keeping cookies. */
  async get(url: string): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1).trim());
    }
    return response;
  }

  /** Opens a URL and follows its redirects; answers the last response and every URL visited after the first. */
  async open(start: string): Promise<{ url: string; response: Response; visited: string[] }> {
    let url = start;
    let response = await this.get(url);
    const visited: string[] = [];
    while (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      url = new URL(response.headers.get('location')!, url).toString();
      visited.push(url);
      response = await this.get(url);
    }
    return { url, response, visited };
  }
}
