"""A complete project brief for a proposed council account (Social Networking Policy 7.2)."""

BRIEF = {
    "purpose": "Tell residents about repairs and estate news",
    "audience": "People living on council estates",
    "run_by": "The housing communications officer",
    "moderation": "Comments checked twice a working day by the team leader",
    "resourcing": "Two hours a week from the housing team",
}
