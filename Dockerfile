# Opt-Out Guide: one image for the web server (gunicorn) and the task worker (manage.py db_worker).
# Build: docker build -t opt-out-guide .   Run: see compose.yaml and docs/DEPLOY.md.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_CACHE_HOME=/tmp/cache

# WeasyPrint's system libraries (Pango, HarfBuzz with subsetting, fontconfig) for the PDFs, and poppler's
# pdftotext for /verify/'s page-text check; the PDFs'
# own fonts ship in static/. psycopg[binary] brings its own libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-dejavu-core \
        poppler-utils \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user that owns nothing but var/ (the development evidence key is never used here).
RUN groupadd --system app && useradd --system --gid app --home-dir /app --no-create-home app

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected (hashed and compressed for whitenoise) at build time. The settings need
# a SECRET_KEY to load; this one exists only during this step and signs nothing.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input \
    && mkdir -p var && chown app:app var

USER app
EXPOSE 8000

# Three sync workers suit a 2-core machine; no access log, because request lines carry ids and
# addresses (the reverse proxy decides what it logs). /dev/shm keeps gunicorn's heartbeat off disk.
# No control socket: nothing uses it, and its default place ($HOME/.gunicorn) is not writable here.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--worker-tmp-dir", "/dev/shm", "--no-control-socket", "--max-requests", "2000", "--max-requests-jitter", "200"]
