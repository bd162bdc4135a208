"""The retros section of a digest: open action items by owner, overdue first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

sections = pytest.importorskip("teamkit.sections")

from teamkit.retros import actions, review, services  # noqa: E402
from teamkit.retros.digest import digest_section  # noqa: E402

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _context():
    return sections.SectionContext(now=NOW, base_url="http://teamkit.test")


def test_open_items_grouped_by_owner_with_overdue_first(session, crew, as_member):
    member, owner = as_member(crew.member), as_member(crew.owner)
    retro = services.create_retro(session, member, title="Disk full")
    today = NOW.date()
    actions.create_action_item(
        session, owner, retro, title="Later", owner_id=owner.id, due_date=today + timedelta(days=5)
    )
    actions.create_action_item(
        session, member, retro, title="Late", owner_id=member.id, due_date=today - timedelta(days=3)
    )
    done = actions.create_action_item(session, member, retro, title="Done", owner_id=member.id)
    actions.update_action_item(session, member, done, {"status": "done", "closing_note": "ok"})
    section = digest_section(session, crew.team, _context())
    assert section is not None and section.key == "retros"
    assert [item.title for item in section.items] == ["Ada Lovelace: Late", "Grace Hopper: Later"]
    assert section.items[0].lines == ("overdue by 3 days · open · from “Disk full”",)
    assert section.summary == "2 open action items, 1 overdue" and section.highlights == ()
    assert section.link is not None and section.link.url.endswith("/t/crew/action-items")
    assert sections.DigestSection.from_data(section.to_data()) == section


def test_no_open_items_no_section(session, crew):
    assert digest_section(session, crew.team, _context()) is None


def test_a_flagged_wording_stays_out_of_the_digest_until_kept(session, crew, as_member):
    member = as_member(crew.member)
    retro = services.create_retro(session, member, title="Disk full")
    item = actions.create_action_item(
        session, member, retro, title="Make sure Alan double-checks the disk", owner_id=member.id
    )
    actions.create_action_item(
        session, member, retro, title="Alert at 80% disk", owner_id=member.id
    )

    def titles() -> list[str]:
        section = digest_section(session, crew.team, _context())
        assert section is not None
        return [entry.title for entry in section.items]

    held = f"Ada Lovelace: {review.WORDING_HELD}"
    assert sorted(titles()) == sorted([held, "Ada Lovelace: Alert at 80% disk"])
    assert not any("Alan" in title for title in titles())
    actions.acknowledge_coach(session, member, item)
    assert "Ada Lovelace: Make sure Alan double-checks the disk" in titles()
    actions.update_action_item(session, member, item, {"title": "Make sure Alan checks it"})
    assert held in titles()
    actions.update_action_item(session, member, item, {"title": "Alert on disk growth"})
    assert "Ada Lovelace: Alert on disk growth" in titles()
