"""Provider matching, market depth and service overlap (scikit-learn).

A commissioner's service specification is compared with every organisation's text
(name, description of services, themes) by TF-IDF (English stop words removed, words
and two-word phrases) and cosine similarity. The fitted state lives in one object,
``MatchModel``, fitted once per directory version and kept in a small module cache, so a
query costs one sparse product, not a refit. Every score comes with the words that
matched, so a ranking can be explained.

Scores are cosine similarities between 0 (nothing in common) and 1 (the same words in
the same proportions).

The overlap finder compares organisations on what they do, not what they are called: a
second vectoriser reads only each organisation's services text, with its own name, place
names and the words every organisation uses about itself ("volunteers", "referrals",
"free") taken out, so "Elworth Housing Trust" and "Elworth Housing Trust (East)" pair only
if their services do."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from . import organisations, store
from .demo_directory import TOWNS as DEMO_TOWNS
from .errors import DomainError

# A provider "could bid" when its similarity to the specification reaches this (tuned on
# the labelled specifications in tests/models/test_matching.py; adjustable on the page).
DEFAULT_BID_THRESHOLD = 0.12
DEFAULT_OVERLAP_THRESHOLD = 0.5
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
    services: sp.csr_matrix | None = None  # organisations x service terms (what they do; for overlap)
    services_vocabulary: np.ndarray | None = None

    @property
    def size(self) -> int:
        return self.matrix.shape[0]


def document_text(frame: pd.DataFrame) -> list[str]:
    """The text matched for each organisation: its name, description and themes."""
    return [
        f"{name}. {description} {' '.join(themes)}"
        for name, description, themes in zip(frame["name"], frame["description"], frame["themes"])
    ]


# Places: the districts and the towns and villages in them (the demonstration directory's
# towns too), which say where an organisation works, not what it does.
PLACE_NAMES = tuple(sorted(
    {"Cheshire East", "Cheshire", *organisations.DISTRICTS, "Crewe", "Nantwich",
     *(town for towns in DEMO_TOWNS.values() for town in towns)},
    key=len, reverse=True,
))

# Words organisations of every kind use about themselves: they say how an organisation is
# run or reached, not what service it gives, so two organisations sharing them do not overlap.
GENERIC_WORDS = frozenset("""
    based provide provides providing provided offer offers offering run runs running set local people
    volunteers volunteer trustees referrals refer welcome professionals free open everyone work works
    working closely council nhs charities charity organisation group groups small established
    long standing growing friendly led new looking sessions community residents area nearby villages
    village town whole also help support services service including well-established volunteer-led
    long-standing aged
""".split())
SERVICE_STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | GENERIC_WORDS)
_WORDS = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*[^\W\d_]|[^\s\w]")
_SUFFIX = re.compile(r"\s*(\([^)]*\)|\bCIC\b|\b\d+\b)\s*$", re.IGNORECASE)


def _name_forms(name: str) -> list[str]:
    """An organisation's name as its own text may write it: in full, and without a
    trailing branch, number or CIC ("Elworth Housing Trust (East)" -> also "Elworth Housing Trust")."""
    forms, current = [name.strip()], name.strip()
    while (shorter := _SUFFIX.sub("", current).strip()) and shorter != current:
        forms.append(shorter)
        current = shorter
    return [form for form in forms if form]


_PLACES = re.compile(r"\b(" + "|".join(re.escape(p) for p in PLACE_NAMES) + r")\b", re.IGNORECASE)


def services_text(frame: pd.DataFrame) -> list[str]:
    """What each organisation does: its description of services with its own name and
    place names taken out (the overlap finder compares these, never names)."""
    texts = []
    for name, description in zip(frame["name"], frame["description"]):
        text = str(description or "")
        for form in _name_forms(str(name or "")):
            text = re.sub(re.escape(form), " . ", text, flags=re.IGNORECASE)
        texts.append(_PLACES.sub(" . ", text))
    return texts


def service_terms(text: str) -> list[str]:
    """The terms of a services text: its words, and two-word phrases of words standing
    next to each other in it (never across a stop word or punctuation, so "night shelter"
    is a phrase and "payroll dbs" from "payroll, DBS" is not)."""
    terms: list[str] = []
    previous = None
    for token in _WORDS.findall(text.lower()):
        if not token[0].isalpha() or token in SERVICE_STOP_WORDS:
            previous = None
            continue
        terms.append(token)
        if previous:
            terms.append(f"{previous} {token}")
        previous = token
    return terms


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
    services_vectorizer = TfidfVectorizer(
        analyzer=service_terms,
        sublinear_tf=True,
        min_df=1 if len(frame) < 5_000 else 2,
        max_df=0.5 if len(frame) >= 50 else 1.0,
        dtype=np.float32,
    )
    empty = sp.csr_matrix((len(frame), 0), dtype=np.float32), np.array([], dtype=object)
    if len(frame):
        matrix = vectorizer.fit_transform(document_text(frame)).tocsr()
        vocabulary = vectorizer.get_feature_names_out()
        try:
            services = services_vectorizer.fit_transform(services_text(frame)).tocsr()
            services_vocabulary = services_vectorizer.get_feature_names_out()
        except ValueError:  # no organisation describes any service yet
            services, services_vocabulary = empty
    else:
        matrix, vocabulary = sp.csr_matrix((0, 0), dtype=np.float32), np.array([], dtype=object)
        services, services_vocabulary = empty
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
        services=services,
        services_vocabulary=services_vocabulary,
    )


def model_for(db: store.Database) -> MatchModel:
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


def shared_terms(model: MatchModel, left: sp.csr_matrix, row: int, limit: int = 6, *,
                 matrix: sp.csr_matrix | None = None, vocabulary: np.ndarray | None = None) -> list[str]:
    """The terms that contribute most to the similarity of ``left`` (a 1-row TF-IDF
    vector, or anything with its ``.indices`` and ``.data``, see ``_row``) with organisation ``row``, biggest contribution first (in ``matrix`` with its
    ``vocabulary``: the matching text unless given, e.g. the services text)."""
    matrix = model.matrix if matrix is None else matrix
    vocabulary = model.vocabulary if vocabulary is None else vocabulary
    # The row's own terms and weights straight from the CSR arrays (slicing a row out of a
    # sparse matrix and multiplying costs far more for ten rows than the match itself).
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    terms_here, mine, theirs = np.intersect1d(matrix.indices[start:end], left.indices, assume_unique=True,
                                              return_indices=True)
    if len(terms_here) == 0:
        return []
    contribution = matrix.data[start:end][mine] * left.data[theirs]
    ranked = [str(vocabulary[terms_here[i]]) for i in np.argsort(-contribution, kind="stable")[: limit * 3]]
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
    chosen = model.organisations.iloc[best]  # only the rows shown (a whole column costs ms per match)
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(best) + 1),
            "org_id": chosen["org_id"].tolist(),
            "name": chosen["name"].tolist(),
            "org_type": chosen["org_type"].tolist(),
            "districts": chosen["districts"].tolist(),
            "score": np.round(similarity[best].astype(float), 3),
            "matched_terms": [shared_terms(model, query, r) for r in best],
            "is_demo": chosen["is_demo"].to_numpy(dtype=bool),
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


OVERLAP_COLUMNS = ["org_id_a", "name_a", "org_id_b", "name_b", "score", "shared_terms", "shared_districts", "cluster"]


def overlap(
    model: MatchModel,
    *,
    district: str | None = None,
    theme: str | None = None,
    threshold: float = DEFAULT_OVERLAP_THRESHOLD,
    max_pairs: int = 500,
) -> pd.DataFrame:
    """Pairs of organisations serving a district in common whose services look alike
    (cosine similarity of their services text at least ``threshold``), each pair once,
    most alike first, with the service terms they share (why they pair), the districts
    both serve and a group number (organisations linked by such pairs). Names and places
    are not compared (see ``services_text``). At most ``max_pairs`` pairs. ``district``
    keeps pairs serving it; ``theme`` compares only organisations with that theme.
    ``.attrs["total_pairs"]`` is how many pairs reach the threshold in all."""
    if not 0 < threshold <= 1:
        raise DomainError("Overlap threshold: choose a value above 0 and at most 1")
    districts = [district] if district else sorted(model.district_rows)
    services = model.services
    lefts, rights, values = [], [], []
    for name in districts:
        rows = _candidates(model, name, theme)
        if len(rows) > MAX_OVERLAP_ORGANISATIONS:
            raise DomainError(
                f"Overlap: {len(rows):,} organisations in {name} is too many to compare at once; choose a theme to narrow it"
            )
        if len(rows) < 2 or services is None or services.shape[1] == 0:
            continue
        for left, right, value in _similar_pairs(services[rows], threshold):
            lefts.append(rows[left])
            rights.append(rows[right])
            values.append(value)
    joined = [np.concatenate(parts) if parts else np.array([], dtype=dtype)
              for parts, dtype in ((lefts, np.int64), (rights, np.int64), (values, np.float64))]
    total_pairs, ranked = _ranked_pairs(*joined, max_pairs)
    # Groups: organisations linked by any pair shown (numbered 1, 2, ... by their best pair).
    shown = ranked[:max_pairs]
    nodes = sorted({row for (a, b), _ in shown for row in (a, b)})
    position = {row: i for i, row in enumerate(nodes)}
    graph = sp.coo_matrix(
        (np.ones(len(shown)), ([position[a] for (a, _), _ in shown], [position[b] for (_, b), _ in shown])),
        shape=(len(nodes), len(nodes)),
    )
    _, labels = connected_components(graph, directed=False) if nodes else (0, np.array([], dtype=int))
    numbering: dict[int, int] = {}
    for (a, _), _ in shown:
        numbering.setdefault(int(labels[position[a]]), len(numbering) + 1)
    frame = model.organisations
    org_ids, org_names, districts_of = (frame[c].tolist() for c in ("org_id", "name", "districts"))
    pairs = pd.DataFrame(
        [
            {
                "org_id_a": org_ids[a],
                "name_a": org_names[a],
                "org_id_b": org_ids[b],
                "name_b": org_names[b],
                "score": round(value, 3),
                "shared_terms": shared_terms(model, _row(services, a), b, matrix=services,
                                             vocabulary=model.services_vocabulary),
                "shared_districts": [d for d in districts_of[a] if d in set(districts_of[b])],
                "cluster": numbering[int(labels[position[a]])],
            }
            for (a, b), value in shown
        ],
        columns=OVERLAP_COLUMNS,
    )
    pairs.attrs["total_pairs"] = total_pairs  # pairs found; at most max_pairs are listed
    return pairs


def _row(matrix: sp.csr_matrix, row: int) -> SimpleNamespace:
    """One row's terms and weights (``.indices``, ``.data``) straight from the CSR arrays, for
    ``shared_terms`` (slicing a sparse row costs far more, hundreds of times a page)."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return SimpleNamespace(indices=matrix.indices[start:end], data=matrix.data[start:end])


# Rows compared at once in ``_similar_pairs``: a chunk's products (chunk x organisations)
# stay under about this many entries, however many organisations are compared.
PAIR_CHUNK_ENTRIES = 4_000_000


def _similar_pairs(block: sp.csr_matrix, threshold: float):
    """Pairs (i < j) of the block's rows whose dot product (cosine: the rows are unit
    vectors) reaches ``threshold``, as arrays (i, j, value), a chunk of rows at a time: the
    sparse product of the chunk with the whole block, thresholded before anything else is
    kept, so memory follows the pairs found, not the square of the block."""
    count = block.shape[0]
    step = max(1, PAIR_CHUNK_ENTRIES // max(count, 1))
    transposed = block.T.tocsc()
    for start in range(0, count, step):
        product = (block[start:start + step] @ transposed).tocoo()
        rows = product.row + start
        keep = (product.col > rows) & (product.data >= threshold)
        yield rows[keep], product.col[keep], product.data[keep].astype(np.float64)


def _ranked_pairs(lefts: np.ndarray, rights: np.ndarray, values: np.ndarray,
                  max_pairs: int) -> tuple[int, list[tuple[tuple[int, int], float]]]:
    """(how many distinct pairs, the first ``max_pairs`` of them most alike first, ties by
    the pair's rows) from pairs found perhaps more than once (a pair serving two districts
    in common is found in each, with the same value)."""
    low, high = np.minimum(lefts, rights), np.maximum(lefts, rights)
    keys = low.astype(np.int64) * (int(high.max(initial=0)) + 1) + high
    _, first = np.unique(keys, return_index=True)
    low, high, values = low[first], high[first], values[first]
    chosen = np.arange(len(values))
    if len(values) > max_pairs:  # every pair at least as alike as the max_pairs-th, then sorted
        cut = np.partition(-values, max_pairs - 1)[max_pairs - 1]
        chosen = np.flatnonzero(-values <= cut)
    order = chosen[np.lexsort((high[chosen], low[chosen], -values[chosen]))][:max_pairs]
    return len(values), [((int(low[i]), int(high[i])), float(values[i])) for i in order]


def clusters(pairs: pd.DataFrame) -> pd.DataFrame:
    """Overlap pairs gathered into groups: cluster, organisations (names), size, best
    score, districts (where any two of them both work)."""
    if pairs.empty:
        return pd.DataFrame(columns=["cluster", "organisations", "size", "best_score", "districts"])
    records = []
    for cluster, group in pairs.groupby("cluster", sort=False):
        names = sorted(set(group["name_a"]) | set(group["name_b"]))
        districts = sorted({d for shared in group["shared_districts"] for d in shared})
        records.append({"cluster": cluster, "organisations": names, "size": len(names),
                        "best_score": float(group["score"].max()), "districts": districts})
    return pd.DataFrame(records).sort_values(["cluster"]).reset_index(drop=True)
