"""The one settings module. Everything that differs between machines comes from the environment,
parsed strictly: a value we cannot understand stops the process instead of becoming a default."""

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("YANGGUANG_HOME", Path.cwd())).resolve()
VAR_DIR = PROJECT_DIR / "var"

# Known only so that it can be refused outside debug mode.
DEMO_SECRET_KEY = "yangguang-demo-secret-key-do-not-use-in-production"
DEMO_AUDIT_KEY = "00" * 32
DEMO_PII_KEY = "11" * 16


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1", "yes", "on"):
        return True
    if raw.lower() in ("false", "0", "no", "off"):
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 只能是 true 或 false，收到 {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 必须是整数，收到 {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"环境变量 {name} 不得小于 {minimum}，收到 {value}")
    return value


def env_hex_key(name: str, demo: str, nbytes: int) -> bytes:
    raw = os.environ.get(name, "")
    if not raw:
        if not DEBUG:
            raise ImproperlyConfigured(f"生产模式必须设置环境变量 {name}（{nbytes} 字节的十六进制密钥）")
        raw = demo
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 必须是十六进制字符串") from None
    if len(key) != nbytes:
        raise ImproperlyConfigured(f"环境变量 {name} 必须是 {nbytes} 字节（{nbytes * 2} 个十六进制字符）")
    if not DEBUG and raw == demo:
        raise ImproperlyConfigured(f"环境变量 {name} 不能使用演示密钥")
    return key


def parse_database_url(url: str) -> dict:
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise ImproperlyConfigured("DATABASE_URL 缺少 SQLite 数据库文件路径")
        return sqlite_database(Path(path))
    if parts.scheme in ("postgres", "postgresql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL 缺少 PostgreSQL 数据库名")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("YANGGUANG_CONN_MAX_AGE", 600, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL 只支持 sqlite:// 与 postgres://，收到 {parts.scheme or url!r}")


def sqlite_database(path: Path) -> dict:
    if not path.is_absolute():
        path = PROJECT_DIR / path
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": env_int("YANGGUANG_CONN_MAX_AGE", 600, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # Writers take the lock when the transaction begins and queue behind each other
            # (busy timeout) instead of failing half-way with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
        # A file, not shared-cache memory: the concurrency tests need real separate connections.
        "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
    }


DEBUG = env_bool("YANGGUANG_DEBUG", False)
SECRET_KEY = os.environ.get("YANGGUANG_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("生产模式必须设置环境变量 YANGGUANG_SECRET_KEY")
    SECRET_KEY = DEMO_SECRET_KEY
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("关闭调试模式时不能使用演示密钥 YANGGUANG_SECRET_KEY，请生成新的密钥")

# HMAC-SM3 key that chains the audit trail, and the SM4 key for personal data.
AUDIT_HMAC_KEY = env_hex_key("YANGGUANG_AUDIT_KEY", DEMO_AUDIT_KEY, 32)
PII_KEY = env_hex_key("YANGGUANG_PII_KEY", DEMO_PII_KEY, 16)

ALLOWED_HOSTS = [h for h in os.environ.get("YANGGUANG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("YANGGUANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "yangguang.core",
    "yangguang.disclosure",
    "yangguang.foi",
    "yangguang.services",
    "yangguang.supervision",
    "yangguang.reports",
    "yangguang.portal",
    "yangguang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yangguang.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yangguang.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yangguang.urls"
WSGI_APPLICATION = "yangguang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yangguang.supervision.context.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(VAR_DIR / "yangguang.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "yangguang.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "yangguang.core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:staff-home"
LOGOUT_REDIRECT_URL = "portal:home"

# 等保2.0 第三级: lock an account after repeated failures, end idle sessions.
AXES_FAILURE_LIMIT = env_int("YANGGUANG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("YANGGUANG_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60
# Per account, not per address: a service hall sits behind one NAT address, and locking it would
# lock every clerk in the building (hence axes.W006 is silenced below).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SESSION_COOKIE_AGE = env_int("YANGGUANG_SESSION_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("YANGGUANG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The trail is never pruned by the platform; this is the floor any archiving job must respect.
AUDIT_RETENTION_DAYS = env_int("YANGGUANG_AUDIT_RETENTION_DAYS", 180, minimum=180)

# Applications for disclosure (依申请公开).
# The staff queue turns yellow when this many working days or fewer remain before the due date.
FOI_WARNING_WORKDAYS = env_int("YANGGUANG_FOI_WARNING_WORKDAYS", 5, minimum=0)
# Public submissions per sender (keyed hash of the IP address) per hour; 0 switches the limit off.
FOI_RATE_LIMIT = env_int("YANGGUANG_FOI_RATE_LIMIT", 10, minimum=0)
# The information-processing fee standard (信息处理费); the default is 国办函〔2020〕109号. JSON with
# any of free_count, count_bands [[upto, yuan], …], step_size, step_increment, page_bands, payment_workdays.
try:
    FOI_FEE_STANDARD = json.loads(os.environ.get("YANGGUANG_FOI_FEE_STANDARD") or "{}")
except ValueError:
    raise ImproperlyConfigured("YANGGUANG_FOI_FEE_STANDARD 不是有效的 JSON") from None

# The service centre (政务服务中心).
# A case turns yellow when this many working days or fewer remain before its due date.
SERVICES_WARNING_WORKDAYS = env_int("YANGGUANG_SERVICES_WARNING_WORKDAYS", 1, minimum=0)
# Online case submissions per sender (keyed hash of the IP address) per hour; 0 switches the limit off.
SERVICES_RATE_LIMIT = env_int("YANGGUANG_SERVICES_RATE_LIMIT", 20, minimum=0)
# Supervision (监督).
# E-supervision: a case or application also turns yellow once it has used more than this share (in
# percent) of its limit, whichever comes first with the working days before the due date above.
SUPERVISION_YELLOW_SHARE_PERCENT = env_int("YANGGUANG_SUPERVISION_YELLOW_SHARE_PERCENT", 80, minimum=1)
# Notification backends by channel: a dotted path to a class with ``send(address, title, body)``.
# The console backend (the default) writes to the log; SMS and email gateways plug in here.
try:
    NOTIFY_BACKENDS = json.loads(os.environ.get("YANGGUANG_NOTIFY_BACKENDS") or "{}") or {
        "console": "yangguang.supervision.notify.ConsoleBackend",
    }
except ValueError:
    raise ImproperlyConfigured("YANGGUANG_NOTIFY_BACKENDS 不是有效的 JSON") from None
# 差评整改: verify within this many working days, rectify and reply within that many.
EVALUATION_VERIFY_WORKDAYS = env_int("YANGGUANG_EVALUATION_VERIFY_WORKDAYS", 1, minimum=1)
EVALUATION_REPLY_WORKDAYS = env_int("YANGGUANG_EVALUATION_REPLY_WORKDAYS", 15, minimum=1)
# Complaints, reports and opinions: handled within this many working days; portal submissions per
# sender (keyed hash of the IP address) per hour (0 switches the limit off).
COMPLAINT_LIMIT_WORKDAYS = env_int("YANGGUANG_COMPLAINT_LIMIT_WORKDAYS", 15, minimum=1)
COMPLAINT_RATE_LIMIT = env_int("YANGGUANG_COMPLAINT_RATE_LIMIT", 5, minimum=0)
# The public address of the portal, printed in QR codes on notices (e.g. https://zwfw.example.gov.cn).
PUBLIC_BASE_URL = os.environ.get("YANGGUANG_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("YANGGUANG_MEDIA_ROOT", VAR_DIR / "media"))
# Attachments are limited in core.attachments; this only stops absurd request bodies early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
