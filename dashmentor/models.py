"""People, organizations and the audit log: what every app stands on."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Sector, USState

TIME_ZONE_CHOICES = sorted(
    (name, name.replace("_", " "))
    for name in zoneinfo.available_timezones()
    if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/"))
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone."), params={"value": value}
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        from .signin import normalize_login

        # The lockout counts the login in the same spelling (dashmentor/signin.py).
        return self.get(email__iexact=normalize_login(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login.

    Roles are not a field: a user is program staff when ``is_staff`` is set, a
    reviewer when ``is_reviewer`` is set, a mentor through a mentorship, a mentee
    through a cohort membership, an applicant through an applicant organization.
    ``dashmentor.roles`` reads them all in one place.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(max_length=200, verbose_name=_("full name"))
    title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    time_zone = models.CharField(
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default=settings.PORTAL_DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        verbose_name=_("time zone"),
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The portal's pages and e-mails in this language; empty: the browser's."
        ),
        verbose_name=_("language"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    is_staff = models.BooleanField(
        _("program staff"),
        default=False,
        help_text=_("Program office staff: the admin and every staff page."),
    )
    is_reviewer = models.BooleanField(
        _("reviewer"),
        default=False,
        help_text=_("May be assigned applications to score."),
    )
    is_external_reviewer = models.BooleanField(
        default=False,
        help_text=_(
            "An invited reviewer from outside the program office; "
            "sees blinded applications when the round is blind."
        ),
        verbose_name=_("is external reviewer"),
    )
    email_confirmed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("email confirmed at")
    )
    date_joined = models.DateTimeField(
        default=timezone.now, verbose_name=_("date joined")
    )
    calendar_token = models.CharField(
        max_length=64, blank=True, db_index=True, verbose_name=_("calendar token")
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Organization(models.Model):
    """An applicant, mentor or partner organization."""

    class Kind(models.TextChoices):
        APPLICANT = "applicant", _("Applicant organization")
        MENTOR = "mentor", _("Mentor organization")
        PARTNER = "partner", _("Partner organization")
        FUNDER = "funder", _("Funder")

    class OrgType(models.TextChoices):
        PUBLIC = "public", _("Public entity")
        NONPROFIT = "501c3", _("501(c)(3) nonprofit")
        OTHER = "other", _("Other")

    name = models.CharField(_("legal name"), max_length=255)
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.APPLICANT,
        verbose_name=_("kind"),
    )
    org_type = models.CharField(
        _("organization type"), max_length=10, choices=OrgType.choices, blank=True
    )
    sector = models.CharField(
        _("primary sector"),
        max_length=40,
        choices=Sector.choices,
        blank=True,
        help_text=_("The sector the organization itself works in."),
    )
    ein = models.CharField(
        _("EIN"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{2}-\d{7}$", _("Enter the EIN as nine digits, like 12-3456789.")
            )
        ],
        help_text=_("Employer Identification Number, like 12-3456789."),
    )
    address_line1 = models.CharField(_("address"), max_length=255, blank=True)
    address_line2 = models.CharField(_("address (line 2)"), max_length=255, blank=True)
    city = models.CharField(max_length=120, blank=True, verbose_name=_("city"))
    state = models.CharField(
        _("state or territory"), max_length=2, choices=USState.choices, blank=True
    )
    postal_code = models.CharField(_("ZIP code"), max_length=20, blank=True)
    country = models.CharField(
        max_length=80, default="United States", blank=True, verbose_name=_("country")
    )
    website = models.URLField(blank=True, verbose_name=_("website"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organizations",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in an organization."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")
        MENTOR = "mentor", _("Mentor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(
        max_length=20, choices=Role.choices, default=Role.MEMBER, verbose_name=_("role")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_org"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.get_role_display()})"


class AuditEvent(models.Model):
    """Who did what to which record, with the values before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(max_length=80, db_index=True, verbose_name=_("action"))
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("content type"),
    )
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(
        max_length=255, blank=True, verbose_name=_("object repr")
    )
    before = models.JSONField(default=dict, blank=True, verbose_name=_("before"))
    after = models.JSONField(default=dict, blank=True, verbose_name=_("after"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        who = self.actor or "system"
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {who}: {self.action} {self.object_repr}"
        )
