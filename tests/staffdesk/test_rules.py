from staffdesk import rules


def test_each_field_is_replaced_by_the_persons_value():
    text = "Dear {{ first_name }}, due {{due_date}} ({{ missing_value }})."
    assert (
        rules.merge(text, {"first_name": "Dana", "due_date": "March 3, 2027"})
        == "Dear Dana, due March 3, 2027 ()."
    )


def test_an_unknown_field_is_named_in_the_problem():
    problems = rules.check_fields("Hello {{ nickname }}")
    assert problems == [
        rules.UNKNOWN_FIELD.format(name="nickname", known=rules.field_list())
    ]


def test_a_field_an_audience_does_not_know_is_refused_naming_the_audience():
    problems = rules.check_fields(
        "Due {{ due_date }}",
        offered={"Reviewers late": {"due_date"}, "Data law: members": {"first_name"}},
    )
    assert problems == [
        rules.FIELD_NOT_OFFERED.format(name="due_date", audiences="Data law: members")
    ]


def test_known_fields_offered_by_every_audience_pass():
    assert not rules.check_fields(
        "{{ first_name }} {{ link }}", offered={"A": rules.FIELDS}
    )


def test_size_limits():
    assert rules.check_size("s" * 201, "b") == [
        rules.SUBJECT_TOO_LONG.format(length=201, limit=rules.SUBJECT_MAX)
    ]
    assert rules.check_size("s", "b" * (rules.BODY_MAX + 1)) == [
        rules.BODY_TOO_LONG.format(length=rules.BODY_MAX + 1, limit=rules.BODY_MAX)
    ]
    assert rules.check_size("s", "b") == []
