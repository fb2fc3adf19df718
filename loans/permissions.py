"""What each role may do with the microloans (granted to the roles through ``federation.core.roles.grant``).

Which applications a user sees is the scope (``federation.core.scoping``); these are the steps her role
may take on them. The village director drafts, submits and gives the village signature; the
township chair gives the township signature and the stamp; the township staff record the credit
cooperative's decision, the disbursement and the repayment, and may prepare a draft for a village of
their township (the design's "prepare loans for signature"): the village director still submits it
and signs first; the county reads.
"""

from federation.core.roles import Role, crud, grant, view

READ = view("loans.loanapplication", "loans.guarantor", "loans.transition")

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.VILLAGE_DIRECTOR: [
        *crud("loans.loanapplication", "loans.guarantor"),
        "loans.view_transition",
        "loans.view_attachment",
        "loans.add_attachment",
        "loans.delete_attachment",
        "loans.submit_application",
        "loans.sign_village",
        "loans.withdraw_application",
    ],
    Role.TOWNSHIP_STAFF: [
        *READ,
        "loans.add_loanapplication",
        "loans.change_loanapplication",
        "loans.add_guarantor",
        "loans.change_guarantor",
        "loans.delete_guarantor",
        "loans.view_attachment",
        "loans.add_attachment",
        "loans.record_cooperative",
        "loans.record_disbursement",
        "loans.withdraw_application",
        "loans.verify_signatures",
    ],
    Role.TOWNSHIP_CHAIR: [
        *READ,
        "loans.view_attachment",
        "loans.add_attachment",
        "loans.sign_township",
        "loans.stamp",
        "loans.withdraw_application",
        "loans.verify_signatures",
    ],
    # The county reads applications and ledgers with ID numbers masked; scanned ID copies are not hers.
    Role.COUNTY_VIEWER: READ,
}

grant("loans", ROLE_PERMISSIONS)
