# AIMS governance portal: production image (gunicorn; the same image runs the
# Celery worker and beat, see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIMS_DATA_DIR=/data \
    GUNICORN_WORKERS=3 \
    GUNICORN_TIMEOUT=120 \
    GUNICORN_MAX_REQUESTS=1000

# Runtime libraries for WeasyPrint (PDF reports).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 aims \
 && useradd --system --uid 10001 --gid aims --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin aims \
 && mkdir -p /data \
 && chown aims:aims /data

WORKDIR /app

# Dependencies first, so code changes don't reinstall them. requirements.lock also
# pins the `dev` extra (pytest, playwright, ruff, factory-boy: roughly 60 MB the
# server never imports); installing it as is keeps the image on exactly the
# versions CI tested. A separate production lock would make the image smaller.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# Editable, so the code lives once, in /app (which gunicorn and manage.py import).
RUN pip install --no-deps -e .

# Static files are collected at build time with the production storage (whitenoise's
# manifest storage, chosen by DJANGO_DEBUG=0), so the settings' production checks
# need values here. They exist only for this RUN line: no database or Redis is
# contacted, and the key is a throwaway (build args are visible in the image history).
ARG COLLECTSTATIC_SECRET_KEY=collectstatic-only-not-a-secret
RUN DJANGO_DEBUG=0 \
    SECRET_KEY="$COLLECTSTATIC_SECRET_KEY" \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    AIMS_DATA_DIR=/tmp/aims-build \
    python manage.py collectstatic --noinput \
 && rm -rf /tmp/aims-build

USER aims
EXPOSE 8000

# /healthz is exempt from the HTTPS redirect; ALLOWED_HOSTS must include 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# gunicorn, set explicitly (docker-compose.yml passes the same variables):
# - sync workers, GUNICORN_WORKERS of them (2-4 per core): every page is a few
#   database queries and server-side rendering, no long polling;
# - --timeout 120 (default 30): a sync worker is killed when one request keeps it
#   busy longer, and a streamed CSV or an XLSX of a whole large register is one
#   request that runs for tens of seconds; PDF packs run in the Celery worker, so
#   120 s only cuts off what is really stuck;
# - --graceful-timeout 30: a deploy lets running downloads finish;
# - --max-requests with jitter: each worker is replaced after that many requests,
#   so memory a long export or pack preview left behind is given back.
CMD ["sh", "-c", "exec gunicorn aims.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --timeout \"${GUNICORN_TIMEOUT:-120}\" --graceful-timeout 30 --keep-alive 5 --max-requests \"${GUNICORN_MAX_REQUESTS:-1000}\" --max-requests-jitter 100 --access-logfile - --error-logfile -"]
