"""How the reports index words a survey's kind inside its question."""

from django.utils import translation

from staffdesk.reports import in_sentence
from surveys.models import Survey


def test_a_surveys_kind_reads_in_a_sentence_keeping_a_name_as_it_is():
    assert in_sentence(str(Survey.Kind.CAPACITY.label)) == "All In capacity assessment"
    assert in_sentence(str(Survey.Kind.MIDPOINT.label)) == "midpoint survey"
    with translation.override("es"):
        assert in_sentence(str(Survey.Kind.MIDPOINT.label))[:1].islower()
