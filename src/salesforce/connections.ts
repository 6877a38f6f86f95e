// Moved to src/connections/tenant-connections.ts (the connection domain: token store, audit). This re-export keeps
// the files another change is rewriting (src/console/customer-view.ts, src/graphql/types/plan-chat.ts) compiling
// until they import from there; then delete it.
export {
  asConnectionUnavailable,
  ConnectionUnavailableError,
  type SalesforceConnections,
} from '../connections/tenant-connections.ts';
