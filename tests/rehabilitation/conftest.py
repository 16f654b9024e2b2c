"""Centre staff of several disciplines: a psychologist and a theologian at centre A (beside
the teacher of the shared `users` fixture) and a psychologist at centre B."""

import pytest
from guardian.shortcuts import assign_perm

from repatriation.accounts.roles import Discipline, Role
from tests.factories import UserFactory


def _staff(username, discipline, centre):
    user = UserFactory(username=username, role=Role.CENTRE_STAFF, discipline=discipline)
    assign_perm("rehabilitation.work_at_centre", user, centre)
    return user


@pytest.fixture
def staff(users, world):
    centre_a = world["person_a"].placements.get().centre
    centre_b = world["person_b"].placements.get().centre
    return {
        "teacher": users[Role.CENTRE_STAFF],
        "psychologist": _staff("psychologist_a", Discipline.PSYCHOLOGIST, centre_a),
        "theologian": _staff("theologian_a", Discipline.THEOLOGIAN, centre_a),
        "psychologist_b": _staff("psychologist_b", Discipline.PSYCHOLOGIST, centre_b),
        "centre_a": centre_a,
        "centre_b": centre_b,
    }
