"""The column names other systems export, and what each one is in rolodex
(docs/importing.md#binding-columns).

People bring their contacts as Google, Outlook, HubSpot or Mailchimp wrote them, and nobody
renames a header first. Binding a header is: our names exactly, then our names written another
way (case, spaces, ``-``, ``_`` and ``.`` ignored), then the names in this module, then
``--map``. This module is data, not code, so that it can be read, checked and extended by
someone who knows the other system and not our binding engine: one :class:`System` per export
layout, each header spelled exactly as that system writes it, in the order it writes them, and
where we learned it.

Only the headers that carry something rolodex stores are listed: an email address, a first,
last or full name, a company by name, labels (tags, groups, categories) — and for users files,
also passwords and an active flag. A system's other columns (phones, addresses, notes) are left
out on purpose: they stay unbound, and the user leaves them out with ``--ignore-unknown``.
Several headers may name one target (Outlook's ``E-mail Address``, ``E-mail 2 Address``); the
engine takes the first non-empty one in column order (for labels, all of them).

To add a system: export a file from it (or find one a public project keeps as a test fixture),
add one :class:`System` below with its headers as written, say where you learned them in
``source`` (URL or ``owner/repo:path``, and the date), add a sample file in its layout to
``tests/fixtures/other-systems/`` with the contacts it must give in ``expected.py``, and run
``tests/unit/test_systems.py``: it fails when two systems give one header (once normalised)
different meanings, or a header means something else than our own column of that name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

CONTACT_TARGETS = frozenset(
    {"email", "first_name", "last_name", "name", "company", "labels", "company_id", "labels_id"}
)
USER_TARGETS = frozenset(
    {"email", "first_name", "last_name", "name", "password", "password_hash", "active"}
)
KINDS = ("contacts", "users")

# Our own column names (docs/importing.md#values, docs/importing.md#users): steps 2 and 3 of the
# binding find these before the other systems' names are looked at.
OUR_NAMES: Mapping[str, frozenset[str]] = {
    "contacts": frozenset(
        {"email", "first_name", "last_name", "company_id", "labels", "labels_id"}
    ),
    "users": frozenset({"email", "first_name", "last_name", "password", "password_hash", "active"}),
}


@dataclass(frozen=True)
class System:
    """One export layout of another system: its headers as written → rolodex targets."""

    name: str  # "Google Contacts (2023+ layout)"
    source: str  # where the headers were learned: URL(s) or owner/repo:path, and the date
    contacts: Mapping[str, str]  # header exactly as the system exports it → target
    users: Mapping[str, str] = field(default_factory=dict)  # agent/user exports, if any


def normalise(header: str) -> str:
    """A header as step 2 and 3 compare it: case, spaces, ``-``, ``_`` and ``.`` ignored."""
    return re.sub(r"[\s\-_.]+", "", header).casefold()


SYSTEMS: tuple[System, ...] = (
    System(
        name="Google Contacts (legacy “Google CSV” layout)",
        source=(
            "Real exports: roundcube/roundcubemail:tests/src/Csv2vcard/gmail.csv and "
            "tine20/tine20:tests/tine20/Addressbook/Import/files/google_contacts.csv "
            "(../shared/fixtures/real-exports/google-legacy-*.csv); "
            "roundcube/roundcubemail:program/lib/Roundcube/rcube_csv2vcard.php (gmail map). "
            "Looked up 2026-11-30."
        ),
        contacts={
            "Name": "name",
            "Given Name": "first_name",
            "Family Name": "last_name",
            "Group Membership": "labels",
            "E-mail 1 - Value": "email",
            "E-mail 2 - Value": "email",
            "E-mail 3 - Value": "email",
            "E-mail 4 - Value": "email",
            "Organization 1 - Name": "company",
            "Organization 2 - Name": "company",
        },
    ),
    System(
        name="Google Contacts (2023+ layout)",
        source=(
            "Export header as written by contacts.google.com since 2023, reproduced verbatim "
            "in several public projects found with find_string over GitHub code "
            "('First Name,Middle Name,Last Name,Phonetic First Name,…,Labels,"
            "E-mail 1 - Label,E-mail 1 - Value,…'). Looked up 2026-11-30."
        ),
        contacts={
            "First Name": "first_name",
            "Last Name": "last_name",
            "Organization Name": "company",
            "Labels": "labels",
            "E-mail 1 - Value": "email",
            "E-mail 2 - Value": "email",
            "E-mail 3 - Value": "email",
            "E-mail 4 - Value": "email",
        },
    ),
    System(
        name="Microsoft Outlook desktop (English)",
        source=(
            "Outlook 'Comma Separated Values' export header (92 columns, 'Title,First Name,"
            "Middle Name,Last Name,Suffix,Company,…,Categories,…,E-mail Address,E-mail Type,"
            "E-mail Display Name,E-mail 2 Address,…'), verbatim in several public exporters "
            "(find_string); roundcube/roundcubemail:program/lib/Roundcube/rcube_csv2vcard.php "
            "('MS Outlook 2010' map). Looked up 2026-11-30."
        ),
        contacts={
            "First Name": "first_name",
            "Last Name": "last_name",
            "Company": "company",
            "Categories": "labels",
            "E-mail Address": "email",
            "E-mail 2 Address": "email",
            "E-mail 3 Address": "email",
        },
    ),
    System(
        name="Microsoft Outlook desktop (German)",
        source=(
            "Real export: tine20/tine20:tests/tine20/Addressbook/Import/files/"
            "importtest_outlook2013.csv (Outlook 2013, de; Windows-1252, CRLF, comma; "
            "../shared/fixtures/real-exports/outlook2013-de-tine20.csv); "
            "roundcube/roundcubemail:program/localization/de_DE/csv2vcard.inc. "
            "Looked up 2026-11-30."
        ),
        contacts={
            "Vorname": "first_name",
            "Nachname": "last_name",
            "Firma": "company",
            "E-Mail-Adresse": "email",
            "E-Mail 2: Adresse": "email",
            "E-Mail 3: Adresse": "email",
            "Kategorien": "labels",
        },
    ),
    System(
        name="Outlook.com / Outlook on the web (people export)",
        source=(
            "Real export: sondreb/people:test/outlook.csv at 80b824d (UTF-8 with BOM; "
            "../shared/fixtures/real-exports/outlook-com-people.csv). Looked up 2026-11-30."
        ),
        contacts={
            "First Name": "first_name",
            "Last Name": "last_name",
            "E-mail Address": "email",
            "E-mail 2 Address": "email",
            "E-mail 3 Address": "email",
            "Company": "company",
        },
    ),
    System(
        name="Mozilla Thunderbird (English)",
        source=(
            "Real export: mozilla/releases-comm-central:mailnews/addrbook/test/unit/data/"
            "export.csv (../shared/fixtures/real-exports/thunderbird-export.csv); "
            "roundcube/roundcubemail:program/lib/Roundcube/rcube_csv2vcard.php "
            "('Thunderbird' map). Looked up 2026-11-30."
        ),
        contacts={
            "First Name": "first_name",
            "Last Name": "last_name",
            "Display Name": "name",
            "Primary Email": "email",
            "Secondary Email": "email",
            "Organization": "company",
        },
    ),
    System(
        name="Mozilla Thunderbird (German)",
        source=(
            "Thunderbird writes its CSV header in the UI language: "
            "roundcube/roundcubemail:program/localization/de_DE/csv2vcard.inc "
            "(Anzeigename, Primäre E-Mail-Adresse, Sekundäre E-Mail-Adresse, Organisation). "
            "Looked up 2026-11-30."
        ),
        contacts={
            "Vorname": "first_name",
            "Nachname": "last_name",
            "Anzeigename": "name",
            "Primäre E-Mail-Adresse": "email",
            "Sekundäre E-Mail-Adresse": "email",
            "Organisation": "company",
        },
    ),
    System(
        name="HubSpot (contacts export)",
        source=(
            "Default 'All contacts' view export: 'Record ID,First Name,Last Name,Email,"
            "Phone Number,Contact owner,Primary Associated Company ID,Last Activity Date,"
            "Lead Status,Marketing contact status,Create Date,Associated Company', as "
            "reproduced in public HubSpot import code (find_string, e.g. a Joi schema renaming "
            "those exact headers); 'Company Name' is the contact's own company property when "
            "it is in the view. Looked up 2026-11-30."
        ),
        contacts={
            "First Name": "first_name",
            "Last Name": "last_name",
            "Email": "email",
            "Associated Company": "company",
            "Company Name": "company",
        },
    ),
    System(
        name="Salesforce (contacts and leads reports)",
        source=(
            "Report export ('Details Only'): contacts 'Salutation,First Name,Last Name,Title,"
            "Mailing Street,…,Phone,Email,…,Account Name,Account Owner,Lead Source'; leads "
            "'Lead Owner,First Name,Last Name,Title,Company / Account,Lead Source,Rating,"
            "Street,Email' — as expected verbatim by public import code (find_string "
            "'Title,Company / Account,'). Looked up 2026-11-30."
        ),
        contacts={
            "First Name": "first_name",
            "Last Name": "last_name",
            "Company / Account": "company",
            "Email": "email",
            "Account Name": "company",
        },
    ),
    System(
        name="Zoho CRM (contacts export)",
        source=(
            "Zoho CRM field labels, which its CSV export uses as headers ('Contact Owner,"
            "Salutation,First Name,Last Name,Account Name,…,Email,Secondary Email,…'), as in "
            "public Zoho API code selecting those columns (find_string 'Email Opt Out,Skype "
            "ID'); 'Tag' is the export's tags column. Looked up 2026-11-30."
        ),
        contacts={
            "First Name": "first_name",
            "Last Name": "last_name",
            "Account Name": "company",
            "Email": "email",
            "Secondary Email": "email",
            "Tag": "labels",
        },
    ),
    System(
        name="Mailchimp (audience export)",
        source=(
            "Real export: TryGhost/migrate:packages/mg-mailchimp-members/src/test/fixtures/"
            "subscribed.csv (../shared/fixtures/real-exports/mailchimp-subscribed.csv); "
            "'Company' is a merge field some audiences have. Looked up 2026-11-30."
        ),
        contacts={
            "Email Address": "email",
            "First Name": "first_name",
            "Last Name": "last_name",
            "Company": "company",
            "TAGS": "labels",
        },
    ),
    System(
        name="Intercom (people export)",
        source=(
            "Intercom's CSV export names columns after the standard attributes shown in the "
            "people list: Name, Email, Phone, …, Tag, Company name "
            "(https://www.intercom.com/help/en/articles/318-the-people-company-and-account-"
            "list-explained and the standard-attributes list it links). No verbatim export "
            "was found; 'Company ID' is also exported but is Intercom's own id, not ours. "
            "Looked up 2026-11-30."
        ),
        contacts={
            "Name": "name",
            "Email": "email",
            "Company name": "company",
            "Tags": "labels",
            "Tag": "labels",
        },
    ),
    System(
        name="Zendesk Support (users CSV)",
        source=(
            "Users CSV layout: name, email, external_id, details, notes, phone, role, "
            "restriction, organization, tags "
            "(https://support.zendesk.com/hc/en-us/articles/4408893496218). "
            "Looked up 2026-11-30."
        ),
        contacts={
            "name": "name",
            "email": "email",
            "organization": "company",
            "tags": "labels",
        },
        users={
            "name": "name",
            "email": "email",
        },
    ),
    System(
        name="Freshdesk (contacts export)",
        source=(
            "Contact fields as named in Freshdesk's export (Admin › Contacts › Export): Full "
            "name, Title, Email, Work phone, Mobile phone, Twitter ID, Unique external ID, "
            "Company, Address, Time zone, Language, Tags, About "
            "(https://support.freshdesk.com/ko/support/solutions/articles/50000010165); "
            "the classic UI wrote 'Name'. Looked up 2026-11-30."
        ),
        contacts={
            "Full name": "name",
            "Name": "name",
            "Email": "email",
            "Company": "company",
            "Tags": "labels",
        },
    ),
    System(
        name="Ghost (members export)",
        source=(
            "TryGhost/Ghost:ghost/members-csv/lib/unparse.js (DEFAULT_COLUMNS id,email,name,"
            "note,…,labels,products; labels joined with ','); real export "
            "TryGhost/Ghost:ghost/members-importer/test/fixtures/member-csv-export.csv "
            "(../shared/fixtures/real-exports/ghost-members-export.csv). Looked up 2026-11-30."
        ),
        # `labels` is our own name: the engine binds it at step 1, with our `:` separator.
        contacts={
            "email": "email",
            "name": "name",
            "labels": "labels",
        },
    ),
    System(
        name="Substack (subscribers export)",
        source=(
            "Real exports: TryGhost/migrate:packages/mg-substack-members-csv/test/fixtures/"
            "fixtures_signup_emails.csv and fixtures_subscriber_emails.csv (only `email` "
            "carries anything of ours). Looked up 2026-11-30."
        ),
        contacts={"email": "email"},
    ),
    System(
        name="beehiiv (subscribers export)",
        source=(
            "Real export: TryGhost/migrate:packages/mg-beehiiv-members/src/test/fixtures/"
            "members.csv (../shared/fixtures/real-exports/beehiiv-members.csv). "
            "Looked up 2026-11-30."
        ),
        contacts={
            "email": "email",
            "First Name": "first_name",
            "Last Name": "last_name",
        },
    ),
)


class SystemsConflict(ValueError):
    """Two systems (or a system and our own names) give one normalised header two meanings."""


def system_targets(kind: str) -> dict[str, str]:
    """Normalised header → target, merged over every system, for ``"contacts"`` or ``"users"``.

    A header that normalises to one of our own names with the same meaning is left out: the
    binding finds it at step 2 already. Raises :class:`SystemsConflict` when two systems, or a
    system and our own names, give one normalised header different targets.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    ours = {normalise(name): name for name in OUR_NAMES[kind]}
    merged: dict[str, tuple[str, str]] = {}  # normalised → (target, "system: header")
    for system in SYSTEMS:
        headers = system.contacts if kind == "contacts" else system.users
        for header, target in headers.items():
            key = normalise(header)
            where = f"{system.name}: {header!r}"
            if key in ours:
                if ours[key] != target:
                    raise SystemsConflict(
                        f"{where} → {target}, but it reads as our own column {ours[key]!r}"
                    )
                continue
            if key in merged and merged[key][0] != target:
                other_target, other = merged[key]
                raise SystemsConflict(f"{where} → {target}, but {other} → {other_target}")
            merged.setdefault(key, (target, where))
    return {key: target for key, (target, _) in merged.items()}


# Fail on import, not in the middle of someone's import, when the data contradicts itself.
for _kind in KINDS:
    system_targets(_kind)
