"""Peers like us: the most similar collaborations of each, with the reason.

Why scikit-learn's TF-IDF. Two collaborations are alike mostly in what they
write about their work ("a by-name list linking shelter stays with jail
bookings"), not in the handful of boxes they tick. TF-IDF weighs each word by
how rare it is across all profiles, so shared unusual words ("recidivism",
"frequent utilizers") count and shared common ones ("data", "community") do
not; the cosine of two such vectors is the standard measure of their overlap.
scikit-learn's ``TfidfVectorizer`` is the well-kept, widely used
implementation (stop words, sublinear term frequency, bigrams, sparse
matrices), so the portal writes none of it by hand. PostgreSQL's text search
ranks documents against a query, not documents against each other, and would
tie the matching to one database; the directory's search uses it instead.

The vocabularies (data systems, topics, partner sectors, populations, region)
are added as Jaccard overlaps (``rules.structured_score``): they are what a
reason says in words. ``bench/peers_matching.py`` measures the result on a
generated population with known groups (precision at 5 against a random
baseline and against the vocabularies alone).

Nothing here reads the database: ``services.similarities_compute`` hands in the
features and writes the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from . import rules

# How many neighbours are kept for each profile: more than are shown, so that
# those the viewer may not see (its own cohort, hidden or blocked profiles)
# can be left out at reading time and enough remain.
KEEP = 20
# Rows of the similarity matrix computed at once: bounds the memory to
# CHUNK x profiles floats whatever the population.
CHUNK = 500
# Words of three letters or more that start with a letter ("2-1-1" and years
# are left to the vocabularies).
WORD_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]{2,}\b"


@dataclass(frozen=True)
class Match:
    key: int
    other: int
    score: float
    reason_codes: list


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        ngram_range=(1, 2),
        min_df=1,
        max_df=0.5,
        token_pattern=WORD_PATTERN,
    )


def text_matrix(features: Sequence[rules.Features]):
    """The TF-IDF matrix of the profiles' texts (rows L2-normalized) and its terms.

    ``max_df`` drops words in more than half of the profiles: they tell
    nobody apart. With too few profiles for that to leave any word, every
    word is kept.
    """
    texts = [f.text or "" for f in features]
    if not any(t.strip() for t in texts):
        return None, []
    vectorizer = _vectorizer()
    if len(texts) < 4:
        vectorizer.set_params(max_df=1.0)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words, or every word too common
        vectorizer.set_params(max_df=1.0)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:
            return None, []
    return matrix.tocsr(), vectorizer.get_feature_names_out()


def _shared_terms(matrix, terms, i: int, j: int, limit: int = 3) -> list[str]:
    """The words that add most to the text similarity of rows ``i`` and ``j``."""
    if matrix is None:
        return []
    a, b = matrix.getrow(i), matrix.getrow(j)
    product = a.multiply(b)
    if product.nnz == 0:
        return []
    chosen: list[str] = []
    for k in np.argsort(-product.data):
        term = str(terms[product.indices[k]])
        # "frequent utilizers" says what "utilizers" would say again.
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def _binary(features: Sequence[rules.Features], name: str):
    """One vocabulary as a sparse 0/1 matrix (profiles x words) and row sizes."""
    index: dict[str, int] = {}
    rows, cols = [], []
    for i, f in enumerate(features):
        for word in getattr(f, name):
            rows.append(i)
            cols.append(index.setdefault(word, len(index)))
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(features), max(1, len(index)))
    )
    return matrix, np.asarray(matrix.sum(axis=1)).ravel()


def _jaccard_block(sets, sizes, start: int, stop: int):
    """Jaccard overlaps of rows ``start:stop`` with every row, 0 where empty."""
    shared = (sets[start:stop] @ sets.T).toarray()
    union = sizes[start:stop, None] + sizes[None, :] - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, shared / np.where(union > 0, union, 1), 0.0)


def neighbours(
    features: Sequence[rules.Features],
    *,
    keep: int = KEEP,
    text_only: bool = False,
    structured_only: bool = False,
    with_reasons: bool = True,
) -> dict[int, list[Match]]:
    """The ``keep`` most similar profiles of each, best first, with reasons.

    A pair that shares nothing at all (score 0) is never a match.
    ``text_only`` and ``structured_only`` switch off one part (for the
    benchmark's comparisons).
    """
    n = len(features)
    if n < 2:
        return {f.key: [] for f in features}
    matrix, terms = (None, []) if structured_only else text_matrix(features)
    vocabularies = {
        name: _binary(features, name)
        for name in ("data_systems", "topics", "sectors", "populations")
    }
    regions = np.array([f.region or "" for f in features], dtype=object)
    result: dict[int, list[Match]] = {}
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        block = _score_block(matrix, vocabularies, regions, start, stop, text_only)
        for row, i in enumerate(range(start, stop)):
            scores = block[row]
            scores[i] = 0.0
            top = np.argsort(-scores, kind="stable")[:keep]
            matches = []
            for j in top:
                score = float(scores[j])
                if score <= 0.0:
                    break
                reason = []
                if with_reasons:
                    reason = rules.reason_codes(
                        features[i],
                        features[j],
                        shared_terms=_shared_terms(matrix, terms, i, int(j)),
                    )
                matches.append(
                    Match(
                        key=features[i].key,
                        other=features[int(j)].key,
                        score=round(score, 4),
                        reason_codes=reason,
                    )
                )
            result[features[i].key] = matches
    return result


def _score_block(matrix, vocabularies, regions, start: int, stop: int, text_only):
    """The weighted similarity of rows ``start:stop`` with every profile."""
    n = len(regions)
    block = np.zeros((stop - start, n), dtype=np.float64)
    if matrix is not None:
        block += rules.WEIGHTS["text"] * (matrix[start:stop] @ matrix.T).toarray()
    if not text_only:
        for name, (sets, sizes) in vocabularies.items():
            block += rules.WEIGHTS[name] * _jaccard_block(sets, sizes, start, stop)
        same_region = regions[start:stop, None] == regions[None, :]
        block += rules.WEIGHTS["region"] * (same_region & (regions[None, :] != ""))
    return block
