// Every GraphQL document the page sends (tests/app/test_candidates_page.py validates each against the schema).

export const VIEWER = `query Viewer { viewer { customer { key name } user { email name } roles } }`;

export const CUSTOMERS = `query Customers { customers(first: 50) { edges { node { key name } } } }`;

export const USERS = `query Users { users(first: 100) { edges { node { email name roles personUrn } } } }`;

export const CANDIDATES = `query Candidates($first: Int!, $after: String, $filter: CandidateFilter) {
  candidates(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id firstName lastName title mailingCity } }
  }
}`;

const FRESHNESS = `fetchedAt stale error errorCode`;

export const CANDIDATE = `query Candidate($id: ID!) {
  candidate(id: $id) {
    id firstName lastName email phone title company mailingCity source doNotContact createdAt updatedAt
    syncEligibility { eligible missing }
    linkedinProfile {
      personUrn profileUrl matchSource matchedAt algorithmicMatches manualMatch viewInRecruiterUrl
      widget { apiKey integrationContext atsCandidateId scriptUrl extension widgetType available unavailableReason unavailableCode }
      freshness { ${FRESHNESS} }
    }
    linkedinActivity { ${FRESHNESS} }
    inmailThreads {
      seatUrn subject lastMessageAt messageCount
      recruiter { name email }
      messages { direction author subject body sentAt visibility }
    }
    linkedinNotes { body owner ownerRecruiter { name } createdAt updatedAt visibility }
    notes { id author body createdAt applicationId }
    applications { id status source createdAt lastActivityAt job { title } stages { stage at actor } }
  }
}`;

// Admins only: what LinkedIn holds of the ATS, per kind of record, with the reasons of the failures.
export const SYNC_STATUS = `query SyncStatus($failures: Int!) {
  syncStatus(failures: $failures) {
    backfillEnqueuedAt initialSyncComplete
    entities { entityType pending sent failed skipped failures { atsId recordId kind reason at } }
  }
}`;

export const INTEGRATION = `query Integration {
  linkedinIntegration {
    organizationUrn contractUrn clientId clientSecretLastFour
    integrations { type name enabled state lastChangedAt }
    credentials { valid checkedAt error errorCode }
    initialSync { startedAt completedAt complete counts { entity sent failed } }
    configurationPlugin { url }
  }
}`;

export const REFRESH = `mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: { candidateId: $id }) {
    syncedAt
    userErrors { field message code }
  }
}`;

export const LINK = `mutation Link($id: ID!, $personUrn: String!) {
  linkLinkedInMember(input: { candidateId: $id, personUrn: $personUrn }) {
    personUrn
    userErrors { field message code }
  }
}`;

export const UNLINK = `mutation Unlink($id: ID!) {
  unlinkLinkedInMember(input: { candidateId: $id }) {
    userErrors { field message code }
  }
}`;

export const CANDIDATE_ACTIVITY = `subscription CandidateActivity($id: ID!) {
  candidateActivity(candidateId: $id) { kind at }
}`;
