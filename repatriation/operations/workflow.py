"""The case-workflow steps that follow from transit: depart, arrive, admit.

They are taken by the operations services when boarding, arrival and admission are
recorded, never by a button on the case page.
"""

from django.utils.translation import gettext_lazy as _

from returnees.models import CaseStatus
from returnees.workflow import Transition, register


def _boarded_on_an_active_operation(returnee) -> str | None:
    from .models import Boarding, Operation

    if Boarding.objects.filter(
        entry__returnee=returnee,
        status=Boarding.Status.BOARDED,
        entry__operation__status__in=Operation.ACTIVE_STATUSES,
    ).exists():
        return None
    return str(_("The person has not boarded a leg of an active operation."))


def _arrived_home(returnee) -> str | None:
    from .models import Boarding

    if Boarding.objects.filter(
        entry__returnee=returnee,
        status=Boarding.Status.BOARDED,
        leg__arrives_home=True,
        leg__actual_arrival__isnull=False,
    ).exists():
        return None
    return str(_("The person's arrival at the home airport is not recorded."))


def register_transitions() -> None:
    from dataclasses import replace

    from returnees.workflow import TRANSITIONS

    # Reopening verification would strand someone already on a wave's manifest.
    reopen = TRANSITIONS["reopen_verification"]
    if _not_on_an_active_manifest not in reopen.preconditions:
        register(replace(reopen, preconditions=(*reopen.preconditions, _not_on_an_active_manifest)))
    register(
        Transition(
            "depart",
            _("Depart"),
            frozenset({CaseStatus.CLEARED}),
            CaseStatus.IN_TRANSIT,
            (_boarded_on_an_active_operation,),
            manual=False,
        )
    )
    register(
        Transition(
            "arrive",
            _("Arrive"),
            frozenset({CaseStatus.IN_TRANSIT}),
            CaseStatus.ARRIVED,
            (_arrived_home,),
            manual=False,
        )
    )
    register(
        Transition(
            "admit",
            _("Admit to adaptation"),
            frozenset({CaseStatus.ARRIVED}),
            CaseStatus.ADAPTATION,
            manual=False,
        )
    )
    register(
        Transition(
            "stay_behind",
            _("Stay behind at a transit point"),
            frozenset({CaseStatus.IN_TRANSIT}),
            CaseStatus.CLEARED,
            manual=False,
        )
    )


def _not_on_an_active_manifest(returnee) -> str | None:
    from .models import ManifestEntry, Operation

    if ManifestEntry.objects.filter(
        returnee=returnee, operation__status__in=Operation.ACTIVE_STATUSES
    ).exists():
        return str(_("The person is on the manifest of an active operation; take them off first."))
    return None
