"""A survey's texts in English and Spanish (django-modeltranslation).

Only the texts are translated: answers store the question's and the choice's
ids (and a choice's ``value``), so answers given on the Spanish page count
under the same question and choice as the English ones.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Question, Section, Survey


@register(Survey)
class SurveyTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("title", "description")


@register(Section)
class SectionTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("title", "description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("prompt", "help_text", "likert_labels")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("label",)
