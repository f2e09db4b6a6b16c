"""The API's pure rules: token format and the webhook signature."""

from api import rules


def test_a_token_is_long_random_and_recognisable():
    """Two tokens differ, carry the prefix, and only their hash is kept."""
    one, two = rules.token_new(), rules.token_new()
    assert one != two
    assert one.startswith("dmp_") and len(one) > 40
    assert rules.looks_like_token(one)
    assert rules.token_hash(one) != rules.token_hash(two)
    assert one not in rules.token_hash(one)
    assert rules.token_prefix(one) == one[:10]


def test_a_signature_verifies_only_its_own_body_secret_and_recent_time():
    body = b'{"type":"decision.released"}'
    header = rules.signature_header("secret", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    now = 1_700_000_010
    assert rules.signature_verify("secret", header, body, now=now)
    assert not rules.signature_verify("other", header, body, now=now)
    assert not rules.signature_verify("secret", header, body + b" ", now=now)
    # Replayed ten minutes later: refused.
    assert not rules.signature_verify("secret", header, body, now=now + 600)
    assert not rules.signature_verify("secret", "garbage", body, now=now)


def test_retries_wait_longer_each_time_up_to_the_cap():
    delays = [rules.retry_delay(n, base=30, cap=3600) for n in range(1, 10)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 3600
    assert delays == sorted(delays)


def test_endpoint_urls_must_be_https_where_required():
    assert rules.endpoint_url_problem("http://x.example/h", require_https=True)
    assert not rules.endpoint_url_problem("https://x.example/h", require_https=True)
    assert not rules.endpoint_url_problem("http://127.0.0.1:9/h", require_https=False)
    assert rules.endpoint_url_problem(
        "https://user:pw@x.example/h", require_https=False
    )
