// The authorize page: the connected app asks a seeded user for access; Allow or Deny post the form back.
import type { ConnectedApp, SObject } from './store.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function consentPage(
  app: ConnectedApp,
  users: SObject[],
  selected: string,
  params: URLSearchParams,
): string {
  const hidden = [...params.entries()]
    .filter(([k]) => k !== 'username')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n      ');
  const options = users
    .map((u) => {
      const name = String(u.Username);
      return `<option value="${escapeHtml(name)}"${name === selected ? ' selected' : ''}>${escapeHtml(String(u.Name))} (${escapeHtml(name)})</option>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Allow Access? | ${escapeHtml(app.name)} | Salesforce Sandbox</title>
  </head>
  <body>
    <h1>Allow Access?</h1>
    <p><strong>${escapeHtml(app.name)}</strong> is asking to access your Salesforce data and manage it on your behalf.</p>
    <form method="post" action="/services/oauth2/authorize">
      ${hidden}
      <label for="username">Log in as</label>
      <select id="username" name="username">${options}</select>
      <button type="submit" name="action" value="Allow">Allow</button>
      <button type="submit" name="action" value="Deny">Deny</button>
    </form>
  </body>
</html>`;
}

export function errorPage(error: string, description: string): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Remote Access Error</title></head>
  <body>
    <h1>Remote Access Error</h1>
    <p>error=${escapeHtml(error)}</p>
    <p>error_description=${escapeHtml(description)}</p>
  </body>
</html>`;
}
