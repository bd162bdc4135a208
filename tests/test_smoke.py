def test_health_check_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_member_sees_team_home_after_logging_in(make, login_as, client):
    owner = make.person(name="Ada")
    team = make.team(owner, slug="core", name="Core team")
    login_as(owner)
    response = client.get("/t/core/")
    assert response.status_code == 200
    assert "Core team" in response.get_data(as_text=True)
    assert team.slug == "core"
