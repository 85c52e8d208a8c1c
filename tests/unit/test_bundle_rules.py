"""How the hearing bundle lays out an image and which files it shows as pages (casework.domain.bundle)."""

from types import SimpleNamespace

import pytest

from casework.domain.bundle import MAX_IMAGE_PAGES, ImageLayout, image_layout, placement, problem, title

BOX = (480.0, 670.0)  # the room under an evidence page's caption, in points


def test_a_small_screenshot_is_drawn_at_its_own_size():
    assert image_layout(400, 300, *BOX) == ImageLayout(300.0, 225.0, 1)


def test_a_wide_photo_is_scaled_to_the_width_of_the_page():
    layout = image_layout(4000, 3000, *BOX)
    assert (layout.width, layout.height, layout.slices) == (480.0, 360.0, 1)


def test_a_tall_phone_screenshot_shrinks_to_one_page():
    layout = image_layout(1170, 2532, *BOX)
    assert layout.slices == 1 and layout.height == 670.0 and layout.width >= BOX[0] / 2


def test_a_long_full_page_capture_runs_over_pages_at_full_width():
    layout = image_layout(1280, 6000, *BOX)
    assert layout.width == 480.0 and layout.slices == 4  # 2,250 points long


def test_an_endless_page_is_capped_and_shrunk_to_fit():
    layout = image_layout(1280, 200_000, *BOX)
    assert layout.slices == MAX_IMAGE_PAGES
    assert layout.height == pytest.approx(MAX_IMAGE_PAGES * BOX[1])


def test_an_image_without_size_is_refused():
    with pytest.raises(ValueError):
        image_layout(0, 10, *BOX)


@pytest.mark.parametrize(
    "content_type, expected",
    [
        ("image/png", "image"),
        ("image/jpeg", "image"),
        ("image/gif", "image"),
        ("image/webp", "image"),
        ("application/pdf", "pdf"),
        ("image/heic", "listed"),
        ("video/mp4", "listed"),
        ("text/html", "listed"),
        ("application/warc", "listed"),
        (None, "listed"),
    ],
)
def test_images_and_pdfs_are_pages_and_the_rest_are_listed(content_type, expected):
    assert placement(content_type) == expected


def test_there_is_a_bundle_once_there_is_a_hearing_or_an_appeal():
    assert "no hearing or appeal" in problem(SimpleNamespace(hearings=[], appeals=[]))
    assert problem(SimpleNamespace(hearings=[object()], appeals=[])) is None
    assert title(SimpleNamespace(hearings=[object()], appeals=[])) == "Hearing bundle"
    assert title(SimpleNamespace(hearings=[object()], appeals=[object()])) == "Appeal bundle"
