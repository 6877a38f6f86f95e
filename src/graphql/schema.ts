// Imports every domain file (each registers its types on the builder) and builds the schema.
import { builder } from './builder.ts';
import './errors.ts';
import './types/tenant.ts';
import './types/api-key.ts';
import './types/platform-app.ts';
import './types/salesforce-connection.ts';
import './types/sync-record.ts';
import './types/sync-record-history.ts';
import './types/record-chat.ts';
import './types/backfill.ts';
import './types/salesforce-customer.ts';
import './types/mapping.ts';
import './types/settings.ts';
import './types/plan-chat.ts';
import './types/agent-actions.ts';
import './types/api-usage.ts';
import './types/api-usage-history.ts';

export const schema = builder.toSchema({ sortSchema: true });
