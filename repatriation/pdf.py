"""PDF rendering with WeasyPrint that can load only the project's own static files."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Documents are rendered against this base so that every relative URL becomes one we can map.
BASE_URL = "https://repatriation.invalid/"


def static_only_fetcher(url: str, timeout: int = 10, ssl_context=None):
    """WeasyPrint's url_fetcher: files under STATIC_URL from the project's static folders,
    nothing else (no network, no local paths)."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        raise ValueError(f"Refused to fetch {url!r}: only the project's static files are allowed.")
    relative = url[len(prefix) :].split("?", 1)[0]
    if ".." in relative.split("/"):
        raise ValueError(f"Refused to fetch {url!r}.")
    path = finders.find(relative)
    if not path:
        raise ValueError(f"No static file {relative!r}.")
    with open(path, "rb") as handle:
        data = handle.read()
    return {"string": data, "mime_type": None, "encoding": None, "redirected_url": url}


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher).write_pdf()
