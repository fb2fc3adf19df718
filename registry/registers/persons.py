"""居民花名册: the residents of the village, household by household (its pages are registry's own)."""

from django.utils.translation import gettext_lazy as _

from federation.ledgers.model_ledgers import model_ledger
from federation.web.registers import Register, declare
from registry.exports import PERSONS, person_row, persons_queryset
from registry.imports.persons import PersonImporter
from registry.models import Person

declare(
    Register(
        name="persons",
        title=str(_("居民花名册")),
        model=Person,
        list_url_name="registry:person_list",
        ledgers=(
            model_ledger(Person, "persons", PERSONS, queryset=persons_queryset, row=person_row, yearly=False),
        ),
        importer=PersonImporter,
    )
)
