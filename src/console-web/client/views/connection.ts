// The tenant's Salesforce connection: status, connected account, the callback URL to paste into a custom connected
// app; reconnect (the OAuth flow in a popup, which reports back) and disconnect after a confirmation. ADMIN only acts.

import type { ConsoleConnectionQuery, SalesforceConfigurationKind } from '../../generated/graphql.ts';
import { ApiError, failure } from '../api.ts';
import { ConnectionQuery, DisconnectMutation, StartConnectionMutation } from '../documents.ts';
import { announce, errorText, h, replace } from '../dom.ts';
import { timestamp } from '../format.ts';
import { can } from '../permissions.ts';
import { field, link } from './sync-log.ts';
import type { View, ViewContext } from './view.ts';

type Connection = ConsoleConnectionQuery['salesforceConnection'];

const STATUS_WORDS: Record<string, string> = {
  CONNECTED: 'Connected',
  NEEDS_REAUTH: 'Needs reconnecting: Salesforce no longer accepts the session. Chats wait; nothing is lost.',
  NOT_CONNECTED: 'Not connected',
};

export function connectionView(root: HTMLElement, ctx: ViewContext): View {
  const mayManage = can(ctx.role, 'manageConnection');
  const content = h('div');
  let connection: Connection | null = null;
  let shown = '';

  async function refresh(): Promise<void> {
    connection = (await ctx.request(ConnectionQuery)).salesforceConnection;
    const key = JSON.stringify(connection);
    if (key === shown) return;
    shown = key;
    draw(connection);
  }

  function draw(c: Connection): void {
    const kind = h(
      'select',
      { id: 'connect-configuration' },
      h(
        'option',
        { value: 'SYSTEM', selected: c.configurationKind !== 'CUSTOM' && c.systemConfigurationAvailable },
        'System configuration (the platform app)',
      ),
      h(
        'option',
        { value: 'CUSTOM', selected: c.configurationKind === 'CUSTOM' || !c.systemConfigurationAvailable },
        'Custom configuration (your connected app)',
      ),
    );
    replace(
      content,
      h(
        'dl',
        { class: 'figures' },
        h('dt', {}, 'Status'),
        h('dd', { id: 'connection-status', 'data-status': c.status }, STATUS_WORDS[c.status] ?? c.status),
        c.lastError ? [h('dt', {}, 'Last error'), h('dd', { class: 'error-text' }, c.lastError)] : null,
        h('dt', {}, 'Account'),
        h('dd', {}, c.username ? `${c.displayName ?? ''} ${c.username}`.trim() : '—'),
        h('dt', {}, 'Org'),
        h('dd', {}, c.orgId ?? '—', c.instanceUrl ? [' at ', link(c.instanceUrl, c.instanceUrl)] : null),
        h('dt', {}, 'Configuration'),
        h(
          'dd',
          {},
          c.configurationKind ?? '—',
          c.customConfiguration
            ? ` (custom app ${c.customConfiguration.clientId} at ${c.customConfiguration.loginUrl})`
            : '',
        ),
        h('dt', {}, 'Connected since'),
        h('dd', {}, timestamp(c.connectedAt) || '—'),
        h('dt', {}, 'Session refreshed'),
        h('dd', {}, timestamp(c.lastRefreshAt) || '—'),
      ),
      h(
        'p',
        {},
        h(
          'label',
          { for: 'callback-url' },
          'Callback URL to paste into your connected app (custom configuration)',
        ),
        h('input', { id: 'callback-url', type: 'text', readonly: true, value: c.callbackUrl, class: 'wide' }),
      ),
      mayManage
        ? h(
            'div',
            { class: 'toolbar' },
            field('Connect with', kind),
            h(
              'button',
              {
                type: 'button',
                id: 'reconnect',
                onclick: () => void reconnect(kind.value as SalesforceConfigurationKind),
              },
              c.status === 'NOT_CONNECTED' ? 'Connect with Salesforce' : 'Reconnect',
            ),
            c.status !== 'NOT_CONNECTED'
              ? h(
                  'button',
                  { type: 'button', class: 'danger', onclick: () => void disconnect() },
                  'Disconnect',
                )
              : null,
          )
        : h('p', { class: 'muted' }, 'Only an ADMIN can connect or disconnect Salesforce.'),
    );
  }

  async function reconnect(configuration: SalesforceConfigurationKind): Promise<void> {
    // Opened now, while the click still counts as a user gesture, so popup blockers let it through.
    const popup = window.open('about:blank', 'salesforce-connect', 'width=600,height=700');
    try {
      const result = (await ctx.request(StartConnectionMutation, { configuration }))
        .startSalesforceConnection;
      const refused = failure(result);
      if (refused || result.__typename !== 'MutationStartSalesforceConnectionSuccess') {
        throw new ApiError(refused ?? result.__typename, result.__typename);
      }
      if (popup) popup.location.href = result.data.authorizationUrl;
      else window.location.assign(result.data.authorizationUrl);
      announce('Sign in to Salesforce and allow access in the window that opened.');
    } catch (error) {
      popup?.close();
      announce(`Not connected: ${errorText(error)}`, 'error');
    }
  }

  async function disconnect(): Promise<void> {
    if (!window.confirm('Disconnect Salesforce? Chats will wait until someone connects again.')) return;
    try {
      await ctx.request(DisconnectMutation);
      announce('Disconnected from Salesforce.');
    } catch (error) {
      announce(`Not disconnected: ${errorText(error)}`, 'error');
    }
    await refresh();
  }

  // The OAuth callback page tells its opener how it went. One listener at a time: this view is built on each visit.
  window.onmessage = (event: MessageEvent) => {
    const data = event.data as { source?: string; status?: string; message?: string } | null;
    if (event.origin !== window.location.origin || data?.source !== 'cloudcx-salesforce') return;
    announce(data.message ?? '', data.status === 'connected' ? 'info' : 'error');
    void refresh().catch(() => undefined);
  };

  replace(root, h('h1', {}, 'Salesforce connection'), content);
  return { refresh };
}
