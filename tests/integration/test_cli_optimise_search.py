"""`flask casework optimise-search`: the nightly merge of the SQLite search index into one piece."""

from casework.extensions import db
from casework.services.case_filters import CaseFilters
from casework.services.case_search import search_index_segments
from casework.services.cases import list_cases


def test_the_index_is_merged_into_one_piece_and_finds_the_same_cases(app, db_session, make_user, make_case):
    hr = make_user("hr")
    reporter, subject = make_user(), make_user(name="Sam Okonkwo")
    for number in range(6):
        with db_session.begin_nested():  # each a piece of the index of its own
            make_case(reporter, subjects=[subject], description=f"Posted leaflet number {number} online.")
    before = [case.reference for case in list_cases(hr, CaseFilters(search="leaflet"), per_page=50).items]
    assert len(before) == 6
    pieces = search_index_segments()
    assert pieces is None or pieces > 1
    result = app.test_cli_runner().invoke(args=["casework", "optimise-search"])
    assert result.exit_code == 0, result.output
    if db.session.get_bind().dialect.name == "sqlite":
        assert search_index_segments() == 1
        assert f"was in {pieces} pieces; it is in one" in result.output
    else:
        assert "Nothing to do" in result.output
    after = [case.reference for case in list_cases(hr, CaseFilters(search="leaflet"), per_page=50).items]
    assert after == before
