"""Who sees which structure's data (issue 15 §3): the rules, in one place, without a request.

A structure's coordinator sees the campaigns of their structure only, and through them its
answers, photos, sessions, volunteer codes, exports, hand-over tokens and journal entries; a
network coordinator (``ROLE_NETWORK``) sees every structure's, and the figures across them.
The web asks here (``web/access.py``) and says « n'existe pas » (404) for what is refused, as
for a campaign that does not exist, so a coordinator learns nothing of another structure.

Accounts, campaigns, upload tokens and journal entries name their structure with the same key,
``structure_id`` (``model/structure.py`` ``owner_of``): those stored before structures existed
have none and belong to the default structure, so an old data folder keeps working unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from ..model.campaign import Campaign
from ..model.clock import utc_now
from ..model.errors import SurveyError
from ..model.structure import DEFAULT_ID, DEFAULT_NAME, ROLE_NETWORK, Structure, owner_of, validate

if TYPE_CHECKING:
    from . import Services

# Who a view acts as when the app runs without sign-in (``LOGIN_DISABLED``, tests only): sees all.
NO_SIGN_IN = {"id": "", "role": ROLE_NETWORK}
# The structure of a journal entry only the network reads (a network coordinator's sign-in): never
# a structure's id, which holds only lowercase letters, digits and dashes.
NETWORK_ENTRY = "*"


class StructureError(SurveyError, ValueError):
    """A structure that cannot be created, or one a coordinator may not choose (French)."""


def ensure_default(svc: Services) -> None:
    """The default structure, made at the first start. Safe when two servers start together:
    the second insert is refused by the storage (``records.add``) and nothing changes. The record
    has no date, so two data folders started apart hold the same one (``survey data copy``)."""
    if svc.structures.get(DEFAULT_ID) is None:
        svc.structures.add(Structure(DEFAULT_ID, DEFAULT_NAME))


# -- what an account may see -------------------------------------------------------------------


def is_network(account: dict | None) -> bool:
    return account is not None and account.get("role") == ROLE_NETWORK


def campaign_owner(campaign: Campaign) -> str:
    return campaign.structure_id or DEFAULT_ID


def structure_of_campaign(svc: Services, campaign_id: str) -> str:
    """The structure of a campaign named by its id ("" when it is not stored): what a journal
    entry about it records, so that its structure's coordinators read it."""
    campaign = svc.campaigns.get(campaign_id)
    return campaign_owner(campaign) if campaign is not None else ""


def entry_structure(account: dict | None) -> str:
    """The structure a journal entry written by this account belongs to, when it is about no
    campaign: the account's structure, or the network's alone for a network coordinator."""
    if account is None:
        return ""
    return NETWORK_ENTRY if is_network(account) else owner_of(account)


def may_see(account: dict | None, campaign: Campaign) -> bool:
    """Whether this coordinator account may see the campaign and everything in it."""
    if account is None:
        return False
    return is_network(account) or owner_of(account) == campaign_owner(campaign)


def may_see_record(account: dict | None, record: dict) -> bool:
    """The same rule for a record that names its structure (journal entry, upload token)."""
    if account is None:
        return False
    return is_network(account) or owner_of(account) == owner_of(record)


def visible_campaigns(svc: Services, account: dict | None) -> list[Campaign]:
    return [c for c in svc.campaigns.all() if may_see(account, c)]


def journal_entries(svc: Services, account: dict | None) -> Iterator[dict]:
    """The journal as this account may read it, in the order written: a network coordinator
    reads every entry, a structure's coordinator those of their structure (entries written
    before structures existed are the default structure's)."""
    return (entry for entry in svc.journal.all() if may_see_record(account, entry))


# -- choosing a structure ------------------------------------------------------------------------


def structure_for_new_campaign(svc: Services, account: dict | None, chosen: str = "") -> str:
    """The structure a new campaign belongs to: the coordinator's own; a network coordinator
    chooses one (their own when they choose none)."""
    own = owner_of(account or {})
    if not is_network(account) or not chosen or chosen == own:
        return own
    if svc.structures.get(chosen) is None:
        raise StructureError("Cette structure n'existe pas : choisissez-en une dans la liste.")
    return chosen


def token_structure(svc: Services, account: dict | None, campaign_id: str) -> str:
    """The structure a hand-over token belongs to, and with it the campaign it brings: the
    campaign's when it is already on the instance (refused, as unknown, to a coordinator of
    another structure), else the structure of the coordinator who makes the token."""
    existing = svc.campaigns.get(campaign_id)
    if existing is None:
        return owner_of(account or {})
    if not may_see(account, existing):
        raise StructureError(
            f"L'identifiant « {campaign_id} » est déjà pris sur l'instance : demandez à l'ordinateur "
            "portable d'envoyer sa campagne sous un autre identifiant, ou à la coordination du réseau."
        )
    return campaign_owner(existing)


def structure_choices(svc: Services) -> list[Structure]:
    """Every structure, the default one first even before it is stored."""
    stored = svc.structures.all()
    if not any(s.id == DEFAULT_ID for s in stored):
        stored.insert(0, svc.structures.owning(DEFAULT_ID))
    return stored


# -- the network's pages ---------------------------------------------------------------------------


def create_structure(svc: Services, identifier: str, name: str, contact: str = "") -> Structure:
    structure = Structure(
        id=(identifier or "").strip().lower(),
        name=(name or "").strip(),
        contact=(contact or "").strip(),
        created_at=utc_now(),
    )
    problems = validate(structure)
    if problems:
        raise StructureError(" ".join(problems))
    if not svc.structures.add(structure):
        raise StructureError(f"L'identifiant « {structure.id} » est déjà pris : choisissez-en un autre.")
    return structure


@dataclass
class StructureFigures:
    structure: Structure
    campaigns: list[tuple[Campaign, int]] = field(default_factory=list)  # each with its answer count
    coordinators: list[str] = field(default_factory=list)

    @property
    def answers(self) -> int:
        return sum(count for _, count in self.campaigns)


def network_figures(svc: Services) -> list[StructureFigures]:
    """Every structure with its campaigns, their answer counts and its coordinators. The counts
    are the stores' kept counts (``answers.count``): no answer is read."""
    by_id = {s.id: StructureFigures(s) for s in structure_choices(svc)}
    for campaign in svc.campaigns.all():
        owner = campaign_owner(campaign)
        if owner not in by_id:  # a campaign naming a structure that is not stored: shown under its id
            by_id[owner] = StructureFigures(svc.structures.owning(owner))
        by_id[owner].campaigns.append((campaign, svc.answers.count(campaign.id)))
    for account in svc.accounts.all():
        owner = owner_of(account)
        if owner in by_id and not is_network(account):
            by_id[owner].coordinators.append(account.get("name") or account.get("id", ""))
    return list(by_id.values())


def network_accounts(svc: Services) -> list[str]:
    return sorted(a.get("name") or a.get("id", "") for a in svc.accounts.all() if is_network(a))


# -- what is shared by every structure of an instance ----------------------------------------------


def may_change_instance(svc: Services, account: dict | None) -> bool:
    """The address printed on posters and the team's Wi-Fi belong to the instance: on a laptop
    with one structure its coordinators change them; once there are several structures, only
    the network's coordinators do (a structure must not reprint another's posters)."""
    return account is not None and (is_network(account) or len(svc.structures.all()) <= 1)


def may_edit_questionnaire(svc: Services, account: dict | None, questionnaire_id: str) -> bool:
    """A questionnaire is shared by the campaigns that use it: a structure's coordinator edits
    one only when every campaign using it is their structure's (a copy is always possible)."""
    if account is None:
        return False
    return is_network(account) or all(
        may_see(account, c) for c in svc.campaigns.all() if c.questionnaire == questionnaire_id
    )
