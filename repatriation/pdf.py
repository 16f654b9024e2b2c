"""PDF rendering with WeasyPrint that can load only the project's own static files."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Documents are rendered against this base so that every relative URL becomes one we can map.
BASE_URL = "https://repatriation.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves files under STATIC_URL from the project's static folders; refuses everything
    else (other hosts, local paths, data outside static)."""

    def fetch(self, url, headers=None):
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"Refused to fetch {url!r}: only the project's static files.")
        relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
        if ".." in relative.split("/"):
            raise ValueError(f"Refused to fetch {url!r}.")
        path = finders.find(relative) or _collected(relative)
        if not path:
            raise ValueError(f"No static file {relative!r}.")
        with open(path, "rb") as handle:
            data = handle.read()
        mime = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})


def _collected(relative: str) -> str | None:
    """A file in STATIC_ROOT: in production `{% static %}` names the hashed copy there."""
    if not settings.STATIC_ROOT:
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return str(path)


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
