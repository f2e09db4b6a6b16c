"""The staff workspace, the peer network and the awards read in Spanish.

The staff home, the staff messages and reports pages, the peer directory and
an award's page are rendered with the profile in Spanish: none of their
English headings and buttons may be left, and their Spanish is there.
"""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from tests.awards.factories import Awarded
from tests.peers.factories import mentee_org

pytestmark = pytest.mark.django_db

# The pages' English headings, buttons and labels, as they appear between tags.
PAGES_ENGLISH = {
    "staff home": [
        ">Program office<",
        ">What needs doing<",
        ">Tools<",
        "> Write a message<",
        ">Messages sent<",
        ">Reports<",
        ">Review due dates<",
        ">Audit trail<",
        ">Personnel changes<",
        ">The team's last actions<",
        "Nothing recorded yet.",
        "Applications to screen",
        "Eligibility to decide by hand",
        "Reviews late",
        "Decisions ready to release",
        "E-mails that failed",
        ">Awards and close-out<",
        ">Show<",
    ],
    "messages": [
        ">Messages<",
        "> Write a message<",
        ">Sent<",
        "No message sent yet.",
        "Write the first one",
        ">Saved templates<",
        "The messages you send every year",
        ">New template<",
    ],
    "reports": [
        ">Reports<",
        ">Print<",
        "Every report of the portal",
        "Applications and their scores",
        "Reviewer progress",
        ">Placement and awards<",
        ">The mentorship year<",
        ">The program office<",
        "Who changed what, and when?",
        "Late reviews",
    ],
    "peer directory": [
        ">Peer directory<",
        "Contact details stay private",
        ">Search<",
        ">Alumni only<",
        ">Clear<",
        "Any sector",
        "Any data system",
        ">Directory<",
        ">Our profile<",
        ">Introductions<",
    ],
    "award": [
        "Award of ",
        ">Award letter ",
        ">The mentorship year<",
        ">Final report<",
        "No letter has been issued yet.",
        ">Issue the award letter<",
        "The round's letter template",
        "Not started",
        "No letter yet",
        "Write the final report",
        "Open the final report",
    ],
}


def english_left(page, name: str) -> list[str]:
    text = html.unescape(page.content.decode())
    return [words for words in PAGES_ENGLISH[name] if words in text]


def spanish(user):
    user.language = "es"
    user.save()
    return user


@pytest.fixture
def staff_pages(client_as):
    awarded = Awarded()
    client = client_as(spanish(awarded.staff))
    return client, {
        "staff home": client.get(reverse("staff-home")),
        "messages": client.get(reverse("staffdesk:mailing-list")),
        "reports": client.get(reverse("staffdesk:reports")),
        "award": client.get(reverse("awards:award", args=[awarded.award.pk])),
    }


@pytest.mark.parametrize("name", ["staff home", "messages", "reports", "award"])
def test_the_staff_pages_in_spanish_have_no_english_left(staff_pages, name):
    _client, pages = staff_pages
    page = pages[name]
    assert page.status_code == 200
    assert '<html lang="es">' in page.content.decode()
    assert english_left(page, name) == []


def test_the_staff_pages_speak_spanish(staff_pages):
    _client, pages = staff_pages
    text = {name: html.unescape(page.content.decode()) for name, page in pages.items()}
    assert "Oficina del programa" in text["staff home"]
    assert "Lo que hay que hacer" in text["staff home"]
    assert "Plantillas guardadas" in text["messages"]
    assert "Solicitudes y sus puntuaciones" in text["reports"]
    assert "Adjudicación de" in text["award"]
    assert "Emitir la carta de adjudicación" in text["award"]


def test_the_peer_directory_in_spanish_has_no_english_left(client_as):
    _profile, user = mentee_org(name="Collaborative 001", state="TX")
    client = client_as(spanish(user))
    page = client.get(reverse("peers:directory"))
    assert page.status_code == 200
    assert english_left(page, "peer directory") == []
    text = html.unescape(page.content.decode())
    assert "Directorio de pares" in text and "Solo egresados" in text


def test_the_same_pages_in_english_are_found_english(client_as):
    """The check finds the English when the pages are in English."""
    awarded = Awarded()
    client = client_as(awarded.staff)
    with translation.override("en"):
        home = client.get(reverse("staff-home"))
        award = client.get(reverse("awards:award", args=[awarded.award.pk]))
    assert ">Program office<" in english_left(home, "staff home")
    assert ">Issue the award letter<" in english_left(award, "award")
