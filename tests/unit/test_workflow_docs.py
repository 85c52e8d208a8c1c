"""docs/workflow.md says what the code does: its table of actions is the transition table."""

import re
from pathlib import Path

from casework.domain.actions import ACTIONS, OPEN_STAGES
from casework.domain.policy import Stage

ROOT = Path(__file__).resolve().parents[2]
PHRASES = {
    "any open stage": OPEN_STAGES,
    "any open stage but reported": OPEN_STAGES - {Stage.REPORTED},
}


def documented_actions() -> dict[str, dict[str, str]]:
    text = (ROOT / "docs" / "workflow.md").read_text()
    table = text.split("## Actions", 1)[1].split("\n\n", 2)[2]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = dict(zip(("from", "to", "who", "needs"), cells[1:], strict=True))
    return rows


def stages(cell: str) -> frozenset:
    return frozenset(PHRASES.get(cell) or {Stage(code.strip()) for code in cell.split(",")})


def test_every_action_is_documented_with_the_stages_it_starts_from():
    rows = documented_actions()
    assert set(rows) == set(ACTIONS)
    for name, spec in ACTIONS.items():
        assert stages(rows[name]["from"]) == spec.from_stages, f"docs/workflow.md: {name} starts from the wrong stages"


def test_every_required_field_is_documented():
    rows = documented_actions()
    for name, spec in ACTIONS.items():
        named = set(re.findall(r"`(\w+)`", rows[name]["needs"]))
        missing = set(spec.required) - named
        assert not missing, f"docs/workflow.md: {name} needs {sorted(missing)}"


def test_the_stage_an_action_leads_to_is_documented():
    rows = documented_actions()
    for name, spec in ACTIONS.items():
        documented = rows[name]["to"]
        if spec.to_stage is None:
            assert documented.startswith("same"), name
        elif spec.to_stage == "previous":
            assert "came from" in documented, name
        else:
            assert documented.split(" ")[0] == spec.to_stage, name


def test_the_access_log_cites_what_the_policies_say():
    """Social Networking Policy 10 is about the council monitoring social media, not about who opened a case."""
    from casework.services import cases

    cited = cases.record_access.__doc__
    assert "Policy 10" not in cited
    assert "Social Networking Policy 4.1" in cited and "§4" in cited
