"""The demo's challenges and discussions (placeholder, filled below)."""


def seed(ctx) -> None:
    return None
