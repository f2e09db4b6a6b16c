"""A mentorship's public texts in English and Spanish (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Mentorship


@register(Mentorship)
class MentorshipTranslation(TranslationOptions):
    # ``tags`` is the list of "may be a good fit if…" lines: one list a language.
    required_languages = ("en",)
    fields = ("topic", "description", "tags")
