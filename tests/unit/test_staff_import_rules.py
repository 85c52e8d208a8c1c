"""Reading the HR system's staff directory: the rules, without Flask or a database (issue 12, item 1)."""

import pytest

from casework.domain.staff_import import DirectoryRefused, line_manager_cycles, parse_date, read_directory

HEADER = (
    "Employee number,E-mail,First name,Last name,Job title,Department,Line manager,Staff type,"
    "Contractor organisation,Start date,Leaving date\n"
)


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


GOOD = "E1,sam@council.example,Sam,Jones,Officer,Housing,,employee,,01/04/2020,"


def test_a_good_row_is_read_with_its_row_number():
    directory = read_directory(csv_of(GOOD, "E2,ali@council.example,Ali,Khan,,,E1,Agency worker,,2021-05-06,"))
    assert directory.problems == {}
    first, second = directory.rows
    assert (first.row, first.employee_number, first.email, first.name, first.department) == (
        2,
        "E1",
        "sam@council.example",
        "Sam Jones",
        "Housing",
    )
    assert str(first.start_date) == "2020-04-01"
    assert (second.row, second.staff_type, second.line_manager) == (3, "agency", "e1")


def test_excel_byte_order_mark_is_read_as_utf8():
    directory = read_directory(b"\xef\xbb\xbf" + csv_of(GOOD.replace("Jones", "Jöñes")))
    assert directory.problems == {}
    assert directory.rows[0].name == "Sam Jöñes"


def test_windows_1252_is_refused_with_how_to_save_it():
    with pytest.raises(DirectoryRefused) as refused:
        read_directory(csv_of(GOOD.replace("Jones", "Jöñes")).decode("utf-8").encode("cp1252"))
    assert "not UTF-8" in refused.value.message and "CSV UTF-8" in refused.value.message
    assert "row 2" in refused.value.message


def test_a_missing_heading_is_refused_naming_it():
    with pytest.raises(DirectoryRefused) as refused:
        read_directory(csv_of(GOOD, header="Employee number,First name,Last name\n"))
    assert "“E-mail”" in refused.value.message
    with pytest.raises(DirectoryRefused) as refused:
        read_directory(b"E1,sam@council.example,Sam,Jones\n")  # data where the headings should be
    assert "headings" in refused.value.message
    with pytest.raises(DirectoryRefused):
        read_directory(b"")


def test_a_column_map_reads_another_export():
    header = "Payroll ID,Work Email,Forename,Surname,Org Unit\n"
    data = csv_of("P9,kim@council.example,Kim,Lee,Libraries", header=header)
    with pytest.raises(DirectoryRefused):
        read_directory(data)  # "Payroll ID" is not a known heading
    directory = read_directory(data, columns={"employee_number": "Payroll ID", "department": ["Org Unit"]})
    assert (directory.rows[0].employee_number, directory.rows[0].department) == ("P9", "Libraries")
    with pytest.raises(ValueError):
        read_directory(data, columns={"shoe_size": "Shoe"})


def test_too_many_rows_is_refused():
    rows = [f"E{i},p{i}@council.example,P,{i},,,,,,," for i in range(11)]
    with pytest.raises(DirectoryRefused) as refused:
        read_directory(csv_of(*rows), max_rows=10)
    assert "more than 10 people" in refused.value.message
    assert len(read_directory(csv_of(*rows[:10]), max_rows=10).rows) == 10


def test_a_huge_cell_is_refused_not_read():
    huge = "x" * (10 * 1024 * 1024)
    with pytest.raises(DirectoryRefused) as refused:
        read_directory(csv_of(f'E1,sam@council.example,Sam,"{huge}",,,,,,,'))
    assert "Row 2" in refused.value.message
    directory = read_directory(csv_of(f"E1,sam@council.example,Sam,{'y' * 5000},,,,,,,"))
    assert "5,000 characters" in directory.problems[2][0]


@pytest.mark.parametrize(
    "row, problem",
    [
        ("E1,sam@council.example,=HYPERLINK(1),Jones,,,,,,,", "looks like a spreadsheet formula"),
        ("E1,sam@council.example,Sam,+Jones,,,,,,,", "looks like a spreadsheet formula"),
        ("E1,sam@council.example,Sam,@SUM(A1),,,,,,,", "looks like a spreadsheet formula"),
        ("E1,sam@council.example,Sam,Jones,,,,wizard,,,", "“wizard” is not a staff type"),
        ("E1,sam@council.example,Sam,Jones,,,,,,31/02/2020,", "the start date “31/02/2020” is not a date"),
        ("E1,sam@council.example,Sam,Jones,,,,,,,next week", "the leaving date “next week” is not a date"),
        ("E1,sam@council.example,Sam,Jones,,,,,,2020-05-01,2020-04-01", "leaving date is before the start date"),
        ("E1,sam@council.example,Sam,Jones,,,,contractor,,,", "contractor needs their contractor organisation"),
        ("E1,not-an-email,Sam,Jones,,,,,,,", "is not an e-mail address"),
        (",sam@council.example,Sam,Jones,,,,,,,", "the employee number is missing"),
        ("E1,sam@council.example,Sam\u202e,Jones,,,,,,,", "control or formatting characters"),
    ],
)
def test_a_bad_row_is_listed_with_its_number_and_why(row, problem):
    directory = read_directory(csv_of(GOOD.replace("E1", "E0").replace("sam@", "zed@"), row))
    assert list(directory.problems) == [3]
    assert problem in "; ".join(directory.problems[3])
    assert [r.row for r in directory.good_rows] == [2]


def test_every_row_sharing_an_email_or_number_is_listed():
    directory = read_directory(
        csv_of(
            GOOD,
            "E2,SAM@council.example,Sam,Again,,,,,,,",
            "E1,third@council.example,Third,Person,,,,,,,",
            "E4,fourth@council.example,Fourth,Person,,,,,,,",
        )
    )
    assert sorted(directory.problems) == [2, 3, 4]
    assert "the e-mail sam@council.example is also on row 3" in directory.problems[2]
    assert "the employee number e1 is also on row 2" in directory.problems[4]


def test_dates_uk_and_iso():
    assert str(parse_date("31/03/2026")) == str(parse_date("2026-03-31")) == "2026-03-31"
    with pytest.raises(ValueError):
        parse_date("03/31/2026")


def test_line_manager_cycles():
    assert line_manager_cycles({"a": "b", "b": "c", "c": None}) == []
    assert line_manager_cycles({"a": "b", "b": "a", "c": "a"}) == [["a", "b"]]
    assert line_manager_cycles({"a": "a", "x": "y", "y": "x"}) == [["a"], ["x", "y"]]
    assert line_manager_cycles({"a": "b", "b": "c", "c": "d", "d": "b", "e": "d"}) == [["b", "c", "d"]]
