"""A round's award letter in English and Spanish (django-modeltranslation).

Staff write the letter's template in both languages; each award's letter is
issued in its organization's language, the Spanish falling back to the
English where it is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import RoundTerms


@register(RoundTerms)
class RoundTermsTranslation(TranslationOptions):
    required_languages = ("en",)
    fields = (
        "letter_subject",
        "letter_body",
        "expectations",
        "getting_started",
        "signatory_title",
    )
