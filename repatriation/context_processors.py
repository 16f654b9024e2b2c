from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from repatriation import policy
from repatriation.accounts.roles import Scope
from repatriation.policy import Action


def navigation(request):
    """The menu a user sees follows from the policy, never from role names in templates."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("home", _("Home"), reverse("home"))]
    if policy.can(user, Action.VIEW):
        items.append(("people", _("People"), reverse("returnees:list")))
    if policy.grants_for(user).scope == Scope.CENTRE:
        items.append(("centre", _("My centre"), reverse("rehabilitation:my_centre")))
    if policy.can(user, Action.VIEW_OPERATIONS):
        items.append(("operations", _("Operations"), reverse("operations:list")))
    if policy.can(user, Action.RECORD_MEDICAL):
        items.append(("medical", _("Medical queue"), reverse("medical:queue")))
    if policy.can(user, Action.VIEW_AGGREGATES):
        items.append(("dashboard", _("Dashboard"), reverse("reporting:dashboard")))
    if policy.can(user, Action.VIEW_AUDIT):
        items.append(("audit", _("Audit log"), reverse("audit:event_list")))
    if policy.can(user, Action.ADMINISTER):
        items.append(("admin", _("Configuration"), reverse("admin:index")))
    return {
        "nav_items": items,
        "user_roles": sorted(r.label for r in policy.grants_for(user).roles),
    }
