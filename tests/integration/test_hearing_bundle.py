"""The hearing bundle read back: contents, page numbers, markings, evidence as pages, seal and signature."""

from casework.services.bundle import hearing_bundle, verify_bundle
from tests.bundle_samples import at_hearing, council, pages_text, with_evidence


def test_explore(make_department, make_user, make_case, db_session):
    p = council(make_department, make_user)
    case = at_hearing(p, make_case)
    with_evidence(case, p["owner"])
    bundle = hearing_bundle(case, p["hr"])
    open("/tmp/bundle_out/explore.pdf", "wb").write(bundle.pdf)
    for n, page in enumerate(pages_text(bundle.pdf), 1):
        print("=== page", n)
        print(page)
    print(verify_bundle(bundle.pdf))
