"""Vocabularies shared by every app: sectors, US states and territories."""

from django.db import models


class Sector(models.TextChoices):
    """The sectors of the call for applications, eligibility criterion 5."""

    HEALTH_CARE = "health_care", "Health care"
    PUBLIC_HEALTH = "public_health", "Public health"
    BEHAVIORAL_HEALTH = "behavioral_health", "Behavioral health"
    HOUSING = "housing", "Housing"
    HUMAN_SERVICES = "human_services", "Human services"
    COMMUNITY_DEVELOPMENT = "community_development", "Community development"
    EDUCATION = "education", "Education"
    TRANSPORTATION = "transportation", "Transportation"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice"
    PUBLIC_SAFETY = "public_safety", "Public safety"
    PRIVATE_SECTOR = "private_sector", "Private sector"
    OTHER = "other", "Other"


# The health sectors, for "variety of non-health sectors among partners".
HEALTH_SECTORS = frozenset(
    {Sector.HEALTH_CARE, Sector.PUBLIC_HEALTH, Sector.BEHAVIORAL_HEALTH}
)


class USState(models.TextChoices):
    """US states, the District of Columbia and the territories."""

    AL = "AL", "Alabama"
    AK = "AK", "Alaska"
    AZ = "AZ", "Arizona"
    AR = "AR", "Arkansas"
    CA = "CA", "California"
    CO = "CO", "Colorado"
    CT = "CT", "Connecticut"
    DE = "DE", "Delaware"
    DC = "DC", "District of Columbia"
    FL = "FL", "Florida"
    GA = "GA", "Georgia"
    HI = "HI", "Hawaii"
    ID = "ID", "Idaho"
    IL = "IL", "Illinois"
    IN = "IN", "Indiana"
    IA = "IA", "Iowa"
    KS = "KS", "Kansas"
    KY = "KY", "Kentucky"
    LA = "LA", "Louisiana"
    ME = "ME", "Maine"
    MD = "MD", "Maryland"
    MA = "MA", "Massachusetts"
    MI = "MI", "Michigan"
    MN = "MN", "Minnesota"
    MS = "MS", "Mississippi"
    MO = "MO", "Missouri"
    MT = "MT", "Montana"
    NE = "NE", "Nebraska"
    NV = "NV", "Nevada"
    NH = "NH", "New Hampshire"
    NJ = "NJ", "New Jersey"
    NM = "NM", "New Mexico"
    NY = "NY", "New York"
    NC = "NC", "North Carolina"
    ND = "ND", "North Dakota"
    OH = "OH", "Ohio"
    OK = "OK", "Oklahoma"
    OR = "OR", "Oregon"
    PA = "PA", "Pennsylvania"
    RI = "RI", "Rhode Island"
    SC = "SC", "South Carolina"
    SD = "SD", "South Dakota"
    TN = "TN", "Tennessee"
    TX = "TX", "Texas"
    UT = "UT", "Utah"
    VT = "VT", "Vermont"
    VA = "VA", "Virginia"
    WA = "WA", "Washington"
    WV = "WV", "West Virginia"
    WI = "WI", "Wisconsin"
    WY = "WY", "Wyoming"
    AS = "AS", "American Samoa"
    GU = "GU", "Guam"
    MP = "MP", "Northern Mariana Islands"
    PR = "PR", "Puerto Rico"
    VI = "VI", "U.S. Virgin Islands"
    UM = "UM", "U.S. Minor Outlying Islands"
    OUTSIDE = "XX", "Outside the United States"


US_TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI", "UM"})
