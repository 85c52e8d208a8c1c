"""Finding a case by what people type: its reference, a person's name, or words of its description.

`search_conditions(text)` is the one way the case list (the Cases page and
`GET /api/v1/cases?q=`) searches; casework.services.case_filters applies it
inside the visibility filter like any other filter, so a search can only ever
narrow what the person may already see.

What a search matches depends on how the person sees the case:

- a case they see in full: a reference beginning with the text (exact or
  prefix, "SMC-2026-0004"), or every word, as the beginning of a word, in the
  description, in the name of a subject, of the reporter or of a complainant
  from outside the council;
- a case they see only as its reporter: the reference, or the words of the
  description they wrote. Never the names of the people in it, which the
  reporter's view does not show (and which a manager may have corrected).

Words are the letters and digits people type; everything else (quotes, `*`,
`NEAR(`, `-`, `:`) only separates words, so nothing typed is read as search
syntax by either database. SQLite answers from the FTS5 tables
`case_text_search` and `user_name_search` (migration 0012, kept in step by
triggers); PostgreSQL from `to_tsvector('simple', …)` with GIN indexes of
the same expressions.

Two plans give the same cases in the same order, and differ in what they read
first:

- MATCHES_FIRST: the ids of the matching cases are read from the search
  indexes, then tested against the visibility filter and sorted. Quick when
  few cases match (a name, a reference, a rare word); a word in 40% of
  100,000 descriptions makes it read, test and sort 40,000 cases (0.7 s).
- LIST_ORDER: the list is walked in its own order (newest first from the
  date's index) and each case the person may see is tested for the search
  until a page is full. Quick when many cases match; a rare word makes it test
  every case.

`search_plan` chooses by asking the indexes how many cases match, counting at
most PLAN_THRESHOLD of them, so the question costs little whatever the answer
(near 5,000 matches of 100,000 cases the two plans cost a department manager
about the same; on PostgreSQL a single word its statistics find in more cases
than that is not counted: a GIN index cannot stop a count early). On
PostgreSQL the count also gives the ids of the few cases
that match, and the matches-first plan reads those ids: the planner, which
guesses that a prefix search matches 2% of cases, would otherwise expect a page
soon in the list's order and walk every case for a rare word. Whichever plan
runs, the search stays inside the visibility filter
(casework.services.case_filters) like any other filter.

`prepare` asks those questions once for a list (`PreparedSearch`); the list's
statement is built from what it found and kept (casework.services.cases), the
ids being a bound value of it.
"""

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from sqlalchemy import (
    Integer,
    and_,
    any_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Case, User, case_subjects

# The longest search accepted (the page and the API say so, naming the field)
SEARCH_MAX = 200
# Words beyond these are not searched for: a search narrows quickly and each word costs a lookup
WORDS_MAX = 10
# The tables and indexes of migration 0012: they are not models (Alembic's comparison leaves them alone)
SQLITE_SEARCH_TABLES = ("case_text_search", "user_name_search")
POSTGRESQL_SEARCH_INDEXES = (
    "ix_cases_description_search",
    "ix_cases_complainant_search",
    "ix_users_name_search",
    "ix_cases_reference_prefix",
)

# Read the matching cases first when fewer than this many match (counted with repeats); else walk the list
PLAN_THRESHOLD = 5000
MATCHES_FIRST, LIST_ORDER = "matches-first", "list-order"
# On SQLite, a word of the list-order plan is looked up as the whole words it begins (read from the index's
# vocabulary) when there are at most this many of them: a word's prefix ("resident"*) is found by reading
# every case that has it, a whole word by seeking the one case
EXPANSION_MAX = 12
# A per-connection view of the description index's vocabulary (casework/__init__.py creates it)
SQLITE_VOCABULARY = "case_text_search_vocabulary"
SQLITE_VOCABULARY_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{SQLITE_VOCABULARY} USING fts5vocab(main, case_text_search, row)"
)

_WORD = re.compile(r"[^\W_]+")
_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


def search_words(text: str) -> list[str]:
    """The words of a search, lower-cased, at most WORDS_MAX of them."""
    return _WORD.findall((text or "").lower())[:WORDS_MAX]


def reference_prefix(text: str) -> str | None:
    """The text as the beginning of a case reference ("smc-2026-0004" → "SMC-2026-0004"), or None."""
    candidate = (text or "").strip().upper()
    return candidate if _REFERENCE.fullmatch(candidate) else None


def is_search_object(name: str | None) -> bool:
    """Whether a table or index belongs to the search (FTS5 tables and their shadow tables included)."""
    if not name:
        return False
    return name.startswith(SQLITE_SEARCH_TABLES) or name in POSTGRESQL_SEARCH_INDEXES


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _fts_match(table_name: str, expression: str):
    """SELECT rowid FROM an FTS5 table WHERE it matches `expression`."""
    fts = table(table_name, literal_column("rowid", Integer))
    return select(fts.c.rowid).where(literal_column(table_name).op("MATCH")(expression))


def _fts_words(words: list[str]) -> str:
    # Each word is letters and digits only, so quoting it cannot end the string early
    return "(" + " ".join(f'"{word}"*' for word in words) + ")"


def _ts_query(words: list[str]):
    return func.to_tsquery(literal_column("'simple'"), " & ".join(f"{word}:*" for word in words))


def _ts_matches(expression, words: list[str]) -> ColumnElement:
    return func.to_tsvector(literal_column("'simple'"), expression).op("@@")(_ts_query(words))


def _fts_description(terms: str, words: list[str], *, with_complainant: bool) -> str:
    """The FTS5 expression for the description (or the complainant's name) holding every word of `terms`."""
    if with_complainant and len(words) == 1:
        return terms  # one word, in either of the table's two columns
    expression = "{description} : " + terms
    if with_complainant:
        expression += " OR {complainant_name} : " + terms
    return expression


def _description_ids(words: list[str], terms: str | None = None, *, with_complainant: bool):
    """The ids of cases whose description (or complainant's name) holds every word (on SQLite, `terms`
    is the words as an FTS5 expression: by default each as a prefix)."""
    if _dialect() == "sqlite":
        terms = terms or _fts_words(words)
        return [_fts_match("case_text_search", _fts_description(terms, words, with_complainant=with_complainant))]
    described = aliased(Case)  # not the list's own row: each query reads its index
    found = [select(described.id).where(_ts_matches(described.description, words))]
    if with_complainant:
        found.append(select(described.id).where(_ts_matches(func.coalesce(described.complainant_name, ""), words)))
    return found


def _people_named(words: list[str]):
    """The ids of people whose name holds every word."""
    if _dialect() == "sqlite":
        return _fts_match("user_name_search", _fts_words(words))
    person = aliased(User)
    return select(person.id).where(_ts_matches(person.name, words))


def _named_ids(words: list[str]):
    """The ids of cases a subject or the reporter of which has every word in their name."""
    reported = aliased(Case)
    return [
        select(case_subjects.c.case_id).where(case_subjects.c.user_id.in_(_people_named(words))),
        select(reported.id).where(reported.reporter_id.in_(_people_named(words))),
    ]


def _by_reference(prefix: str):
    """The ids of cases whose reference begins with `prefix` (letters, digits and hyphens), read from an
    index: on SQLite the range of references from the prefix up to the next one (binary order); on
    PostgreSQL LIKE 'prefix%' with the pattern index of migration 0012."""
    referenced = aliased(Case)
    if _dialect() == "sqlite":
        following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return select(referenced.id).where(referenced.reference >= prefix, referenced.reference < following)
    return select(referenced.id).where(referenced.reference.like(prefix + "%"))


class Plan(str):
    """A plan's name (MATCHES_FIRST or LIST_ORDER) as `search_plan` chose it; on PostgreSQL, when few cases
    match, with the ids of the cases the search matches as seen in full (`ids`, else None)."""

    def __new__(cls, name: str, ids: tuple[int, ...] | None = None):
        plan = super().__new__(cls, name)
        plan.ids = ids
        return plan


@dataclass(frozen=True)
class PreparedSearch:
    """What a search's statement is built from, found by asking the indexes once for a list: its words, a
    reference it may begin, on SQLite the words as the index's whole words (`terms`), the plan and whether
    the matching cases are given by id (PostgreSQL, matches-first). The ids themselves (`ids`) are a bound
    value of the statement (`values`): neither part of what it is built from nor compared."""

    words: tuple[str, ...]
    prefix: str | None
    terms: str | None
    plan: str
    by_ids: bool = False
    ids: tuple[int, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def built_from(self) -> "PreparedSearch":
        """The same without the ids, to build (and keep) a statement from."""
        return replace(self, ids=None)

    @property
    def values(self) -> dict:
        """The statement's bound values."""
        return {SEARCH_IDS: list(self.ids)} if self.by_ids else {}


# The bound value that holds the ids of PreparedSearch.ids
SEARCH_IDS = "search_ids"


def prepare(text: str) -> PreparedSearch | None:
    """The search `text` made ready for a list's statement; None for one that matches nothing (no words and
    nothing like a reference)."""
    words = search_words(text)
    prefix = reference_prefix(text)
    if not words and not prefix:
        return None
    terms = _fts_words_exactly(words) if words and _dialect() == "sqlite" else None
    plan = search_plan(words, prefix, terms)
    ids = getattr(plan, "ids", None) if plan == MATCHES_FIRST else None
    return PreparedSearch(tuple(words), prefix, terms, str(plan), ids is not None, ids)


def search_conditions(text: str, prepared: PreparedSearch | None = None) -> tuple[ColumnElement, ColumnElement]:
    """(condition on a case seen in full, condition on a case seen only as its reporter) for the search
    `text`. A search with no words and nothing like a reference matches nothing. `prepared` is the search as
    `prepare` made it ready (None: made ready now); a condition of matches-first by ids needs its `values`."""
    if prepared is None:
        prepared = prepare(text)
    if prepared is None:
        return false(), false()
    p = prepared
    return _built(_dialect(), p.plan, p.words, p.prefix, p.terms, p.by_ids)


# Building a search's conditions (aliases adapted, subqueries composed) costs more than a rare word's query:
# each is built once per process and kept, as the visibility filter is. They hold only the search's words,
# never a case found (casework.services.visibility)
_BUILT = 512


@lru_cache(maxsize=_BUILT)
def _built(dialect: str, plan: str, words: tuple[str, ...], prefix: str | None, terms: str | None, by_ids: bool):
    words = list(words)
    if plan == LIST_ORDER:
        return _tested_in_order(words, prefix, terms)
    full, reporter = [], []
    if prefix:
        full.append(_by_reference(prefix))
        reporter.append(_by_reference(prefix))
    if words:
        full += _description_ids(words, terms, with_complainant=True) + _named_ids(words)
        reporter += _description_ids(words, terms, with_complainant=False)
    if by_ids:  # the ids the count found (PostgreSQL): the planner knows how many there are
        matched = Case.id == any_(bindparam(SEARCH_IDS, type_=ARRAY(Integer)))
        return matched, Case.id.in_(_one_of(reporter))
    return Case.id.in_(_one_of(full)), Case.id.in_(_one_of(reporter))


def search_plan(words: list[str], prefix: str | None, terms: str | None = None) -> str:
    """LIST_ORDER when at least PLAN_THRESHOLD cases match the search as seen in full (counted with
    repeats, at most PLAN_THRESHOLD read), else MATCHES_FIRST (a Plan, with the ids of those cases on
    PostgreSQL)."""
    dialect = _dialect()
    found = db.session.execute(_counted(dialect, tuple(words), prefix, terms, PLAN_THRESHOLD)).one()
    if found[0] >= PLAN_THRESHOLD or (dialect == "postgresql" and found[2]):
        return LIST_ORDER
    return Plan(MATCHES_FIRST, tuple(sorted(set(found[1] or ()))) if dialect == "postgresql" else None)


# PostgreSQL's statistics of the description index: how many cases have a word beginning with the bound
# prefix, by the index's most common words (none for any other word). The statistics hold a share of rows
# for each of those words, and three more figures after them that pair with no word
_COMMON_WORD_CASES = """coalesce((
    SELECT coalesce(sum(common.share), 0) * max(counted.reltuples)
    FROM pg_stats AS stats
    CROSS JOIN LATERAL unnest(stats.most_common_elems::text::text[], stats.most_common_elem_freqs)
        AS common(word, share)
    JOIN pg_class AS counted ON counted.oid = 'cases'::regclass
    WHERE stats.schemaname = current_schema() AND stats.tablename = 'ix_cases_description_search'
        AND common.word LIKE :common_prefix
) >= :common_most, false)"""


@lru_cache(maxsize=_BUILT)
def _counted(dialect: str, words: tuple[str, ...], prefix: str | None, terms: str | None, most: int):
    found = []
    if prefix:
        found.append(_by_reference(prefix))
    if words:
        found += _description_ids(list(words), terms, with_complainant=True) + _named_ids(list(words))
    matching = union_all(*found).limit(most).subquery()
    count = func.count()
    if dialect != "postgresql":
        return select(count).select_from(matching)
    # The ids too, when there are few: the count has read them. A GIN index cannot stop early, so counting
    # the cases with a word in 40% of them reads all 40,000 (20 ms at 100,000 cases): a word the statistics
    # say is in more than enough cases is not counted (PostgreSQL runs the count only if the test of a
    # condition that names no row is false)
    if len(words) != 1:
        return select(count, case((count < most, func.array_agg(list(matching.c)[0]))), false())
    bound = {"common_prefix": words[0] + "%", "common_most": most}
    return (
        select(
            count,
            case((count < most, func.array_agg(list(matching.c)[0]))),
            text(_COMMON_WORD_CASES).bindparams(**bound),
        )
        .select_from(matching)
        .where(text("NOT " + _COMMON_WORD_CASES).bindparams(**bound))
    )


def _tested_in_order(words: list[str], prefix: str | None, terms: str | None) -> tuple[ColumnElement, ColumnElement]:
    """The search as tests of each case the list reaches: none of them can start the query, so the
    database walks the list's order."""
    full, reporter = [], []
    if prefix:
        full.append(_reference_begins(prefix))
        reporter.append(_reference_begins(prefix))
    if words:
        full += [_description_matches(words, terms, with_complainant=True), *_named_matches(words)]
        reporter.append(_description_matches(words, terms, with_complainant=False))
    return or_(*full), or_(*reporter)


def _reference_begins(prefix: str) -> ColumnElement:
    # "+ ''" (SQLite) keeps the reference's index from starting the query
    if _dialect() == "sqlite":
        following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        reference = Case.reference + literal("")
        return and_(reference >= prefix, reference < following)
    return Case.reference.like(prefix + "%")


def _description_matches(words: list[str], terms: str | None = None, *, with_complainant: bool) -> ColumnElement:
    """The case's description (or complainant's name) holds every word, tested on the case itself (on
    SQLite, `terms` is the words as an FTS5 expression: by default each as a prefix)."""
    if _dialect() == "sqlite":
        terms = terms or _fts_words(words)
        expression = _fts_description(terms, words, with_complainant=with_complainant)
        fts = table("case_text_search", literal_column("rowid", Integer))
        return exists(
            select(literal(1))
            .select_from(fts)
            .where(literal_column("case_text_search").op("MATCH")(expression), fts.c.rowid == Case.id)
        )
    matches = _ts_matches(Case.description, words)
    if with_complainant:
        matches = or_(matches, _ts_matches(func.coalesce(Case.complainant_name, ""), words))
    return matches


def _named_matches(words: list[str]) -> list[ColumnElement]:
    """A subject or the reporter has every word in their name, tested on the case itself."""
    if _dialect() == "sqlite":
        subject_of = select(case_subjects.c.case_id).where(case_subjects.c.user_id.in_(_people_named(words)))
        # "+ 0" keeps the indexes of ids and reporters from starting the query. Each set is read once: in a
        # correlated subquery SQLite would read the names' index again for every case
        return [(Case.id + literal(0)).in_(subject_of), (Case.reporter_id + literal(0)).in_(_people_named(words))]
    # PostgreSQL: tests of the case's own rows (no set to build first, which the planner would count again
    # for each case when it starts from the person's few cases)
    subject, reporter = aliased(User), aliased(User)
    return [
        exists(
            select(literal(1))
            .select_from(case_subjects.join(subject, subject.id == case_subjects.c.user_id))
            .where(case_subjects.c.case_id == Case.id, _ts_matches(subject.name, words))
        ),
        exists(select(literal(1)).where(reporter.id == Case.reporter_id, _ts_matches(reporter.name, words))),
    ]


def _fts_words_exactly(words: list[str]) -> str:
    """An FTS5 expression of every word, each as the whole words of the index it begins where there are
    few (ASCII words only: their lower case is the index's), else as a prefix."""
    expandable = [word for word in words if word.isascii()]
    expansions: dict[str, list[str]] = {word: [] for word in expandable}
    if expandable:
        ranges = [
            select(literal(word).label("word"), literal_column("term"))
            .select_from(table(SQLITE_VOCABULARY, schema="temp"))
            .where(literal_column("term") >= word, literal_column("term") < word[:-1] + chr(ord(word[-1]) + 1))
            .limit(EXPANSION_MAX + 1)
            for word in expandable
        ]
        query = ranges[0] if len(ranges) == 1 else union_all(*(r.subquery().select() for r in ranges))
        for word, term in db.session.execute(query):
            expansions[word].append(term)
    parts = []
    for word in words:
        terms = expansions.get(word)
        if terms and len(terms) <= EXPANSION_MAX and all(_WORD.fullmatch(term) for term in terms):
            parts.append("(" + " OR ".join(f'"{term}"' for term in terms) + ")")
        else:
            parts.append(f'"{word}"*')
    return "(" + " AND ".join(parts) + ")"


def search_index_segments() -> int | None:
    """On SQLite, how many segments the description index is in (None on PostgreSQL)."""
    if _dialect() != "sqlite":
        return None
    return db.session.scalar(
        select(func.count(literal_column("segid").distinct())).select_from(table("case_text_search_idx"))
    )


def optimise_search_indexes() -> None:
    """On SQLite, merge each FTS5 index's segments into one. Cases added one at a time leave an index in a
    dozen or more segments (FTS5 merges them only in groups), and the list-order plan looks each case it
    tests up in every segment: in one, a search testing each case costs about a sixth. PostgreSQL keeps its
    GIN indexes tidy itself (autovacuum)."""
    if _dialect() != "sqlite":
        return
    for name in SQLITE_SEARCH_TABLES:
        # The names are this module's constants, not anything typed
        db.session.execute(text(f"INSERT INTO {name}({name}) VALUES ('optimize')"))  # noqa: S608


def _one_of(queries):
    return queries[0] if len(queries) == 1 else union(*queries)


def include_in_schema_comparison(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: the search's tables and indexes are made by migration 0012, not
    from the models, so comparing the models with the database leaves them out."""
    return not (reflected and compare_to is None and is_search_object(name))
