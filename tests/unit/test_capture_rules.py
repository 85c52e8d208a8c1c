"""Which addresses "Capture this web page" accepts, before anything is fetched (no Flask, no network)."""

import pytest

from casework.domain.capture import address_problem, url_problem


@pytest.mark.parametrize(
    "url, words",
    [
        ("file:///etc/passwd", "not file addresses"),
        ("ftp://example.com/file", "not ftp addresses"),
        ("javascript:alert(1)", "not javascript addresses"),
        ("data:text/html,hi", "not data addresses"),
        ("http://127.0.0.1:5432", "loopback"),
        ("http://127.1.2.3/", "loopback"),
        ("http://[::1]:8080/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://localhost:5000/admin", "this server itself"),
        ("http://intranet.localhost/", "this server itself"),
        ("http://10.0.0.5/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://172.16.4.4/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "private"),
        ("http://0.0.0.0/", "private"),
        ("http://user:secret@example.com/", "user name and password"),
        ("http://", "starting with http"),
        ("http://exa mple.com/", "starting with http"),
        ("http://example.com:99999/", "starting with http"),
        ("", "Enter the web address"),
        ("https://example.com/" + "a" * 2000, "starting with http"),
    ],
)
def test_addresses_that_can_never_be_captured_are_refused_with_the_reason(url, words):
    problem = url_problem(url)
    assert problem is not None and words in problem


@pytest.mark.parametrize(
    "url", ["https://www.facebook.com/jo.bloggs/posts/1", "http://93.184.215.14/page", "https://[2606:4700::1111]/"]
)
def test_public_pages_are_accepted(url):
    assert url_problem(url) is None


def test_a_network_allowed_in_config_is_accepted():
    assert url_problem("http://127.0.0.1:5432", ("127.0.0.0/8",)) is None
    assert url_problem("http://localhost:8000/", ("127.0.0.0/8",)) is None
    assert url_problem("http://10.20.1.1/", ("10.20.0.0/16",)) is None
    assert url_problem("http://10.21.1.1/", ("10.20.0.0/16",)) is not None


def test_resolved_addresses_are_judged_the_same_way():
    assert address_problem("93.184.215.14") is None
    assert "loopback" in address_problem("127.0.0.1")
    assert "private" in address_problem("fd00::1")
    assert address_problem("127.0.0.1", ("127.0.0.0/8",)) is None
