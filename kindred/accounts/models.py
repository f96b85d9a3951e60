from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Titles that open a full name but are not what anyone is called by (English and Spanish).
TITLES = frozenset(
    [
        "dr",
        "dra",
        "doctor",
        "doctora",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "sr",
        "sra",
        "srta",
        "sir",
        "dame",
        "rev",
        "fr",
        "lic",
        "licda",
        "ing",
        "don",
        "doña",
    ]
)


def first_name_of(full_name: str) -> str:
    """The first word of a full name that is not a title; "" when none is left."""
    for word in full_name.split():
        if word.strip(".,").casefold() not in TITLES:
            return word.strip(",")
    return ""


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff, mentor, referrer. Families never need an account."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_name = models.CharField(
        _("name to greet you by"),
        max_length=100,
        blank=True,
        default="",
        # Rows written by code that predates the field (an older migration's model) get "".
        db_default="",
        help_text=_("What Kindred calls you, e.g. Rosa. Left empty, your first name is used."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The name the person chose to be called; else their first name, past any title
        ("Dr. Rosa Alvarez" is greeted as Rosa)."""
        return self.preferred_name.strip() or first_name_of(self.full_name) or self.email

    def get_session_auth_hash(self) -> str:
        """The session check's hash. The cached person record (programs/person.py) carries it
        instead of the password hash, which never leaves the database; a user loaded with its
        password uses Django's own."""
        if "password" not in self.__dict__ and "_kindred_session_hash" in self.__dict__:
            return str(self.__dict__["_kindred_session_hash"])
        return super().get_session_auth_hash()

    def end_sessions(self) -> int:
        """Sign this person out everywhere, at once (deactivation, password change)."""
        keys = list(self.session_records.values_list("session_key", flat=True))
        deleted, _ = Session.objects.filter(session_key__in=keys).delete()
        # Sessions are read from the shared cache first (cached_db): forget them there too.
        prefix = getattr(
            import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", ""
        )
        if prefix:
            cache.delete_many([prefix + key for key in keys])
        self.session_records.all().delete()
        return deleted


class SessionRecord(models.Model):
    """Which server-side sessions belong to whom, so they can be ended at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_records")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class RememberedDevice(models.Model):
    """A browser a person asked to remember after their second factor: for up to 30 days it
    signs in with the password alone. The cookie holds a random token; only its SHA-256 is
    stored, so the table does not let anyone forge one. A reset by an administrator, a new
    password or "forget my devices" deletes the rows."""

    MAX_DAYS = 30

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="remembered_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_remembereddevice_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"remembered device of {self.user_id}"
