"""Provider matching, market depth and service overlap (scikit-learn).

A commissioner's service specification is compared with every organisation's text
(name, description of services, themes) by TF-IDF (English stop words removed, words
and two-word phrases) and cosine similarity. The fitted state lives in one object,
``MatchModel``, fitted once per directory version and kept in a small module cache, so a
query costs one sparse product, not a refit. Every score comes with the words that
matched, so a ranking can be explained.

Scores are cosine similarities between 0 (nothing in common) and 1 (the same words in
the same proportions)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sqlite_utils
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from . import organisations
from .errors import DomainError

# A provider "could bid" when its similarity to the specification reaches this (tuned on
# the labelled specifications in tests/models/test_matching.py; adjustable on the page).
DEFAULT_BID_THRESHOLD = 0.12
DEFAULT_OVERLAP_THRESHOLD = 0.45
MAX_SPEC_CHARACTERS = 20_000
CACHE_SIZE = 4  # fitted models the app keeps (ui.directory.match_model): a few databases or versions
MAX_OVERLAP_ORGANISATIONS = 20_000


@dataclass
class MatchModel:
    """The fitted state: the vectoriser, the organisations' TF-IDF rows (L2-normalised, so
    a dot product is the cosine), and indexes by district and theme."""

    version: str
    vectorizer: TfidfVectorizer
    vocabulary: np.ndarray  # feature index -> term
    matrix: sp.csr_matrix  # organisations x terms
    by_term: sp.csr_matrix  # terms x organisations (the same numbers, for fast queries)
    organisations: pd.DataFrame  # id, org_id, name, org_type, districts, themes, description, is_demo
    district_rows: dict[str, np.ndarray]
    theme_rows: dict[str, np.ndarray]
    fit_seconds: float

    @property
    def size(self) -> int:
        return self.matrix.shape[0]


def document_text(frame: pd.DataFrame) -> list[str]:
    """The text matched for each organisation: its name, description and themes."""
    return [
        f"{name}. {description} {' '.join(themes)}"
        for name, description, themes in zip(frame["name"], frame["description"], frame["themes"])
    ]


def _rows_by(values: pd.Series) -> dict[str, np.ndarray]:
    """For a column of lists, the row numbers holding each value."""
    rows: dict[str, list[int]] = {}
    for position, items in enumerate(values):
        for item in items:
            rows.setdefault(item, []).append(position)
    return {key: np.asarray(positions, dtype=np.int64) for key, positions in rows.items()}


def fit(frame: pd.DataFrame, version: str = "") -> MatchModel:
    """Fit TF-IDF on a frame of organisations (as ``organisations.documents`` returns)."""
    started = time.perf_counter()
    vectorizer = TfidfVectorizer(
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1 if len(frame) < 5_000 else 2,
        max_df=0.5 if len(frame) >= 50 else 1.0,
        dtype=np.float32,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",
    )
    if len(frame):
        matrix = vectorizer.fit_transform(document_text(frame)).tocsr()
        vocabulary = vectorizer.get_feature_names_out()
    else:
        matrix, vocabulary = sp.csr_matrix((0, 0), dtype=np.float32), np.array([], dtype=object)
    return MatchModel(
        version=version,
        vectorizer=vectorizer,
        vocabulary=vocabulary,
        matrix=matrix,
        by_term=matrix.T.tocsr(),
        organisations=frame.reset_index(drop=True),
        district_rows=_rows_by(frame["districts"]) if len(frame) else {},
        theme_rows=_rows_by(frame["themes"]) if len(frame) else {},
        fit_seconds=time.perf_counter() - started,
    )


def model_for(db: sqlite_utils.Database) -> MatchModel:
    """The model fitted to the directory as it is now (its ``version`` is the directory's).
    Fitting takes seconds for a national directory: the app keeps one model per database
    and directory version (``ui.directory.match_model``)."""
    return fit(organisations.documents(db), organisations.directory_version(db))


def _query_vector(model: MatchModel, specification: str) -> sp.csr_matrix:
    text = str(specification or "").strip()
    if not text:
        raise DomainError("Service specification: write or paste what the service should do")
    if len(text) > MAX_SPEC_CHARACTERS:
        raise DomainError(
            f"Service specification: {len(text):,} characters is too long; paste up to {MAX_SPEC_CHARACTERS:,} (the service description, not the whole contract)"
        )
    return model.vectorizer.transform([text]).tocsr() if model.size else sp.csr_matrix((1, 0))


def _candidates(model: MatchModel, district: str | None, theme: str | None) -> np.ndarray | None:
    """Rows in the district and theme asked for (None when neither is asked for)."""
    rows = None
    for wanted, index in ((district, model.district_rows), (theme, model.theme_rows)):
        if wanted:
            found = index.get(wanted, np.array([], dtype=np.int64))
            rows = found if rows is None else np.intersect1d(rows, found, assume_unique=True)
    return rows


def scores(model: MatchModel, query: sp.csr_matrix) -> np.ndarray:
    """Cosine similarity of the query with every organisation (a dense vector)."""
    similarity = np.zeros(model.size, dtype=np.float32)
    if not model.size or query.nnz == 0:
        return similarity
    by_term = model.by_term
    # Add each query term's postings into a dense vector: cost is the postings of the
    # query's own terms, not the whole matrix. A term's postings hold each row once.
    for term, weight in zip(query.indices, query.data):
        start, end = by_term.indptr[term], by_term.indptr[term + 1]
        similarity[by_term.indices[start:end]] += weight * by_term.data[start:end]
    return similarity


def shared_terms(model: MatchModel, left: sp.csr_matrix, row: int, limit: int = 6) -> list[str]:
    """The terms that contribute most to the similarity of ``left`` (a 1-row TF-IDF
    vector) with organisation ``row``, biggest contribution first."""
    contribution = left.multiply(model.matrix[row]).tocoo()
    if contribution.nnz == 0:
        return []
    ranked = [str(model.vocabulary[contribution.col[i]]) for i in np.argsort(-contribution.data)[: limit * 3]]
    # A word also shown inside a two-word phrase adds nothing to the explanation.
    in_phrases = {word for term in ranked[:limit] if " " in term for word in term.split()}
    terms = [term for term in ranked if " " in term or term not in in_phrases][:limit]
    return terms


def _top(values: np.ndarray, rows: np.ndarray, top: int) -> np.ndarray:
    """The ``top`` rows with the highest values, best first (argpartition, then sort)."""
    if len(rows) > top:
        keep = np.argpartition(-values[rows], top - 1)[:top]
        rows = rows[keep]
    return rows[np.lexsort((rows, -values[rows]))]


MATCH_COLUMNS = ["rank", "org_id", "name", "org_type", "districts", "score", "matched_terms", "is_demo"]


def match(
    model: MatchModel,
    specification: str,
    *,
    district: str | None = None,
    theme: str | None = None,
    top: int = 10,
) -> pd.DataFrame:
    """The organisations most like the specification, best first, with the similarity
    score (0-1) and the words that matched. Restricted to a district and/or theme when
    given. Organisations with nothing in common are left out."""
    if top < 1:
        raise DomainError("Number of providers: ask for at least 1")
    query = _query_vector(model, specification)
    similarity = scores(model, query)
    rows = _candidates(model, district, theme)
    if rows is None:
        rows = np.flatnonzero(similarity > 0)
    else:
        rows = rows[similarity[rows] > 0]
    best = _top(similarity, rows, top)
    frame = model.organisations
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(best) + 1),
            "org_id": frame["org_id"].to_numpy()[best],
            "name": frame["name"].to_numpy()[best],
            "org_type": frame["org_type"].to_numpy()[best],
            "districts": [frame["districts"].iat[r] for r in best],
            "score": np.round(similarity[best].astype(float), 3),
            "matched_terms": [shared_terms(model, query, r) for r in best],
            "is_demo": frame["is_demo"].to_numpy(dtype=bool)[best],
        },
        columns=MATCH_COLUMNS,
    )


def market_depth(
    model: MatchModel,
    specification: str,
    *,
    threshold: float = DEFAULT_BID_THRESHOLD,
    themes: tuple[str, ...] = organisations.LAA_THEMES,
) -> pd.DataFrame:
    """How many providers could bid for the specification (similarity at least
    ``threshold``) in each district and Local Area Agreement theme. Columns: district,
    theme ('All themes' for the district total), providers."""
    similarity = scores(model, _query_vector(model, specification))
    able = similarity >= threshold
    districts = list(organisations.DISTRICTS) + sorted(set(model.district_rows) - set(organisations.DISTRICTS))
    records = []
    for district in districts:
        able_here = np.zeros(model.size, dtype=bool)
        rows = model.district_rows.get(district, np.array([], dtype=np.int64))
        able_here[rows] = able[rows]
        records.append({"district": district, "theme": "All themes", "providers": int(able_here.sum())})
        for theme in themes:
            theme_rows = model.theme_rows.get(theme, np.array([], dtype=np.int64))
            records.append({"district": district, "theme": theme, "providers": int(able_here[theme_rows].sum())})
    return pd.DataFrame(records, columns=["district", "theme", "providers"])


OVERLAP_COLUMNS = ["district", "org_id_a", "name_a", "org_id_b", "name_b", "score", "shared_terms", "cluster"]


def overlap(
    model: MatchModel,
    *,
    district: str | None = None,
    theme: str | None = None,
    threshold: float = DEFAULT_OVERLAP_THRESHOLD,
    max_pairs: int = 500,
) -> pd.DataFrame:
    """Pairs of organisations in the same district whose services look alike (similarity
    at least ``threshold``), most alike first, with the terms they share and a cluster
    number (organisations linked by such pairs, within the district). At most
    ``max_pairs`` pairs. ``theme`` narrows the comparison to organisations with it."""
    if not 0 < threshold <= 1:
        raise DomainError("Overlap threshold: choose a value above 0 and at most 1")
    districts = [district] if district else sorted(model.district_rows)
    records = []
    for name in districts:
        rows = _candidates(model, name, theme)
        if len(rows) > MAX_OVERLAP_ORGANISATIONS:
            raise DomainError(
                f"Overlap: {len(rows):,} organisations in {name} is too many to compare at once; choose a theme to narrow it"
            )
        if len(rows) < 2:
            continue
        block = model.matrix[rows]
        similar = sp.triu(block @ block.T, k=1).tocoo()
        keep = similar.data >= threshold
        left, right, values = rows[similar.row[keep]], rows[similar.col[keep]], similar.data[keep]
        graph = sp.coo_matrix((np.ones(keep.sum()), (similar.row[keep], similar.col[keep])), shape=(len(rows), len(rows)))
        _, labels = connected_components(graph, directed=False)
        label_of = dict(zip(rows.tolist(), labels.tolist()))
        for a, b, value in zip(left, right, values):
            records.append((name, int(a), int(b), float(value), label_of[int(a)]))
    records.sort(key=lambda r: (-r[3], r[0], r[1], r[2]))
    records = records[:max_pairs]
    frame = model.organisations
    # Clusters numbered 1, 2, ... in order of their best pair, per district.
    numbering: dict[tuple[str, int], int] = {}
    for name, _, _, _, label in records:
        numbering.setdefault((name, label), len(numbering) + 1)
    return pd.DataFrame(
        [
            {
                "district": name,
                "org_id_a": frame["org_id"].iat[a],
                "name_a": frame["name"].iat[a],
                "org_id_b": frame["org_id"].iat[b],
                "name_b": frame["name"].iat[b],
                "score": round(value, 3),
                "shared_terms": shared_terms(model, model.matrix[a], b),
                "cluster": numbering[(name, label)],
            }
            for name, a, b, value, label in records
        ],
        columns=OVERLAP_COLUMNS,
    )


def clusters(pairs: pd.DataFrame) -> pd.DataFrame:
    """Overlap pairs gathered into clusters: district, cluster, organisations (names),
    size, best score."""
    if pairs.empty:
        return pd.DataFrame(columns=["district", "cluster", "organisations", "size", "best_score"])
    records = []
    for (district, cluster), group in pairs.groupby(["district", "cluster"], sort=False):
        names = sorted(set(group["name_a"]) | set(group["name_b"]))
        records.append({"district": district, "cluster": cluster, "organisations": names, "size": len(names),
                        "best_score": float(group["score"].max())})
    return pd.DataFrame(records).sort_values(["cluster"]).reset_index(drop=True)
