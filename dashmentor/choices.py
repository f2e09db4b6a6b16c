"""Vocabularies shared by every app: sectors, US states and territories."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """The sectors of the call for applications, eligibility criterion 5."""

    HEALTH_CARE = "health_care", _("Health care")
    PUBLIC_HEALTH = "public_health", _("Public health")
    BEHAVIORAL_HEALTH = "behavioral_health", _("Behavioral health")
    HOUSING = "housing", _("Housing")
    HUMAN_SERVICES = "human_services", _("Human services")
    COMMUNITY_DEVELOPMENT = "community_development", _("Community development")
    EDUCATION = "education", _("Education")
    TRANSPORTATION = "transportation", _("Transportation")
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice")
    PUBLIC_SAFETY = "public_safety", _("Public safety")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    OTHER = "other", _("Other")


# The health sectors, for "variety of non-health sectors among partners".
HEALTH_SECTORS = frozenset(
    {Sector.HEALTH_CARE, Sector.PUBLIC_HEALTH, Sector.BEHAVIORAL_HEALTH}
)


class USState(models.TextChoices):
    """US states, the District of Columbia and the territories."""

    AL = "AL", _("Alabama")
    AK = "AK", _("Alaska")
    AZ = "AZ", _("Arizona")
    AR = "AR", _("Arkansas")
    CA = "CA", _("California")
    CO = "CO", _("Colorado")
    CT = "CT", _("Connecticut")
    DE = "DE", _("Delaware")
    DC = "DC", _("District of Columbia")
    FL = "FL", _("Florida")
    GA = "GA", _("Georgia")
    HI = "HI", _("Hawaii")
    ID = "ID", _("Idaho")
    IL = "IL", _("Illinois")
    IN = "IN", _("Indiana")
    IA = "IA", _("Iowa")
    KS = "KS", _("Kansas")
    KY = "KY", _("Kentucky")
    LA = "LA", _("Louisiana")
    ME = "ME", _("Maine")
    MD = "MD", _("Maryland")
    MA = "MA", _("Massachusetts")
    MI = "MI", _("Michigan")
    MN = "MN", _("Minnesota")
    MS = "MS", _("Mississippi")
    MO = "MO", _("Missouri")
    MT = "MT", _("Montana")
    NE = "NE", _("Nebraska")
    NV = "NV", _("Nevada")
    NH = "NH", _("New Hampshire")
    NJ = "NJ", _("New Jersey")
    NM = "NM", _("New Mexico")
    NY = "NY", _("New York")
    NC = "NC", _("North Carolina")
    ND = "ND", _("North Dakota")
    OH = "OH", _("Ohio")
    OK = "OK", _("Oklahoma")
    OR = "OR", _("Oregon")
    PA = "PA", _("Pennsylvania")
    RI = "RI", _("Rhode Island")
    SC = "SC", _("South Carolina")
    SD = "SD", _("South Dakota")
    TN = "TN", _("Tennessee")
    TX = "TX", _("Texas")
    UT = "UT", _("Utah")
    VT = "VT", _("Vermont")
    VA = "VA", _("Virginia")
    WA = "WA", _("Washington")
    WV = "WV", _("West Virginia")
    WI = "WI", _("Wisconsin")
    WY = "WY", _("Wyoming")
    AS = "AS", _("American Samoa")
    GU = "GU", _("Guam")
    MP = "MP", _("Northern Mariana Islands")
    PR = "PR", _("Puerto Rico")
    VI = "VI", _("U.S. Virgin Islands")
    UM = "UM", _("U.S. Minor Outlying Islands")
    OUTSIDE = "XX", _("Outside the United States")


US_TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI", "UM"})
