# The portal's image: gunicorn for the web, the same image for the Celery worker
# and beat. Front-end assets come from the npm registry in a build stage.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=dashmentor.settings
WORKDIR /app
RUN useradd --create-home --uid 1000 portal
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .
COPY . .
COPY --from=assets /build/node_modules ./node_modules
# collectstatic needs settings that import cleanly; the build-time values are
# placeholders that never reach a running container.
RUN DJANGO_PRODUCTION=1 \
    SECRET_KEY=build-only-placeholder-key-not-used-at-runtime-0123456789abcdef \
    SURVEY_SEAL_KEY=build-only-placeholder-seal-key-not-used-at-runtime \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput \
    && chown -R portal:portal /app
USER portal
EXPOSE 8000
CMD ["gunicorn", "dashmentor.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
