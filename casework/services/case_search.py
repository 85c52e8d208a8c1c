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
"""

import re

from sqlalchemy import Integer, false, func, literal_column, select, table, union
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


def _description_ids(words: list[str], *, with_complainant: bool):
    """The ids of cases whose description (or complainant's name) holds every word."""
    if _dialect() == "sqlite":
        expression = "{description} : " + _fts_words(words)
        if with_complainant:
            expression += " OR {complainant_name} : " + _fts_words(words)
        return [_fts_match("case_text_search", expression)]
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


def search_conditions(text: str) -> tuple[ColumnElement, ColumnElement]:
    """(condition on a case seen in full, condition on a case seen only as its reporter) for the search
    `text`. A search with no words and nothing like a reference matches nothing."""
    words = search_words(text)
    prefix = reference_prefix(text)
    full, reporter = [], []
    if prefix:
        full.append(_by_reference(prefix))
        reporter.append(_by_reference(prefix))
    if words:
        full += _description_ids(words, with_complainant=True) + _named_ids(words)
        reporter += _description_ids(words, with_complainant=False)
    if not full:
        return false(), false()
    return Case.id.in_(_one_of(full)), Case.id.in_(_one_of(reporter)) if reporter else false()


def _one_of(queries):
    return queries[0] if len(queries) == 1 else union(*queries)


def include_in_schema_comparison(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: the search's tables and indexes are made by migration 0012, not
    from the models, so comparing the models with the database leaves them out."""
    return not (reflected and compare_to is None and is_search_object(name))
