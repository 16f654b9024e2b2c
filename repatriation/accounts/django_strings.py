"""Django's own auth strings that users see on our pages, marked so that makemessages
extracts them: Django ships them only half translated into Kazakh. Never called."""

from django.utils.translation import gettext, ngettext


def _django_auth_strings() -> None:  # pragma: no cover
    gettext("Authentication and Authorization")
    gettext("Enter the same password as before, for verification.")
    gettext(
        "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
    )
    gettext("Email")
    gettext(
        "The groups this user belongs to. A user will get all permissions granted to each of their groups."
    )
    gettext("Specific permissions for this user.")
    gettext("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.")
    gettext("email address")
    ngettext(
        "This password is too short. It must contain at least %(min_length)d character.",
        "This password is too short. It must contain at least %(min_length)d characters.",
        1,
    )
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        1,
    )
    gettext("The password is too similar to the %(verbose_name)s.")
    gettext("Your password can't be too similar to your other personal information.")
    gettext("This password is too common.")
    gettext("Your password can't be a commonly used password.")
    gettext("This password is entirely numeric.")
    gettext("Your password can't be entirely numeric.")
    gettext("Enter new password")
    gettext("Password change")
    gettext("Password change successful")
    gettext("The two password fields didn’t match.")
    gettext("Username")
    gettext("Your old password was entered incorrectly. Please enter it again.")
