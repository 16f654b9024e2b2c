"""factory_boy factories for the records the tests need."""

import itertools
from datetime import date

import factory
from django.contrib.auth.models import Group

from rehabilitation.models import Centre, Placement
from repatriation.accounts.models import DataSharingAgreement, Organisation, User
from repatriation.operations.models import ManifestEntry, Operation
from returnees.models import CaseStatus, Returnee, Sex

_case_numbers = itertools.count(1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MINISTRY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-9")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted.value))
        if create:
            self.save()


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Centre {n}")
    region = "Almaty"
    operator = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.CENTRE_OPERATOR)
    capacity = 50


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation

    code = factory.Sequence(lambda n: f"OP-T-{n:03d}")
    name = factory.Sequence(lambda n: f"Wave {n}")
    origin_country = "SY"
    status = Operation.Status.ACTIVE
    planned_departure = date(2026, 11, 20)


class ReturneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Returnee
        skip_postgeneration_save = True

    # A range registration never reaches in tests, so the two never collide.
    case_number = factory.LazyFunction(lambda: f"KZ-2019-{900000 + next(_case_numbers):06d}")
    primary_name = "Айгерим Нурланқызы"
    name_latin = "Aigerim Nurlankyzy"
    sex = Sex.FEMALE
    date_of_birth = date(1990, 3, 14)
    status = CaseStatus.PLACED
    phone = "+7 701 555 12 34"

    @factory.post_generation
    def names(self, create, extracted, **kwargs):
        """Index the names as registration does, so search finds factory-made people."""
        if not create:
            return
        from returnees.models import NationalityVerification, ReturneeName
        from returnees.services import name_row

        rows = [name_row(self, self.primary_name, ReturneeName.Kind.NAME, True)]
        if self.name_latin and self.name_latin != self.primary_name:
            rows.append(name_row(self, self.name_latin, ReturneeName.Kind.NAME, False))
        ReturneeName.objects.bulk_create(rows)
        NationalityVerification.objects.create(
            returnee=self,
            claimed_nationality=self.claimed_nationality,
            decision=self.verification_status,
        )


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    returnee = factory.SubFactory(ReturneeFactory)
    centre = factory.SubFactory(CentreFactory)
    kind = Placement.Kind.RESIDENTIAL
    started_on = date(2026, 1, 10)


class ManifestEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManifestEntry

    operation = factory.SubFactory(OperationFactory)
    returnee = factory.SubFactory(ReturneeFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSharingAgreement

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.INTERNATIONAL)
    title = factory.Sequence(lambda n: f"Agreement {n}")
    read_field_groups = ["identity", "education"]
    write_field_groups = ["education"]
    valid_from = date(2024, 1, 1)
    valid_until = date(2030, 12, 31)


def pdf_bytes() -> bytes:
    """A real one-page PDF, as uploads must be."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
