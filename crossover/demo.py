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


# (organization, name, expertise, languages, capacity)
DEMO_MENTORS = [
    ("kaede-denki", "高橋 誠", ["製造", "品質管理", "キャリア相談"], ["ja"], 3),
    ("kaede-denki", "Emily Carter", ["global HR", "career coaching"], ["en", "ja"], 2),
    ("hikari-shoji", "佐藤 由美", ["営業", "新規事業", "役職定年後の働き方"], ["ja"], 3),
    ("hikari-shoji", "中村 健", ["財務", "スタートアップ支援"], ["ja", "en"], 2),
    ("minato-bank", "小林 恵子", ["金融", "地域連携", "NPO"], ["ja"], 3),
    ("minato-bank", "伊藤 大輔", ["IT", "リスキリング"], ["ja"], 2),
]


def _demo_mentors(orgs: dict[str, Organization]) -> None:
    from crossover.mentoring.models import Mentor

    for slug, name, expertise, languages, capacity in DEMO_MENTORS:
        exists = db.session.scalar(sa.select(Mentor).where(Mentor.name == name, Mentor.organization_id == orgs[slug].id))
        if exists is None:
            db.session.add(Mentor(organization_id=orgs[slug].id, name=name, expertise=expertise,
                                  languages=languages, capacity=capacity))
    db.session.commit()


def load_demo() -> list[tuple[str, str, str]]:
    """Create (or keep) the demo organizations, users and mentors; return the credentials."""
    seed_all()
    orgs = {slug: _org(slug, name) for slug, name in DEMO_ORGS}
    for email, role, org_slug in DEMO_USERS:
        if db.session.scalar(sa.select(User).where(User.email == email)) is None:
            auth_services.create_user(email, DEMO_PASSWORD, role, orgs.get(org_slug))
    _demo_mentors(orgs)
    return [(email, DEMO_PASSWORD, role.value) for email, role, _ in DEMO_USERS]
