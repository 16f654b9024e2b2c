"""The case-workflow step that rehabilitation owns: from adaptation to a placement."""

from django.utils.translation import gettext_lazy as _

from returnees.models import CaseStatus
from returnees.workflow import Transition, register


def _arrival_assessed(returnee) -> str | None:
    from repatriation.medical.models import MedicalAssessment, Stage

    if MedicalAssessment.objects.filter(returnee=returnee, stage=Stage.ARRIVAL).exists():
        return None
    return str(_("No arrival medical assessment is recorded."))


def register_transitions() -> None:
    register(
        Transition(
            "place",
            _("Place at a centre"),
            frozenset({CaseStatus.ADAPTATION}),
            CaseStatus.PLACED,
            (_arrival_assessed,),
            manual=False,
        )
    )
