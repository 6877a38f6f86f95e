// Every GraphQL document the console sends, in one place: when the API changes, this file (and the views that read
// the changed fields) is what to adapt. `npm run generate` types them into ../generated/.
import { graphql } from '../generated/gql.ts';

export const ViewerQuery = graphql(`
  query ConsoleViewer {
    viewer {
      role
      agentEmail
      tenant {
        slug
        name
      }
    }
  }
`);

export const SyncRowFields = graphql(`
  fragment ConsoleSyncRow on SyncRecord {
    id
    sourceId
    sourceKind
    status
    attempts
    createdAt
    updatedAt
    syncedAt
    nextAttemptAt
    lastError
    lastErrorCode
    visitor {
      name
      email
      phone
    }
    objects {
      role
      sobjectType
      salesforceId
      url
    }
  }
`);

export const SyncRecordsQuery = graphql(`
  query ConsoleSyncRecords(
    $first: Int
    $after: String
    $status: [SyncStatus!]
    $sourceKind: SourceKind
    $createdAfter: DateTime
    $createdBefore: DateTime
    $visitor: String
  ) {
    syncRecords(
      first: $first
      after: $after
      status: $status
      sourceKind: $sourceKind
      createdAfter: $createdAfter
      createdBefore: $createdBefore
      visitor: $visitor
    ) {
      edges {
        node {
          ...ConsoleSyncRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const SyncRecordDetailQuery = graphql(`
  query ConsoleSyncRecord($id: ID!) {
    syncRecord(id: $id) {
      ...ConsoleSyncRow
      mappingVersion {
        version
        hash
        author
        createdAt
      }
      matchCandidates {
        object
        salesforceId
        rule
        fields
        url
      }
      eventCount
      events(last: 20) {
        kind
        eventId
        receivedAt
        appliedAt
        summary
      }
      carriedOutPlans(last: 5) {
        at
        steps {
          ref
          object
          operation
          outcome
          salesforceId
          url
          errorCode
          message
        }
      }
    }
  }
`);

export const RetrySyncMutation = graphql(`
  mutation ConsoleRetrySync($id: ID!) {
    retrySync(id: $id) {
      __typename
      ... on MutationRetrySyncSuccess {
        data {
          ...ConsoleSyncRow
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

// The API bounds a query's cost, counting a variable page size as its largest (100): the review queue asks for a
// literal 20, as candidates multiply the fields of each record.
export const ReviewQueueQuery = graphql(`
  query ConsoleReviewQueue {
    syncRecords(first: 20, status: [NEEDS_REVIEW]) {
      edges {
        node {
          ...ConsoleSyncRow
          matchCandidates {
            object
            salesforceId
            rule
            fields
            url
          }
        }
      }
    }
  }
`);

export const ResolveMatchMutation = graphql(`
  mutation ConsoleResolveMatch($id: ID!, $object: SalesforceMatchObject!, $salesforceId: String!) {
    resolveSalesforceMatch(syncRecordId: $id, object: $object, salesforceId: $salesforceId) {
      __typename
      ... on MutationResolveSalesforceMatchSuccess {
        data {
          ...ConsoleSyncRow
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const ApiUsageQuery = graphql(`
  query ConsoleApiUsage($refresh: Boolean) {
    salesforceApiUsage(refresh: $refresh) {
      used
      limit
      remaining
      share
      state
      waiting
      lowPriorityThreshold
      allThreshold
      updatedAt
    }
  }
`);

export const ApiUsageHistoryQuery = graphql(`
  query ConsoleApiUsageHistory {
    apiUsageHistory(days: 14) {
      date
      calls
      share
      chatsWritten
      callsPerChat
    }
  }
`);

export const ConnectionQuery = graphql(`
  query ConsoleConnection {
    salesforceConnection {
      status
      username
      displayName
      email
      orgId
      instanceUrl
      connectedAt
      lastRefreshAt
      lastError
      configurationKind
      systemConfigurationAvailable
      callbackUrl
      customConfiguration {
        clientId
        loginUrl
      }
    }
  }
`);

export const StartConnectionMutation = graphql(`
  mutation ConsoleStartConnection($configuration: SalesforceConfigurationKind!) {
    startSalesforceConnection(configuration: $configuration) {
      __typename
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const DisconnectMutation = graphql(`
  mutation ConsoleDisconnect {
    disconnectSalesforce {
      status
    }
  }
`);

export const DiagnosticFields = graphql(`
  fragment ConsoleDiagnostic on MappingDiagnostic {
    severity
    code
    message
    path
    line
    column
  }
`);

export const MappingsQuery = graphql(`
  query ConsoleMappings {
    mapping {
      version
      yaml
    }
    mappingVersions {
      version
      author
      createdAt
      active
      hash
    }
  }
`);

export const DiffMappingQuery = graphql(`
  query ConsoleDiffMapping($from: Int, $to: Int, $yaml: String) {
    diffMapping(from: $from, to: $to, yaml: $yaml) {
      __typename
      ... on QueryDiffMappingSuccess {
        data {
          from
          to
          added
          removed
          diff
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const CheckMappingQuery = graphql(`
  query ConsoleCheckMapping($yaml: String) {
    checkMappingAgainstOrg(yaml: $yaml) {
      __typename
      ... on QueryCheckMappingAgainstOrgSuccess {
        data {
          valid
          diagnostics {
            ...ConsoleDiagnostic
          }
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const PlanChatQuery = graphql(`
  query ConsolePlanChat($event: RecordChatInput!, $mapping: String) {
    planChat(event: $event, mapping: $mapping) {
      __typename
      ... on QueryPlanChatSuccess {
        data {
          connected
          mappingVersion
          plan
        }
      }
      ... on MappingInvalidError {
        message
        diagnostics {
          ...ConsoleDiagnostic
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const PublishMappingMutation = graphql(`
  mutation ConsolePublishMapping($yaml: String!) {
    publishMapping(yaml: $yaml) {
      __typename
      ... on MutationPublishMappingSuccess {
        data {
          created
          mappingVersion {
            version
          }
          warnings {
            ...ConsoleDiagnostic
          }
        }
      }
      ... on MappingInvalidError {
        message
        diagnostics {
          ...ConsoleDiagnostic
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const RollbackMappingMutation = graphql(`
  mutation ConsoleRollbackMapping($version: Int!) {
    rollbackMapping(version: $version) {
      __typename
      ... on MutationRollbackMappingSuccess {
        data {
          mappingVersion {
            version
          }
        }
      }
      ... on Error {
        message
      }
    }
  }
`);
