"""The cohorts' texts in English and Spanish (django-modeltranslation).

A mentorship's public texts are written by staff. A placement's sentences
(each applicant's explanation, the run's summary) are written by the portal
in every language when the placement is computed, so that each reader later
reads them in their own.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Mentorship, PlacementEntry, PlacementRun


@register(Mentorship)
class MentorshipTranslation(TranslationOptions):
    # ``tags`` is the list of "may be a good fit if…" lines: one list a language.
    required_languages = ("en",)
    fields = ("topic", "description", "tags")


@register(PlacementRun)
class PlacementRunTranslation(TranslationOptions):
    fields = ("objective_text",)


@register(PlacementEntry)
class PlacementEntryTranslation(TranslationOptions):
    fields = ("explanation",)
