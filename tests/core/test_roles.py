"""What each persona's roles let them see: their organisation and below, nothing beside it."""

from yangguang.core.models import Role
from yangguang.core.selectors import has_role, organisation_for, organisations_for

from ..conftest import make_person


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_role_covers_its_subtree(world, disclosure_officer):
    assert codes(organisations_for(disclosure_officer)) == ["C-SFJ", "C-SFJ-FLYZ"]


def test_narrow_assignment_covers_only_that_organisation(world):
    from yangguang.core.services import role_grant, user_create

    person = user_create(actor=None, username="narrow", password="Persona@2026", full_name="窄", organisation=world.county)
    role_grant(actor=None, user=person, organisation=world.county, role=Role.LEADER, include_descendants=False)
    assert codes(organisations_for(person)) == ["C-A"]


def test_roles_filter(world):
    person = make_person("multi", Role.REVIEWER, world.centre)
    from yangguang.core.services import role_grant

    role_grant(actor=None, user=person, organisation=world.county, role=Role.SUPERVISOR)
    assert codes(organisations_for(person, [Role.REVIEWER])) == ["C-ZWFW"]
    assert codes(organisations_for(person, [Role.SUPERVISOR])) == ["C-A", "C-A-1", "C-A-1-01"]


def test_outsider_sees_nothing_of_the_other_county(world, outsider, disclosure_officer):
    assert codes(organisations_for(outsider)) == ["C-B"]
    assert organisation_for(outsider, world.county.pk) is None
    assert organisation_for(outsider, world.justice.pk) is None
    assert organisation_for(disclosure_officer, world.other_county.pk) is None


def test_anonymous_and_inactive_see_nothing(world, clerk):
    from django.contrib.auth.models import AnonymousUser

    assert not organisations_for(AnonymousUser()).exists()
    clerk.is_active = False
    assert not organisations_for(clerk).exists()
    assert not has_role(clerk, Role.WINDOW_CLERK)


def test_path_follows_the_tree(world):
    assert world.village.path == "/C/C-A/C-A-1/C-A-1-01/"
    assert world.village.depth == 4


def test_moving_an_organisation_moves_its_subtree_and_the_roles_follow(world, disclosure_officer):
    world.county.parent = world.justice  # an odd move, but any move must keep paths right
    world.county.save()
    world.village.refresh_from_db()
    assert world.village.path == "/C/C-SFJ/C-A/C-A-1/C-A-1-01/"
    assert "C-A-1-01" in codes(organisations_for(disclosure_officer))


def test_an_organisation_cannot_move_under_its_own_descendant(world):
    import pytest
    from django.core.exceptions import ValidationError

    world.county.parent = world.village
    with pytest.raises(ValidationError):
        world.county.full_clean()
