"""What staff write for a round, in English and Spanish (django-modeltranslation).

Each field below gets a column per language (``description_en``,
``description_es``) in the same table; reading ``description`` gives the
page's language, or the English where the Spanish is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Question, Round
from .outreach.models import FaqEntry, Milestone, Webinar


@register(Round)
class RoundTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("name", "description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("prompt", "help_text")


@register(FaqEntry)
class FaqEntryTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("question", "answer")


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("title", "when_text")


@register(Webinar)
class WebinarTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = ("title", "description")
