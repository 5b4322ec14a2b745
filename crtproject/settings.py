"""Django settings for CRT.

Everything comes from the environment (django-environ) with safe local defaults:

* ``DATABASE_URL`` — unset: an embedded PostgreSQL 16 + pgvector under ``./var/`` (see
  ``crtproject/embedded.py``); production sets a real server, e.g. ``postgres://u:p@db:5432/crt``.
* ``CELERY_BROKER_URL`` — unset: an embedded Redis under ``./var/``; production sets
  ``redis://redis:6379/0``. ``CELERY_RESULT_BACKEND`` is optional (results live in our tables).
* ``SECRET_KEY`` (unset: a random key generated once into ``var/secret_key``; production sets it), ``DEBUG`` (default off), ``ALLOWED_HOSTS``.
* ``CRT_SINGLE_USER`` — off by default. Set to a username to map unauthenticated API requests to
  that user, for v0.9 clients that never sent credentials. Local, single-user setups only.
"""

from pathlib import Path

import environ

from crtproject import embedded

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # Local default: a per-checkout random key kept under var/ (gitignored), never in the repo.
    key_file = embedded.var_dir() / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_celery_beat",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "memory",
    "ledger",
    "detection",
    "learning",
]

MIDDLEWARE = [
    "crtproject.metrics.PrometheusMiddleware",  # first: times the whole stack (issue #5)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crtproject.urls"
WSGI_APPLICATION = "crtproject.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --------------------------------------------------------------------------- database
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    EMBEDDED_DATABASE = False
else:
    DATABASES = {"default": environ.Env.db_url_config(embedded.ensure_postgres())}
    EMBEDDED_DATABASE = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --------------------------------------------------------------------------- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "crtproject.authentication.SingleUserAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "crtproject.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
#: OpenAPI schema at /api/schema/, docs page at /api/docs/ (Swagger UI served locally by the sidecar
#: package: no CDN). Both need a login like the rest of the API.
SPECTACULAR_SETTINGS = {
    "TITLE": "CRT API",
    "DESCRIPTION": "Contradiction-aware memory: chat, memories and the contradiction ledger.",
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
CRT_SINGLE_USER = env.str("CRT_SINGLE_USER", default="")
#: Longest accepted chat message, in characters (issue #2; v0.9 had no limit).
CRT_MAX_MESSAGE_CHARS = 10_000
#: Upper bound of the ``wait_ms`` query parameter of /api/chat/send (seed 000: 5 s detection goal).
CRT_MAX_WAIT_MS = 5_000

# --------------------------------------------------------------------------- Celery
if env.str("CELERY_BROKER_URL", default=""):
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
    EMBEDDED_BROKER = False
else:
    CELERY_BROKER_URL = embedded.ensure_redis()
    EMBEDDED_BROKER = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_DEFAULT_QUEUE = env.str("CRT_CELERY_QUEUE", default="crt")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Reliability of detection (issue #5; docs/RUNBOOK.md). Redis redelivers a message unacked for
# visibility_timeout seconds (its worker died); it must exceed the hard time limit and the longest
# retry countdown.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CRT_BROKER_VISIBILITY_TIMEOUT_S", default=300),
                                   "socket_connect_timeout": 2}
CELERY_WORKER_SEND_TASK_EVENTS = True  # Flower shows the tasks
#: Celery's Django fix-up closes every database connection before and after each task unless this
#: is set, so each message paid a new PostgreSQL connection (~2/3 of a detection task's time when
#: its batch had already done the job; profiled 2026-11-22, docs/BENCHMARKS.md). Connections are
#: now kept, closed after errors, failed tasks or CONN_MAX_AGE by crtproject.celery, and at the
#: latest every this many tasks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_SEND_SENT_EVENT = True
#: async (publish to workers), sync (detect inside the request, the v0.9 design; benchmarks only),
#: off (publish nothing: jobs stay pending; benchmarks, maintenance). See detection/services.py.
CRT_DETECTION_MODE = env.str("CRT_DETECTION_MODE", default="async")
CRT_DETECTION_MAX_RETRIES = env.int("CRT_DETECTION_MAX_RETRIES", default=5)
CRT_DETECTION_RETRY_BACKOFF_S = env.float("CRT_DETECTION_RETRY_BACKOFF_S", default=1.0)
CRT_DETECTION_RETRY_BACKOFF_MAX_S = env.float("CRT_DETECTION_RETRY_BACKOFF_MAX_S", default=60.0)
CRT_DETECTION_SOFT_TIME_LIMIT_S = env.int("CRT_DETECTION_SOFT_TIME_LIMIT_S", default=60)
CRT_DETECTION_TIME_LIMIT_S = env.int("CRT_DETECTION_TIME_LIMIT_S", default=120)
CRT_OUTBOX_REPUBLISH_AFTER_S = env.float("CRT_OUTBOX_REPUBLISH_AFTER_S", default=30.0)
CRT_OUTBOX_LOST_AFTER_S = env.float("CRT_OUTBOX_LOST_AFTER_S", default=600.0)
CRT_OUTBOX_SWEEP_S = env.float("CRT_OUTBOX_SWEEP_S", default=10.0)
CRT_STALE_RUNNING_S = env.float("CRT_STALE_RUNNING_S", default=CRT_DETECTION_TIME_LIMIT_S + 60.0)
CRT_PUBLISH_BACKOFF_S = env.float("CRT_PUBLISH_BACKOFF_S", default=5.0)
CRT_METRICS_TOKEN = env.str("CRT_METRICS_TOKEN", default="")
#: torch intra-op threads per worker pool process: 1 avoids oversubscribing the cores that the pool
#: processes already fill (measured: 10.6 vs 3.8 jobs/s with 2 pool processes; docs/BENCHMARKS.md).
CRT_TORCH_THREADS = env.int("CRT_TORCH_THREADS", default=1)
#: Memories embedded at once by a detection task: its batch's plus those of the next pending jobs
#: (detection.services._embed_batch; 1 turns the top-up off). Baseline choice; BENCHMARKS.md.
CRT_EMBED_AHEAD = env.int("CRT_EMBED_AHEAD", default=16)
#: Jobs a detection task claims and processes together (detection.services.run_detection_batch;
#: 1 = one job per task). Measured in bench/detection_throughput.py; docs/BENCHMARKS.md.
CRT_DETECTION_BATCH = env.int("CRT_DETECTION_BATCH", default=16)
#: Batch mates' messages acknowledged by the worker's consumer without a trip through the pool
#: (detection.fastpath); off sends every message to a pool process, as before 2026-11-22.
CRT_DETECTION_FAST_ACK = env.bool("CRT_DETECTION_FAST_ACK", default=True)
#: Coalesced publishing (detection.services.notify_job): a new job sends no message while a
#: wake-up that will claim it waits in the queue; off publishes one message per job.
CRT_DETECTION_COALESCE = env.bool("CRT_DETECTION_COALESCE", default=True)
#: Expiry of the wake-up marker, ms: how long a lost wake-up can hold back publishing (baseline choice).
CRT_WAKEUP_TTL_MS = env.int("CRT_WAKEUP_TTL_MS", default=1000)
#: Gathering window of a coalescing task, ms (detection.services._linger): a wake-up waits until the
#: oldest pending job is this old before it claims, so that light traffic is claimed in batches.
#: 500: the worker used half the CPU it used with 0 at 25 and 50 load-test users, for a write →
#: ledger p95 of 0.6-0.9 s (docs/BENCHMARKS.md, session 5). Keep it below CRT_WAKEUP_TTL_MS; 0
#: claims at once.
CRT_DETECTION_LINGER_MS = env.int("CRT_DETECTION_LINGER_MS", default=500)
CELERY_BEAT_SCHEDULE = {
    "detection-outbox-sweep": {"task": "detection.republish_stale_jobs", "schedule": CRT_OUTBOX_SWEEP_S},
}

# --------------------------------------------------------------------------- embeddings
#: Batch size for sentence-transformers encode (NOTES.md: ~475 sentences/s at 64 on 2 cores).
CRT_EMBEDDING_BATCH_SIZE = env.int("CRT_EMBEDDING_BATCH_SIZE", default=64)

# --------------------------------------------------------------------------- learning (issue #7, docs/LEARNING.md)
#: Interaction log: async (Celery task, off the request), sync (in the request; tests/benchmarks), off.
CRT_LEARNING_LOG_MODE = env.str("CRT_LEARNING_LOG_MODE", default="async")
#: Tail-based sampling (seed 004): share of normal requests kept (dev 1.0; production 0.01–0.05);
#: errors, slow (>= CRT_INTERACTION_SLOW_MS), contradiction and learned-model turns are always kept.
CRT_INTERACTION_SAMPLE_RATE = env.float("CRT_INTERACTION_SAMPLE_RATE", default=1.0)
CRT_INTERACTION_SLOW_MS = env.float("CRT_INTERACTION_SLOW_MS", default=100.0)
#: Salt of the PII placeholders' hashes; empty = derived from SECRET_KEY.
CRT_PII_SALT = env.str("CRT_PII_SALT", default="")
#: A/B: share of users served by the learned models (seed 001: 10 %); changing the salt reshuffles.
CRT_AB_LEARNED_SHARE = env.float("CRT_AB_LEARNED_SHARE", default=0.10)
CRT_AB_SALT = env.str("CRT_AB_SALT", default="crt-ab-1")
#: Seconds between a process's checks for newly activated model versions (hot reload).
CRT_MODEL_RELOAD_TTL_S = env.float("CRT_MODEL_RELOAD_TTL_S", default=5.0)
#: Let web processes load MiniLM (in a background thread) for the learned slot classifier.
CRT_LEARNING_QUERY_EMBEDDINGS = env.bool("CRT_LEARNING_QUERY_EMBEDDINGS", default=True)
#: A query embedding slower than this pauses the learned slot classifier in that process for 60 s.
CRT_QUERY_EMBEDDING_BUDGET_MS = env.float("CRT_QUERY_EMBEDDING_BUDGET_MS", default=50.0)
#: Who gets auto-updates from the resolution policy: learned (the learned arm), all, off.
CRT_POLICY_AUTO_APPLY = env.str("CRT_POLICY_AUTO_APPLY", default="learned")
CRT_TRAINING_SOFT_TIME_LIMIT_S = env.int("CRT_TRAINING_SOFT_TIME_LIMIT_S", default=900)
CRT_TRAINING_TIME_LIMIT_S = env.int("CRT_TRAINING_TIME_LIMIT_S", default=960)

# --------------------------------------------------------------------------- logging
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "sentence_transformers": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}
