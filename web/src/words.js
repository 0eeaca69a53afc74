// The API's codes as a recruiter reads them.

export const SOURCE_WORDS = {
  MANUAL: "Added in the ATS",
  LINKEDIN_EXPORT: "Exported from LinkedIn Recruiter",
  LINKEDIN_INMAIL: "Replied to a LinkedIn InMail",
};

export const MATCH_WORDS = {
  MANUAL: "linked by hand",
  EXPORT: "linked by a One-Click Export",
  STUB: "linked when they shared contact details",
  ALGORITHMIC: "matched by LinkedIn",
};

export const VISIBILITY_WORDS = {
  PUBLIC: "visible to the organization",
  PROJECT: "visible to the project",
  PRIVATE: "private to its author",
};

export const FIELD_WORDS = { firstName: "first name", lastName: "last name", email: "email" };

export const ENTITY_WORDS = {
  JOB: "Jobs",
  CANDIDATE: "Candidates",
  CANDIDATE_NOTE: "Candidate notes",
  APPLICATION: "Applications",
  APPLICATION_NOTE: "Application notes",
  APPLICATION_STAGE: "Application stages",
  ENTITY_ACL: "Secured jobs",
  ACL_ASSIGNEE: "Secured-job users",
};

export const ACTIVITY_WORDS = {
  INMAIL: "A new InMail arrived",
  NOTE: "A LinkedIn note changed",
  MATCH: "The LinkedIn match changed",
  APPLICATION: "An application changed",
};

export function when(iso) {
  if (!iso) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function fullName(person) {
  const name = [person?.firstName, person?.lastName].filter(Boolean).join(" ");
  return name || "(no name)";
}

export function listInWords(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
