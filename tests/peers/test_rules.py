"""The matching and its words, without a database."""

from peers import matching, rules

F = rules.Features


def test_two_collaborations_alike_in_words_and_systems_are_each_others_best_match():
    people = [
        F(
            key=1,
            text="a by-name list linking shelter stays with jail bookings",
            data_systems=frozenset({"hmis", "jail"}),
            sectors=frozenset({"housing", "criminal_justice"}),
            region="southwest",
        ),
        F(
            key=2,
            text="jail bookings and shelter stays matched by name",
            data_systems=frozenset({"hmis", "jail"}),
            sectors=frozenset({"housing", "criminal_justice"}),
            region="southwest",
        ),
        F(key=3, text="school attendance and child welfare", region="midwest"),
    ]
    found = matching.neighbours(people)
    assert found[1][0].other == 2
    assert found[2][0].other == 1
    assert all(m.other != 3 for m in found[1])  # nothing shared: never a match


def test_the_reason_says_what_they_share_in_words():
    a = F(
        key=1,
        data_systems=frozenset({"jail", "hmis"}),
        sectors=frozenset({"housing", "criminal_justice"}),
        region="southwest",
    )
    b = F(
        key=2,
        data_systems=frozenset({"hmis", "jail", "ehr"}),
        sectors=frozenset({"criminal_justice", "housing", "education"}),
        region="southwest",
    )
    assert rules.reason_words(a, b) == (
        "both link HMIS with jail data; both partner with criminal justice and "
        "housing; both in the Southwest"
    )


def test_regions_of_states_and_territories():
    assert rules.region_for_state("TX") == "southwest"
    assert rules.region_for_state("MI") == "midwest"
    assert rules.region_for_state("GU") == "pacific"
    assert rules.region_for_state("") == ""
    assert rules.region_for_state("XX") == ""


def test_data_systems_named_in_an_application_are_found():
    text = "We link our HMIS with the county jail and plan a 2-1-1 exchange."
    assert rules.data_systems_in(text) == {"hmis", "jail", "211"}


def test_challenges_are_one_a_line_trimmed_without_repeats():
    assert rules.challenges_parse("  a  b \n\nc\na b\n") == ["a b", "c"]


def test_a_population_larger_than_a_chunk_is_matched_whole():
    """The matrix is computed in chunks: 1,200 profiles, every one matched."""
    people = [
        F(
            key=i,
            text=f"topic{i % 12} words{i % 7} shared",
            data_systems=frozenset({f"s{i % 5}"}),
            region=f"r{i % 3}",
        )
        for i in range(1200)
    ]
    found = matching.neighbours(people, keep=5, with_reasons=False)
    assert len(found) == 1200
    assert all(len(m) == 5 for m in found.values())
