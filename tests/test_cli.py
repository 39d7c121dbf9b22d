"""The crossover command group."""

import sqlalchemy as sa

from crossover.auth.models import Organization, Role, User
from crossover.catalogue.models import Initiative
from crossover.extensions import db


def test_create_org_and_owner(app, runner):
    result = runner.invoke(args=["crossover", "create-org", "acme", "--name", "Acme 株式会社"])
    assert result.exit_code == 0 and "Created organization acme" in result.output
    result = runner.invoke(
        args=[
            "crossover",
            "create-user",
            "hr@acme.example",
            "--role",
            "owner",
            "--org",
            "acme",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "hr@acme.example"))
        assert user.role is Role.OWNER and user.organization.slug == "acme"
        assert "long enough pw" not in user.password_hash


def test_create_user_prompts_for_password(app, runner):
    result = runner.invoke(
        args=["crossover", "create-user", "admin@x.example", "--role", "admin"],
        input="a secret pass\na secret pass\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "admin@x.example")) is not None


def test_cli_refuses_bad_input_clearly(runner):
    result = runner.invoke(
        args=[
            "crossover",
            "create-user",
            "o@x.example",
            "--role",
            "owner",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code != 0 and "organization" in result.output
    result = runner.invoke(
        args=[
            "crossover",
            "create-user",
            "o@x.example",
            "--role",
            "owner",
            "--org",
            "nope",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code != 0 and "nope" in result.output
    result = runner.invoke(args=["crossover", "create-org", "Bad Slug", "--name", "x"])
    assert result.exit_code != 0 and "slug" in result.output
    runner.invoke(args=["crossover", "create-org", "acme", "--name", "x"])
    result = runner.invoke(args=["crossover", "create-org", "acme", "--name", "x"])
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(
        args=["crossover", "create-user", "a@x.example", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code != 0 and "password" in result.output


def test_seed_twice_changes_nothing(app, runner):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Initiative))
    result = runner.invoke(args=["crossover", "seed"])
    assert result.exit_code == 0 and "initiatives: 0 added" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == before


def test_demo_creates_orgs_and_users_and_prints_credentials(app, runner):
    result = runner.invoke(args=["crossover", "demo"])
    assert result.exit_code == 0, result.output
    assert "owner@kaede-denki.example" in result.output and "crossover-demo" in result.output
    again = runner.invoke(args=["crossover", "demo"])
    assert again.exit_code == 0
    with app.app_context():
        # three with demo owners, two more whose company surveys fill the consortium view
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 5
