"""Why two documents match: the shared word terms that carried the score, and the shared topics.

Word terms are shown as the most frequent surface word behind their stem in the indexed corpus, so
"genehm" reads "Genehmigung". A match carried by character n-grams alone (spelling variants,
compounds the splitter does not know) is explained by the word pieces the n-grams spell out when
chained: "kindertages" shared by "Kindertagespflege" and "Kindertagesbetreuung" reads
"Kindertages-", with the German hyphen for a truncated compound.
"""

from __future__ import annotations

import numpy as np

MAX_TERMS = 8
MIN_SHARE_OF_TOP = 0.05
"""A shared term is shown if it carried at least this share of the strongest shared term."""
MIN_PIECE_LETTERS = 5
"""Shorter chained n-gram pieces ("ung") explain nothing."""


def shared_terms(
    query_columns: np.ndarray,
    query_values: np.ndarray,
    row_columns: np.ndarray,
    row_values: np.ndarray,
    is_char: np.ndarray,
    readable: list[str],
    terms: list[str],
) -> tuple[str, ...]:
    """Readable words both sides share, most weighted (query weight × row weight) first; the
    shared word pieces spelt by character n-grams when no word is shared.

    `query_columns` and `row_columns` must be sorted (CSR rows are).
    """
    common, in_query, in_row = np.intersect1d(
        query_columns, row_columns, assume_unique=True, return_indices=True
    )
    contributions = query_values[in_query] * row_values[in_row]
    words = ~is_char[common]
    if words.any():
        return _strongest_words(common[words], contributions[words], readable)
    return _chained_pieces([terms[column][1:] for column in common], contributions)


def _strongest_words(columns: np.ndarray, contributions: np.ndarray, readable: list[str]) -> tuple[str, ...]:
    order = np.argsort(-contributions, kind="stable")
    floor = contributions[order[0]] * MIN_SHARE_OF_TOP
    shown: list[str] = []
    for position in order:
        if contributions[position] < floor or len(shown) == MAX_TERMS:
            break
        word = readable[columns[position]]
        if word and word not in shown:
            shown.append(word)
    return tuple(shown)


def _chained_pieces(ngrams: list[str], contributions: np.ndarray) -> tuple[str, ...]:
    """Chain overlapping n-grams (" kin", "kind", "inde", ...) into the longest pieces they spell."""
    weight = dict(zip(ngrams, contributions.tolist()))
    by_prefix: dict[str, list[str]] = {}
    for ngram in ngrams:
        by_prefix.setdefault(ngram[:-1], []).append(ngram)
    followed = {successor for ngram in ngrams for successor in by_prefix.get(ngram[1:], ())}
    pieces: dict[str, float] = {}
    for start in ngrams:
        if start in followed:
            continue
        piece, total, current, seen = start, weight[start], start, {start}
        while (successors := [s for s in by_prefix.get(current[1:], ()) if s not in seen]):
            current = max(successors, key=weight.__getitem__)
            seen.add(current)
            piece += current[-1]
            total += weight[current]
        if len(piece.strip()) >= MIN_PIECE_LETTERS:
            pieces[_readable_piece(piece)] = max(total, pieces.get(_readable_piece(piece), 0.0))
    ranked = sorted(pieces, key=pieces.__getitem__, reverse=True)
    return tuple(ranked[:MAX_TERMS])


def _readable_piece(piece: str) -> str:
    """" kindertages" -> "Kindertages-", "betreuung " -> "-betreuung", " akte " -> "Akte"."""
    word = piece.strip()
    if piece.startswith(" "):
        word = word.capitalize()
    else:
        word = "-" + word
    return word if piece.endswith(" ") else word + "-"


def shared_topics(query_topics: tuple[str, ...], row_topics: tuple[str, ...]) -> tuple[str, ...]:
    """Topics on both sides, in the query's order."""
    row_set = set(row_topics)
    return tuple(topic for topic in query_topics if topic in row_set)
