# Production image: gunicorn for the web, the same image for Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=repatriation.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY repatriation ./repatriation
COPY returnees ./returnees
COPY rehabilitation ./rehabilitation
COPY reporting ./reporting
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only-collectstatic-key-0123456789abcdefghijklmnopqrstuv \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --system --home /app app && mkdir -p /app/var && chown app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "repatriation.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "5", "--timeout", "180"]
