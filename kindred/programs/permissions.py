"""The permission matrix: which role may do what in a program (docs/permissions.md).

Capabilities are plain strings `<area>.<verb>`. A role's capabilities apply only inside the
program where the person holds that role; organization roles apply to every program of their
organization. Access helpers (kindred.programs.access) are the only readers of this table.
"""

from kindred.programs.roles import OrganizationRole, Role


class Cap:
    # Program and people
    PROGRAM_VIEW = "program.view"
    PROGRAM_MANAGE = "program.manage"
    MEMBERS_MANAGE = "members.manage"
    AUDIT_VIEW = "audit.view"
    # Families (issue: families, children and consent)
    FAMILIES_VIEW = "families.view"  # every family of the program
    FAMILIES_EDIT = "families.edit"
    FAMILIES_VIEW_MATCHED = "families.view_matched"  # only the families matched to me
    FAMILIES_IMPORT_EXPORT = "families.import_export"
    # Referrals
    REFERRALS_CREATE = "referrals.create"
    REFERRALS_VIEW_OWN = "referrals.view_own"  # a referrer's own referrals, status only
    REFERRALS_VIEW = "referrals.view"
    REFERRALS_MANAGE = "referrals.manage"  # triage, contact attempts, transitions
    REFERRALS_DASHBOARD = "referrals.dashboard"
    CASE_CONFERENCE = "referrals.case_conference"
    # Directory of peer support resources
    DIRECTORY_VIEW = "directory.view"
    DIRECTORY_SHARE = "directory.share"
    DIRECTORY_CURATE = "directory.curate"
    # Mentors
    MENTORS_VIEW = "mentors.view"
    MENTORS_MANAGE = "mentors.manage"  # screening, training, status changes
    MENTOR_SELF = "mentors.self"  # my own mentor record and home page
    SUPERVISION = "mentors.supervise"
    # Matching (issue 10): the waiting list, ranked mentors, proposals and the match's life.
    MATCHING_VIEW = "matching.view"  # every match of the program, the waiting list (PHI read)
    MATCHING_MANAGE = "matching.manage"  # propose, approve, offer, introduce, close, settings
    MATCH_SELF = "matching.self"  # a mentor's own offers and matches
    # Support groups (issue 12)
    GROUPS_VIEW = "groups.view"  # groups, their schedules and calendars (no families)
    GROUPS_MANAGE = "groups.manage"  # create groups, edit sessions, register, cancel
    GROUPS_ROSTER = "groups.roster"  # every group's registrations and attendance
    GROUPS_FACILITATE = "groups.facilitate"  # roster, registration, attendance of my groups
    # Encounters (issue 11): documented contacts with families, follow-ups, the codebook.
    ENCOUNTERS_VIEW = "encounters.view"  # every encounter of the program (no notes by itself)
    ENCOUNTERS_LOG = "encounters.log"  # log, edit and follow up my own encounters
    ENCOUNTERS_NOTES = "encounters.notes"  # every encounter's notes (a writer reads their own)
    ENCOUNTERS_CODEBOOK = "encounters.codebook"  # edit the program's codebook of themes
    # Surveys (issue 14): feedback from families and mentors
    SURVEYS_VIEW = "surveys.view"  # results: rates, baseline vs follow-up, by mentor and group
    SURVEYS_MANAGE = "surveys.manage"  # define surveys and items; read free-text answers
    SURVEYS_EXPORT = "surveys.export"  # the de-identified export of answers (no free text)
    # Evaluation (aggregate, de-identified)
    REPORTS_VIEW = "reports.view"  # the program report (aggregates; small counts suppressed)
    REPORTS_EXACT = "reports.exact"  # the report's small counts shown as they are
    REPORTS_EXPORT = "reports.export"  # encounters and matches CSV/XLSX, network export
    REPORTS_DEIDENTIFIED = "reports.deidentified"  # the Safe Harbor de-identified export
    # Interoperability (kindred.fhir): register and revoke an EHR's SMART backend clients
    FHIR_CLIENTS_MANAGE = "fhir.clients_manage"
    # Planning (issue 14): the program plan and its live objectives; the readiness assessment
    PLANNING_VIEW = "planning.view"  # read the plan, its versions and objectives (no PHI)
    PLANNING_EDIT = "planning.edit"  # readiness assessment, edit the plan and objectives


_COORDINATOR = {
    Cap.PROGRAM_VIEW,
    Cap.PROGRAM_MANAGE,
    Cap.MEMBERS_MANAGE,
    Cap.AUDIT_VIEW,
    Cap.FAMILIES_VIEW,
    Cap.FAMILIES_EDIT,
    Cap.FAMILIES_IMPORT_EXPORT,
    Cap.REFERRALS_CREATE,
    Cap.REFERRALS_VIEW,
    Cap.REFERRALS_MANAGE,
    Cap.REFERRALS_DASHBOARD,
    Cap.CASE_CONFERENCE,
    Cap.DIRECTORY_VIEW,
    Cap.DIRECTORY_SHARE,
    Cap.MENTORS_VIEW,
    Cap.MENTORS_MANAGE,
    Cap.SUPERVISION,
    Cap.MATCHING_VIEW,
    Cap.MATCHING_MANAGE,
    Cap.REPORTS_VIEW,
    Cap.GROUPS_VIEW,
    Cap.GROUPS_MANAGE,
    Cap.GROUPS_ROSTER,
    Cap.FHIR_CLIENTS_MANAGE,
    Cap.ENCOUNTERS_VIEW,
    Cap.ENCOUNTERS_LOG,
    Cap.ENCOUNTERS_NOTES,
    Cap.ENCOUNTERS_CODEBOOK,
    Cap.REPORTS_EXACT,
    Cap.REPORTS_EXPORT,
    Cap.REPORTS_DEIDENTIFIED,
    Cap.PLANNING_VIEW,
    Cap.PLANNING_EDIT,
    Cap.SURVEYS_VIEW,
    Cap.SURVEYS_MANAGE,
    Cap.SURVEYS_EXPORT,
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.SUPERVISOR: frozenset(
        {
            Cap.PROGRAM_VIEW,
            Cap.FAMILIES_VIEW,
            Cap.REFERRALS_VIEW,
            Cap.REFERRALS_DASHBOARD,
            Cap.CASE_CONFERENCE,
            Cap.DIRECTORY_VIEW,
            Cap.DIRECTORY_SHARE,
            Cap.MENTORS_VIEW,
            Cap.SUPERVISION,
            Cap.MATCHING_VIEW,
            Cap.REPORTS_VIEW,
            Cap.GROUPS_VIEW,
            Cap.GROUPS_ROSTER,
            Cap.ENCOUNTERS_VIEW,
            Cap.ENCOUNTERS_NOTES,
            Cap.REPORTS_EXACT,
            Cap.PLANNING_VIEW,
            Cap.PLANNING_EDIT,
            Cap.SURVEYS_VIEW,
        }
    ),
    Role.MENTOR: frozenset(
        {
            Cap.PROGRAM_VIEW,
            Cap.FAMILIES_VIEW_MATCHED,
            Cap.DIRECTORY_VIEW,
            Cap.DIRECTORY_SHARE,
            Cap.MENTOR_SELF,
            Cap.MATCH_SELF,
            Cap.GROUPS_VIEW,
            Cap.GROUPS_FACILITATE,
            Cap.ENCOUNTERS_LOG,
        }
    ),
    Role.REFERRER: frozenset(
        {
            Cap.PROGRAM_VIEW,
            Cap.REFERRALS_CREATE,
            Cap.REFERRALS_VIEW_OWN,
            Cap.DIRECTORY_VIEW,
            Cap.DIRECTORY_SHARE,
        }
    ),
    # The evaluator reads the program's numbers (counts only, no family): the referral dashboard,
    # the program report (small counts suppressed) and the de-identified export.
    Role.EVALUATOR: frozenset(
        {
            Cap.PROGRAM_VIEW,
            Cap.REPORTS_VIEW,
            Cap.REPORTS_DEIDENTIFIED,
            Cap.DIRECTORY_VIEW,
            Cap.REFERRALS_DASHBOARD,
            Cap.PLANNING_VIEW,
            Cap.SURVEYS_EXPORT,
        }
    ),
}

ORGANIZATION_ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    OrganizationRole.ADMIN: frozenset(
        {
            Cap.PROGRAM_VIEW,
            Cap.PROGRAM_MANAGE,
            Cap.MEMBERS_MANAGE,
            Cap.AUDIT_VIEW,
            Cap.DIRECTORY_VIEW,
            Cap.FHIR_CLIENTS_MANAGE,
        }
    ),
    OrganizationRole.CURATOR: frozenset(
        {Cap.PROGRAM_VIEW, Cap.DIRECTORY_VIEW, Cap.DIRECTORY_CURATE}
    ),
}
