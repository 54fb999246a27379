"""`tisot paper` reproduces the paper in its own setting and says so: no screening, m along H."""

from tisot.experiments.paper import _report


def test_report_states_the_papers_setting():
    attrs = {"tisot_version": "x", "git_commit": "y", "date_created": "z", "constants": "c"}
    text = _report(None, None, None, None, {}, attrs)
    assert "**not screened**" in text and "m at rest along H" in text
