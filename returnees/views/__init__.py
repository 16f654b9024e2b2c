"""Caseworker pages. Every view fetches its person through `policy.returnee_get_for_user`."""

from .cases import returnee_edit, returnee_index, returnee_page, returnee_transition
from .family import (
    guardianship_create,
    guardianship_visit_create,
    name_create,
    relationship_create,
    relative_create,
)
from .registration import intake_create, returnee_register_view
from .verification import document_create, document_download, evidence_create, verification_decide

__all__ = [
    "document_create",
    "document_download",
    "evidence_create",
    "guardianship_create",
    "guardianship_visit_create",
    "intake_create",
    "name_create",
    "relationship_create",
    "relative_create",
    "returnee_edit",
    "returnee_index",
    "returnee_page",
    "returnee_register_view",
    "returnee_transition",
    "verification_decide",
]
