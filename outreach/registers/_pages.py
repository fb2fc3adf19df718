"""What the pages of outreach's registers share: choices of one row filled in and hidden, ``?person=``."""

#: Given to every page of an outreach register (``Register.page_attrs``).
PAGES = {
    "hidden_when_single": ("village", "township"),
    "required_for_village": ("village",),
    "initial_params": ("person", "team", "year", "village"),
}
