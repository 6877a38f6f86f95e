// The settings and mapping operations the tests call, typed by codegen.
import { graphql } from '../generated/gql.ts';

export const Settings = graphql(`
  query Settings {
    salesforceSettings {
      mode
      webChat
      inbox
      whenContactMatched
      mappingVersion
      identification {
        object
        onMultiple
        rules {
          name
          all {
            field
            source
            normalize
            countryCode
          }
        }
      }
      display {
        section
        object
        fields
      }
    }
  }
`);

export const UpdateSettings = graphql(`
  mutation UpdateSettings($input: UpdateSalesforceSettingsInput!) {
    updateSalesforceSettings(input: $input) {
      __typename
      ... on MutationUpdateSalesforceSettingsSuccess {
        data {
          changes
          settings {
            mode
            webChat
            inbox
            whenContactMatched
          }
          mappingVersion {
            version
            author
            active
            yaml
          }
        }
      }
      ... on MappingInvalidError {
        message
        diagnostics {
          line
          column
          path
          code
          message
        }
      }
    }
  }
`);

export const ActiveMapping = graphql(`
  query ActiveMapping {
    mapping {
      version
      yaml
      hash
      author
      active
      createdAt
    }
  }
`);

export const MappingVersions = graphql(`
  query MappingVersions {
    mappingVersions {
      version
      author
      active
      hash
    }
  }
`);

export const Publish = graphql(`
  mutation Publish($yaml: String!) {
    publishMapping(yaml: $yaml) {
      __typename
      ... on MutationPublishMappingSuccess {
        data {
          created
          mappingVersion {
            version
            hash
            author
            active
          }
          warnings {
            line
            message
          }
        }
      }
      ... on MappingInvalidError {
        message
        diagnostics {
          line
          column
          path
          code
          message
          severity
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

export const Rollback = graphql(`
  mutation Rollback($version: Int!) {
    rollbackMapping(version: $version) {
      __typename
      ... on MutationRollbackMappingSuccess {
        data {
          created
          mappingVersion {
            version
            yaml
            active
          }
        }
      }
      ... on NotFoundError {
        message
      }
    }
  }
`);

export const Diff = graphql(`
  query Diff($from: Int, $to: Int, $yaml: String) {
    diffMapping(from: $from, to: $to, yaml: $yaml) {
      __typename
      ... on QueryDiffMappingSuccess {
        data {
          from
          to
          diff
          added
          removed
        }
      }
      ... on NotFoundError {
        message
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

export const PlanChat = graphql(`
  query PlanChat($mapping: String, $event: RecordChatInput!, $action: ManualAction) {
    planChat(mapping: $mapping, event: $event, action: $action) {
      __typename
      ... on QueryPlanChatSuccess {
        data {
          plan
          connected
          mappingVersion
          lookups {
            key
            purpose
            object
            rule
            soql
            records
            error
          }
        }
      }
      ... on MappingInvalidError {
        message
        diagnostics {
          line
          column
          path
          message
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

export const CheckAgainstOrg = graphql(`
  query CheckAgainstOrg($yaml: String) {
    checkMappingAgainstOrg(yaml: $yaml) {
      __typename
      ... on QueryCheckMappingAgainstOrgSuccess {
        data {
          valid
          objects
          mappingVersion
          diagnostics {
            line
            column
            path
            code
            message
            severity
          }
        }
      }
      ... on SalesforceUnavailableError {
        message
        status
      }
    }
  }
`);
