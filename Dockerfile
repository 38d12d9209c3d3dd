# The production image: the same Makefile entry points as the README (`make web`,
# `make worker`, `make beat`), with the virtualenv built at image build time.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app
WORKDIR /app
COPY --chown=app:app requirements.lock Makefile ./
USER app
RUN make install
COPY --chown=app:app . .
EXPOSE 8000
CMD ["make", "web"]
