"""Settings read from the environment; deploy/README.md lists every variable."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from aduan import embedded
from aduan.broker import broker_settings
from aduan.paths import PACKAGE_DIR, state_dir

STATE_DIR = state_dir()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("ADUAN_DEBUG", False)
# A deployment must set its own key; the fallback only serves the local demo and tests.
SECRET_KEY = os.environ.get("ADUAN_SECRET_KEY", "aduan-local-demo-key-not-for-production")
BASE_DOMAIN = os.environ.get("ADUAN_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1", "[::1]"] + [
    h for h in os.environ.get("ADUAN_ALLOWED_HOSTS", "").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ADUAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# DATABASE_URL unset: start (or reuse) the embedded PostgreSQL under STATE_DIR.
DATABASE_URL = os.environ.get("DATABASE_URL") or embedded.ensure_running(STATE_DIR)
DATABASES = {
    "default": {
        **dj_database_url.parse(DATABASE_URL),
        "ENGINE": "aduan.postgresql",  # django-tenants' backend (see aduan/postgresql/base.py)
        # Each backend caches the catalog of every schema it touched; at thousands of
        # schemas that grows without bound, so connections are recycled.
        "CONN_MAX_AGE": int(os.environ.get("ADUAN_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
    }
}
# A streaming replica of the primary, where configured: reports and public statistics read
# from it (aduan.db.reporting_alias / aduan.db.reporting); nothing is migrated there.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL),
        "ENGINE": "aduan.postgresql",  # django-tenants' backend (see aduan/postgresql/base.py)
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ("aduan.db.ReportingRouter", "django_tenants.routers.TenantSyncRouter")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SHARED_APPS = [
    "django_tenants",
    "aduan.apps.AduanConfig",
    "tenants.apps.TenantsConfig",
    "routing.apps.RoutingConfig",
    "billing.apps.BillingConfig",
    "integrations.apps.IntegrationsConfig",
    # The complaint side's public tables (SLA deadline index, local holidays, staff
    # notifications): read across all tenants by one sweep, so in the public schema only.
    "complaints.public.apps.ComplaintsPublicConfig",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_dramatiq",
    "dramatiq_crontab",
    # Sign-in: lockout after failed logins, TOTP second factor (users live in public).
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Also shared: its (empty) public tables keep Django's delete collector working in the
    # public schema; the grants themselves live in each tenant schema (see TENANT_APPS).
    "guardian",
]
# Every table here is multiplied by the number of tenants: keep it to what is truly per tenant.
TENANT_APPS = [
    "complaints.apps.ComplaintsConfig",
    # Object permissions ("assigned to me") are per tenant: object ids repeat across schemas.
    "guardian",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
# guardian's schema comes from our own migrations: no cross-schema foreign keys, and a bare
# group table (Aduan grants to users, never to groups): six indexes fewer per tenant schema.
MIGRATION_MODULES = {"guardian": "tenants.migrations.guardian"}
# guardian's backend is left out on purpose: object permissions are read through
# tenants.permissions (has_object_permission, objects_for), which check the tenant schema.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
GUARDIAN_MONKEY_PATCH_USER = False  # no get_anonymous() etc. bolted onto tenants.User
GUARDIAN_MONKEY_PATCH_GROUP = False
ANONYMOUS_USER_NAME = None  # no "AnonymousUser" row: anonymous visitors get no grants

TENANT_MODEL = "tenants.Tenant"
# Send `SET search_path` only when the schema changes, not before every query: half the round
# trips of a request or a fleet migration. The backend forgets the setting on rollback/close.
TENANT_LIMIT_SET_CALLS = True
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "aduan.urls_public"
ROOT_URLCONF = "aduan.urls_tenants"
# Path-prefix access to a tenant (/t/<slug>/...), so the demo works on plain localhost.
TENANT_PATH_PREFIX = "t"

AUTH_USER_MODEL = "tenants.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address; ModelBackend checks the password.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failed logins, per username and address; a success resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("ADUAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ADUAN_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tenants.auth.two_factor.locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "aduan.ratelimit.axes_client_address"
OTP_TOTP_ISSUER = "Aduan"
# django-otp's own per-device delay is off: failed codes are counted and locked out by
# aduan.ratelimit like failed passwords, one rule for both (tenants/auth/two_factor.py).
OTP_TOTP_THROTTLE_FACTOR = 0
LOGIN_URL = "login"
# The staff home (a tenant's work queue; on the platform's host, its home with the links of
# those who govern tenants).
LOGIN_REDIRECT_URL = "console"
LOGOUT_REDIRECT_URL = "home"

MIDDLEWARE = [
    # Outermost: a database that is down answers 503 before any middleware queries it.
    "aduan.unavailable.DatabaseUnavailableMiddleware",
    # First: a NUL byte in text input is answered 400 before anything reads it.
    "aduan.guards.RejectNulMiddleware",
    # HTML compressed for a village's slow connection (static files are, by whitenoise).
    # Django's gzip pads each response randomly against BREACH (Heal The BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "aduan.middleware.TenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aduan.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff of a suspended or archived tenant may read, not write.
    "tenants.middleware.ReadOnlyTenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aduan.context_processors.platform",
            ],
        },
    }
]
WSGI_APPLICATION = "aduan.wsgi.application"

# Bahasa Indonesia first, whatever the browser asks for; English on request.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = STATE_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("ADUAN_MEDIA_ROOT", STATE_DIR / "media"))
# Complaint attachments (photos, PDF): checked by content in complaints.validation.
ADUAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("ADUAN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
ADUAN_ATTACHMENTS_MAX = int(os.environ.get("ADUAN_ATTACHMENTS_MAX", "5"))
# A form never carries more files than that; refuse a flood before it is parsed.
DATA_UPLOAD_MAX_NUMBER_FILES = ADUAN_ATTACHMENTS_MAX + 5
# A forgiving form's token lives this long (complaints.forgiving): the files held for it
# across an error are deleted by the hourly job `sweep_held_files` once older than that.
ADUAN_FORM_TOKEN_HOURS = int(os.environ.get("ADUAN_FORM_TOKEN_HOURS", "24"))
# Rate limits per client address (aduan.ratelimit), DRF's rate syntax, counted in the
# database so every process shares them. Public intake: form and API together.
ADUAN_INTAKE_RATE = os.environ.get("ADUAN_INTAKE_RATE", "30/hour")
ADUAN_RATE_LIMITS = {
    "intake": ADUAN_INTAKE_RATE,
    "lookup": os.environ.get("ADUAN_LOOKUP_RATE", "300/hour"),
    "wbs_intake": os.environ.get("ADUAN_WBS_INTAKE_RATE", "20/hour"),
    "wbs_receipt": os.environ.get("ADUAN_WBS_RECEIPT_RATE", "10/hour"),
    "sign_in": os.environ.get("ADUAN_SIGN_IN_RATE", "60/hour"),
    "privacy_code": os.environ.get("ADUAN_PRIVACY_CODE_RATE", "5/hour"),
    "code_resend": os.environ.get("ADUAN_CODE_RESEND_RATE", "5/hour"),
    "phone_code": os.environ.get("ADUAN_PHONE_CODE_RATE", "5/hour"),
    # Failed second-factor codes per user, like failed passwords: AXES_FAILURE_LIMIT per
    # AXES_COOLOFF_TIME (set below from the same variables).
    "second_factor": "{}/{}m".format(
        int(os.environ.get("ADUAN_LOGIN_FAILURE_LIMIT", "5")),
        int(os.environ.get("ADUAN_LOGIN_LOCKOUT_MINUTES", "15")),
    ),
}
# The reverse proxies in front of Aduan (addresses or networks, comma-separated): only from
# these is X-Forwarded-For believed. Unset: the peer's own address is the client's.
ADUAN_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("ADUAN_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# E-mail leaves through an SMTP server (deploy/README.md: ADUAN_EMAIL_*).
EMAIL_BACKEND = os.environ.get("ADUAN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("ADUAN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ADUAN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ADUAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ADUAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ADUAN_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("ADUAN_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("ADUAN_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("ADUAN_EMAIL_FROM", f"Aduan <noreply@{BASE_DOMAIN}>")
# Links in e-mails (invitations) start with this.
SITE_URL = os.environ.get("ADUAN_SITE_URL", "http://localhost:8000")
INVITATION_TTL_DAYS = int(os.environ.get("ADUAN_INVITATION_TTL_DAYS", "7"))

SESSION_COOKIE_HTTPONLY = True
# Cookies travel over TLS only whenever the site is served over https.
SESSION_COOKIE_SECURE = env_bool("ADUAN_SECURE_COOKIES", SITE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SITE_URL.startswith("https://"):
    # Browsers keep to https for a year, tenant subdomains included.
    SECURE_HSTS_SECONDS = int(os.environ.get("ADUAN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if ADUAN_TRUSTED_PROXIES:
    # Behind a declared TLS-terminating proxy: it says whether the client used https. Never
    # without one, or any client could claim https by sending the header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every page: scripts and styles from our own static
# files only, never inline; no plugins, no framing. Later pages (whistleblowing, citizens)
# may tighten it per view, never loosen it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "aduan.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Fail closed: an API that does not declare its access (tenants.access) is refused.
    "DEFAULT_PERMISSION_CLASSES": ["tenants.access.Undeclared"],
    "EXCEPTION_HANDLER": "aduan.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aduan API",
    "DESCRIPTION": "Public complaint handling for Indonesian government bodies.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # 3.1 (JSON Schema): a nullable nested object is `oneOf: [$ref, null]`. In 3.0 it came out as
    # `allOf: [$ref], nullable: true`, which by OAS 3.0.3 does NOT admit null (nullable needs a
    # `type` beside it), so the schema denied the nulls the API sends.
    "OAS_VERSION": "3.1.0",
    # Request and response components apart: an upload is then `format: binary` in the request,
    # not the `format: uri` of its download link.
    "COMPONENT_SPLIT_REQUEST": True,
    # A choice set used by two components needs a name of its own (else a hashed one).
    "ENUM_NAME_OVERRIDES": {"FailedKindEnum": "integrations.failed.FAILED_KINDS"},
}

# dramatiq: BROKER_URL redis:// or amqp:// picks that broker; unset, the PostgreSQL-backed
# broker on the same database, so the embedded default needs no extra service.
BROKER_URL = os.environ.get("BROKER_URL", "")
# The web server's processes (aduan.wsgi, aduan.asgi) say so: they hand jobs over without
# waiting out a database that has gone away (aduan.broker.PostgresBroker).
WEB_PROCESS = os.environ.get("ADUAN_PROCESS") == "web"
DRAMATIQ_BROKER = broker_settings(BROKER_URL, DATABASE_URL, web=WEB_PROCESS)
DRAMATIQ_AUTODISCOVER_MODULES = ["tasks", "auth.tasks"]
DRAMATIQ_CRONTAB = {"REDIS_URL": BROKER_URL if BROKER_URL.startswith("redis") else None}
# A worker that has not written its heartbeat for this long is reported down by /healthz.
WORKER_HEARTBEAT_TTL = int(os.environ.get("ADUAN_WORKER_HEARTBEAT_TTL", "45"))
# SLA reminders (complaints.sla): at the start of the n-th working day before a due day, and
# this many hours before the due moment of an hour limit.
ADUAN_SLA_REMIND_WORKING_DAYS = int(os.environ.get("ADUAN_SLA_REMIND_WORKING_DAYS", "1"))
ADUAN_SLA_REMIND_HOURS = int(os.environ.get("ADUAN_SLA_REMIND_HOURS", "4"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"aduan": {"level": os.environ.get("ADUAN_LOG_LEVEL", "INFO")}},
}

# Fleet migrations (`aduan migrate`): parallel workers, each with its own database connection,
# closed after this many tenant schemas (a backend caches the catalog of every schema it
# touched; see deploy/README.md).
FLEET_WORKERS = int(os.environ.get("ADUAN_FLEET_WORKERS", "2"))
# A web or job connection is closed at the end of the request after it has set its
# search_path to this many distinct schemas (aduan.db.recycle_spread_connection): each backend
# caches the catalog of every schema it touched, so this bounds its memory whatever the
# throughput and fleet (tests/bench/bench_intake.py's probe measured the growth).
SCHEMAS_PER_CONNECTION = int(os.environ.get("ADUAN_SCHEMAS_PER_CONNECTION", "200"))
FLEET_SCHEMAS_PER_CONNECTION = int(os.environ.get("ADUAN_FLEET_SCHEMAS_PER_CONNECTION", "200"))
# Statements of the public schema's tables outside a transaction (the request's tenant, the
# front door's village, the rate counters) run on a second connection a thread that stays in
# the public schema, where their plans are kept (aduan.db.public_connection).
ADUAN_PUBLIC_CONNECTION = env_bool("ADUAN_PUBLIC_CONNECTION", True)

# Citus (issue 24, deploy/SCALING.md): the database is a Citus coordinator with schema-based
# sharding, each tenant schema placed whole on a worker. The one code path of both engines
# then also keeps the template, plan and queue schemas local to the coordinator.
ADUAN_CITUS = env_bool("ADUAN_CITUS", False)

# Channels (integrations/): see deploy/README.md. The SMS gateway protocol is documented in
# integrations/sms/gateway.py.
ADUAN_SMS_SENDER = os.environ.get("ADUAN_SMS_SENDER", "1708")
ADUAN_SMS_GATEWAY_URL = os.environ.get("ADUAN_SMS_GATEWAY_URL", "")
ADUAN_SMS_GATEWAY_TOKEN = os.environ.get("ADUAN_SMS_GATEWAY_TOKEN", "")
ADUAN_SMS_GATEWAY_SECRET = os.environ.get("ADUAN_SMS_GATEWAY_SECRET", "")
# WhatsApp Business Cloud API (protocol: integrations/whatsapp/cloud.py).
ADUAN_WHATSAPP_API_BASE = os.environ.get("ADUAN_WHATSAPP_API_BASE", "https://graph.facebook.com")
ADUAN_WHATSAPP_API_VERSION = os.environ.get("ADUAN_WHATSAPP_API_VERSION", "v21.0")
ADUAN_WHATSAPP_ACCESS_TOKEN = os.environ.get("ADUAN_WHATSAPP_ACCESS_TOKEN", "")
ADUAN_WHATSAPP_APP_SECRET = os.environ.get("ADUAN_WHATSAPP_APP_SECRET", "")
ADUAN_WHATSAPP_VERIFY_TOKEN = os.environ.get("ADUAN_WHATSAPP_VERIFY_TOKEN", "")
# The platform's shared number (Meta's phone-number id); tenants' own numbers are data.
ADUAN_WHATSAPP_PHONE_NUMBER_ID = os.environ.get("ADUAN_WHATSAPP_PHONE_NUMBER_ID", "")
# Instagram messaging (protocol: integrations/instagram/graph.py); each tenant's account,
# app secret and access token are data (integrations.models.InstagramAccount).
ADUAN_INSTAGRAM_API_BASE = os.environ.get("ADUAN_INSTAGRAM_API_BASE", "https://graph.facebook.com")
ADUAN_INSTAGRAM_API_VERSION = os.environ.get("ADUAN_INSTAGRAM_API_VERSION", "v21.0")
# E-mail channel: inbound addresses <local>+<tenant slug>[.<tracking code>]@<domain>.
ADUAN_EMAIL_INBOUND_DOMAIN = os.environ.get("ADUAN_EMAIL_INBOUND_DOMAIN", BASE_DOMAIN)
ADUAN_EMAIL_INBOUND_LOCALPART = os.environ.get("ADUAN_EMAIL_INBOUND_LOCALPART", "aduan")
ADUAN_EMAIL_INBOUND_SECRET = os.environ.get("ADUAN_EMAIL_INBOUND_SECRET", "")
# SP4N-LAPOR! integration API (protocol, assumed: integrations/lapor/protocol.py). Tenants set
# their own credentials; these are the platform's, for front-door complaints with no holder.
ADUAN_LAPOR_API_BASE = os.environ.get("ADUAN_LAPOR_API_BASE", "https://api.lapor.go.id/v1")
ADUAN_LAPOR_CLIENT_ID = os.environ.get("ADUAN_LAPOR_CLIENT_ID", "")
ADUAN_LAPOR_CLIENT_SECRET = os.environ.get("ADUAN_LAPOR_CLIENT_SECRET", "")
# Fernet key for credentials at rest (IMAP passwords); unset: derived from the SECRET_KEY.
ADUAN_CREDENTIALS_KEY = os.environ.get("ADUAN_CREDENTIALS_KEY", "")
# Envelope encryption of personal data (aduan.envelope): the master keys that wrap each
# tenant's key, "id:base64(32 bytes)" comma-separated, the first one current (the others only
# read, until `aduan keys rotate` re-wrapped every tenant key). Unset: a development master
# key is generated and kept in STATE_DIR/master.key (the embedded default; say so at start).
ADUAN_MASTER_KEYS = os.environ.get("ADUAN_MASTER_KEYS", "")
ADUAN_MASTER_KEY_FILE = Path(os.environ.get("ADUAN_MASTER_KEY_FILE", STATE_DIR / "master.key"))

# Billing's payment gateway (billing.midtrans). Without a server key no notification is
# believed; the sandbox is https://api.sandbox.midtrans.com.
MIDTRANS_SERVER_KEY = os.environ.get("ADUAN_MIDTRANS_SERVER_KEY", "")
MIDTRANS_API_URL = os.environ.get("ADUAN_MIDTRANS_API_URL", "https://api.midtrans.com")
