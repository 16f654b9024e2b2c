"""The case list's rows, written out in Python (returnees/templatetags/case_list.py), are the
rows the template wrote: the same cells, values, escaping, links and translations."""

import re
from datetime import date

import pytest
from django.template import Context, Template
from django.utils import dateformat, translation
from django.utils.formats import date_format

from returnees.models import CaseStatus, Returnee, Sex
from returnees.selectors import ReturneePage
from returnees.templatetags import case_list
from returnees.templatetags.case_list import people_rows
from tests.factories import ReturneeFactory, UserFactory

pytestmark = pytest.mark.django_db

# The rows as the template wrote them before they moved to Python.
TEMPLATE_ROWS = Template(
    """{% load i18n ui %}{% for person in page.people %}
    <tr><td><a href="{% url 'returnees:detail' person.pk %}">{{ person.case_number }}</a></td><td><span class="script-name" dir="auto">{{ person.primary_name }}</span>{% if person.name_latin and person.name_latin != person.primary_name %} <span class="text-muted small">{{ person.name_latin }}</span>{% endif %}</td><td>{{ person|choice_label:"sex" }}</td><td>{{ person.date_of_birth|date:"SHORT_DATE_FORMAT" }}{% if person.date_of_birth_estimated %} <abbr title="{% translate 'estimated' %}">~</abbr>{% endif %}</td><td><span class="badge text-bg-light border">{{ person|choice_label:"status" }}</span></td>{% if sees_verification %}<td>{{ person|choice_label:"verification_status" }}</td>{% endif %}<td>{{ person.assigned_caseworker.get_full_name|default:"—" }}</td>{% if page.scores %}<td class="text-end">{% for pk, score in page.scores.items %}{% if pk == person.pk %}{{ score }}%{% endif %}{% endfor %}</td>{% endif %}</tr>
  {% empty %}<tr><td colspan="8" class="text-muted">{% translate "Nobody matches." %}</td></tr>{% endfor %}"""  # noqa: E501
)


def _tight(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html).strip())


@pytest.fixture
def people():
    worker = UserFactory(first_name="Dana", last_name="Seitkali")
    unnamed = UserFactory(first_name="", last_name="")
    return [
        ReturneeFactory(assigned_caseworker=worker),
        ReturneeFactory(
            primary_name="فاطمة <b>الحسن</b>",
            name_latin="Fatima & al-Hassan",
            sex=Sex.MALE,
            date_of_birth=date(2016, 1, 1),
            date_of_birth_estimated=True,
            status=CaseStatus.VERIFYING,
            verification_status="inconclusive",
            assigned_caseworker=unnamed,
        ),
        ReturneeFactory(primary_name="Ivan Petrov", name_latin="Ivan Petrov"),
        ReturneeFactory(name_latin="", status=CaseStatus.REINTEGRATION),
    ]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize("sees_verification", [True, False])
@pytest.mark.parametrize("scored", [True, False])
def test_rows_are_the_templates(people, language, sees_verification, scored):
    listed = list(
        Returnee.objects.filter(pk__in=[p.pk for p in people])
        .select_related("assigned_caseworker")
        .order_by("pk")
    )
    scores = {listed[0].pk: 97, listed[1].pk: 61} if scored else {}
    page = ReturneePage(listed, None, scores)
    with translation.override(language):
        expected = TEMPLATE_ROWS.render(
            Context({"page": page, "sees_verification": sees_verification})
        )
        written = people_rows(page, sees_verification)
    assert "&lt;b&gt;" in written and "&amp;" in written  # escaped, as the template escapes
    assert written.count("<tr>") == len(listed)
    assert _tight(written) == _tight(expected)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_empty_page_says_nobody_matches(language):
    page = ReturneePage([], None)
    with translation.override(language):
        expected = TEMPLATE_ROWS.render(Context({"page": page, "sees_verification": True}))
        written = people_rows(page, True)
    assert _tight(written) == _tight(expected)
    assert "colspan" in written


@pytest.mark.parametrize("spec", ["d.m.Y", "m/d/Y", "j/n/Y", "Y-m-d", "d m Y"])
def test_the_short_date_fast_path_writes_what_django_writes(monkeypatch, spec):
    monkeypatch.setattr(case_list, "get_format", lambda name: spec)
    written = case_list._short_date_formatter()
    for day in (date(2026, 1, 5), date(990, 12, 31), date(2009, 10, 10)):
        assert written(day) == dateformat.format(day, spec)


@pytest.mark.parametrize("spec", ["N j, Y", r"d\. m Y", "y-m-d", "{d}.m.Y"])
def test_other_short_date_formats_are_left_to_django(monkeypatch, spec):
    monkeypatch.setattr(case_list, "get_format", lambda name: spec)
    day = date(2026, 1, 5)
    assert case_list._short_date_formatter()(day) == date_format(day, "SHORT_DATE_FORMAT")
