"""Where one page's time goes: profile requests to it in-process, on a database `make bench` kept.

    .venv/bin/python scripts/bench_pages.py --keep --sizes 1000 --pages list --duration 1
    .venv/bin/python scripts/profile_page.py /tmp/casework-bench-XXXX /cases --as manager --requests 50

Prints the mean time per request (wall clock, this process alone) and the functions that took
the most of it, cumulative and own time. A developer's tool: the figures for issue 11 come from
`make bench`, which measures the served pages under load.
"""

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USER_AGENT = "casework-profile/1"
SIGN_INS = {
    "manager": "manager@demo.invalid",
    "hr": "hr@demo.invalid",
    "employee": "employee@demo.invalid",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="the instance folder `bench_pages.py --keep` printed")
    parser.add_argument("path", help="the page, such as /cases")
    parser.add_argument("--as", dest="who", default="manager", choices=sorted(SIGN_INS))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    args = parser.parse_args()

    os.environ["CASEWORK_INSTANCE_PATH"] = args.folder
    from casework import create_app
    from casework.services import demo

    app = create_app()
    client = app.test_client()
    headers = {"User-Agent": USER_AGENT}
    page = client.get("/sign-in", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    signed = client.post(
        "/sign-in",
        data={"email": SIGN_INS[args.who], "password": demo.DEMO_PASSWORD, "csrf_token": token},
        headers=headers,
    )
    if signed.status_code != 302:
        print(f"{SIGN_INS[args.who]} could not sign in ({signed.status_code})", file=sys.stderr)
        return 1
    for _ in range(3):  # warm up: templates compiled, connections open
        response = client.get(args.path, headers=headers)
        if response.status_code != 200 and not os.environ.get("ANY_STATUS"):
            print(f"{args.path}: HTTP {response.status_code}", file=sys.stderr)
            return 1
    start = time.perf_counter()
    for _ in range(args.requests):
        client.get(args.path, headers=headers)
    plain = (time.perf_counter() - start) / args.requests
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        client.get(args.path, headers=headers)
    profiler.disable()
    print(f"{args.path} as {args.who}: {plain * 1000:.1f} ms a request ({args.requests} requests, not profiled)")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
