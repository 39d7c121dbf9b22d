"""Demo organizations and users for a newcomer's first look (never for production)."""
import sqlalchemy as sa

from crossover.auth import services as auth_services
from crossover.auth.models import Organization, Role, User
from crossover.extensions import db
from crossover.seed import seed_all

DEMO_PASSWORD = "crossover-demo"
DEMO_ORGS = [
    ("kaede-denki", "楓電機株式会社"),
    ("hikari-shoji", "ひかり商事株式会社"),
    ("minato-bank", "みなと銀行"),
]
DEMO_USERS = [
    ("admin@demo.example", Role.ADMIN, None),
    ("reviewer@demo.example", Role.REVIEWER, None),
    ("owner@kaede-denki.example", Role.OWNER, "kaede-denki"),
    ("owner@hikari-shoji.example", Role.OWNER, "hikari-shoji"),
    ("owner@minato-bank.example", Role.OWNER, "minato-bank"),
]


def _org(slug: str, name: str) -> Organization:
    existing = db.session.scalar(sa.select(Organization).where(Organization.slug == slug))
    return existing or auth_services.create_org(slug, name)


def load_demo() -> list[tuple[str, str, str]]:
    """Create (or keep) the demo organizations and users; return their credentials."""
    seed_all()
    orgs = {slug: _org(slug, name) for slug, name in DEMO_ORGS}
    for email, role, org_slug in DEMO_USERS:
        if db.session.scalar(sa.select(User).where(User.email == email)) is None:
            auth_services.create_user(email, DEMO_PASSWORD, role, orgs.get(org_slug))
    return [(email, DEMO_PASSWORD, role.value) for email, role, _ in DEMO_USERS]
