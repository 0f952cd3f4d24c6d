"""What the portal cites a rule for: each place that names a legal basis asks for one of these purposes.

The purposes are the portal's (its pages and notices need them); which article governs each is data
(regulations.toml), chosen per deployment. `setting` names the configuration value that holds the
purpose's period, when it has one, so a page can tell a period the regulation fixes from the portal's own.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Purpose:
    label: object               # lazy string: what the article is cited for
    setting: str | None = None  # config key of the period, if any
    unit: str = "workdays"      # of that period: workdays | days | months


PURPOSES: dict[str, Purpose] = {
    "application_answer": Purpose(_l("Answering an application for conditionally open data"),
                                  "APPLICATION_WORKDAYS"),
    "application_approval": Purpose(_l("An approval states the permitted purpose and scope")),
    "application_refusal": Purpose(_l("A refusal states its reason and legal basis")),
    "usage_report": Purpose(_l("Data users report how they used the data")),
    "access_suspension": Purpose(_l("Suspending a data user's access for misuse")),
    "complaint_suspension": Purpose(_l("Rights complaints: immediate suspension, verification, decision and feedback"),
                                    "COMPLAINT_WORKDAYS"),
    "correction_handling": Purpose(_l("Corrections: marking, verification and answer"), "CORRECTION_WORKDAYS"),
    "report_illegal_use": Purpose(_l("Reports of illegal use of public data")),
    "dispute_coordination": Purpose(_l("Disputes are brought to the data authority, which may ask the expert committee")),
    "catalog_review": Purpose(_l("The authority's review of catalog entries"), "REVIEW_WORKDAYS"),
    "share_officer": Purpose(_l("Each agency names the staff who handle its data sharing")),
    "share_restriction_basis": Purpose(_l("Sharing is unconditional unless a law or regulation restricts it, with reason "
                                          "and basis")),
    "share_basic_resources": Purpose(_l("Basic and thematic resources are shared between agencies; the authority "
                                        "confirms restrictions")),
    "sharing_lists": Purpose(_l("The demand, responsibility and negative lists of sharing")),
    "share_answer": Purpose(_l("Answering a share request between agencies"), "SHARE_ANSWER_WORKDAYS"),
    "share_refusal": Purpose(_l("A refusal to share states its reason and legal basis")),
    "share_error_check": Purpose(_l("While suspected errors in shared data are checked, citizens' and companies' "
                                    "matters go on as usual"), "SHARE_ERROR_ANSWER_WORKDAYS"),
    "share_purpose_limit": Purpose(_l("Shared data serves the requester's duties only, never third parties")),
    "share_reassessment": Purpose(_l("Conditionally shared data is reassessed periodically"), "REASSESS_MONTHS",
                                  "months"),
    "share_evaluation": Purpose(_l("Sharing and opening are evaluated and the results made known")),
    "share_reports": Purpose(_l("Half-yearly reports on sharing, and the yearly report by the end of January")),
    "catalog_update": Purpose(_l("Catalogs are updated after a change of legal basis or statutory function"),
                              "CATALOG_UPDATE_WORKDAYS"),
    "catalog_update_project": Purpose(_l("An IT project's catalog is updated before its acceptance")),
    "catalog_update_supervision": Purpose(_l("The authority orders agencies that neglect their catalogs to correct "
                                             "within a time limit")),
    "data_request": Purpose(_l("Data is opened as users need it: requests for data not yet open are answered"),
                            "DATA_REQUEST_WORKDAYS"),
    "access_log_retention": Purpose(_l("Keeping the log of downloads, API calls and searches"),
                                    "ACCESS_LOG_RETENTION_DAYS", "days"),
}
