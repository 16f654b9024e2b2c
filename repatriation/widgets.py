"""Form widgets shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the user's language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)
