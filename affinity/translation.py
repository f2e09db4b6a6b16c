"""An affinity group's texts in English and Spanish (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Group


@register(Group)
class GroupTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = (
        "topic",
        "description",
        "learning_goals",
        "expectations_before",
        "expectations_during",
        "expectations_after",
        "cadence",
    )
