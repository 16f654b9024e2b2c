"""Centre staff's own pages in the browser: My centre and a resident's rehabilitation plan."""

import pytest
from django.urls import reverse

from rehabilitation.models import PlanGoal
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_centre_staff_see_their_centre_and_add_a_plan_goal(page, world):
    person = world["person_a"]
    sign_in(page, "centre_staff", PASSWORD)
    page.click("[data-nav=centre]")
    residents = page.inner_text("[data-testid=residents]")
    assert person.case_number in residents
    assert world["person_b"].case_number not in residents  # another centre's resident
    assert "1 of 50 places taken" in page.inner_text("[data-testid=capacity]")
    shot(page, "my-centre")

    page.goto(reverse("rehabilitation:plan", args=[person.pk]))
    add = page.locator("form:has(input[name=action][value=add])")
    add.locator("[name=new-domain]").select_option(index=1)
    add.locator("[name=new-description]").fill("Attend school every day in October")
    add.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=goals] >> text=Attend school every day in October")
    assert PlanGoal.objects.filter(description="Attend school every day in October").count() == 1
    assert "centre_staff" in page.inner_text("[data-testid=plan-history]")
    shot(page, "plan-goal-added")

    add = page.locator("form:has(input[name=action][value=add])")
    add.locator("button[type=submit]").click()  # nothing filled in
    page.wait_for_selector(".invalid-feedback, .alert-danger")
    assert PlanGoal.objects.count() == 1
    assert page.csp_errors == []
