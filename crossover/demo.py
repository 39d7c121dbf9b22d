"""Demo organizations and users for a newcomer's first look (never for production)."""

from datetime import date, timedelta

import sqlalchemy as sa

from crossover.auth import services as auth_services
from crossover.auth.models import Organization, Role, User
from crossover.company.models import CompanySurvey, SurveyRound
from crossover.company.publication import published
from crossover.config import local_today
from crossover.extensions import db
from crossover.pilots.models import Pilot
from crossover.seed import seed_all
from crossover.simulate import CompanySpec, PilotSpec, simulate_company_survey, simulate_pilot

DEMO_PASSWORD = "crossover-demo"
DEMO_ORGS = [
    ("kaede-denki", "楓電機株式会社"),
    ("hikari-shoji", "ひかり商事株式会社"),
    ("minato-bank", "みなと銀行"),
    # consortium members without demo users: their company surveys fill the consortium view
    ("sakura-kensetsu", "さくら建設株式会社"),
    ("aozora-iryo", "あおぞら医療グループ"),
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
        exists = db.session.scalar(
            sa.select(Mentor).where(Mentor.name == name, Mentor.organization_id == orgs[slug].id)
        )
        if exists is None:
            db.session.add(
                Mentor(
                    organization_id=orgs[slug].id,
                    name=name,
                    expertise=expertise,
                    languages=languages,
                    capacity=capacity,
                )
            )
    db.session.commit()


# Closed pilots with a real effect, none, an adverse one, one too small to report, and a
# controlled one; together they cover several grid cells and all three organizations.
DEMO_PILOTS = [
    PilotSpec(
        "kaede-denki",
        "community-external-mentoring",
        "社外メンタリング 2025 春",
        "mentoring",
        40,
        0.30,
    ),
    PilotSpec(
        "hikari-shoji",
        "peer-career-interview",
        "越境キャリア・インタビュー 2025",
        "career_interview",
        34,
        0.12,
    ),
    PilotSpec(
        "minato-bank", "academia-online-relearning", "学び直し講座トライアル", "other", 30, 0.0
    ),
    PilotSpec(
        "kaede-denki",
        "internal-lunch-dialogue",
        "他部署ランチ・ダイアログ",
        "other",
        30,
        -0.35,
        direction="two-sided",
    ),
    PilotSpec(
        "hikari-shoji", "startup-pro-bono", "スタートアップ・プロボノ（小規模）", "other", 4, 0.5
    ),
    PilotSpec(
        "minato-bank",
        "community-external-mentoring",
        "社外メンタリング（比較群あり）",
        "mentoring",
        30,
        0.45,
        comparison_n=28,
        allocation="randomised",
    ),
    PilotSpec(
        "minato-bank", "peer-mentoring-circle", "相互メンタリング・サークル", "mentoring", 26, 0.10
    ),
    PilotSpec("hikari-shoji", "public-npo-pro-bono", "NPOプロボノ 2025", "other", 24, 0.06),
    PilotSpec(
        "kaede-denki",
        "peer-career-interview",
        "越境キャリア・インタビュー（楓電機）",
        "career_interview",
        36,
        0.20,
    ),
]


def _demo_pilots() -> int:
    """Simulated pilots, created once (a second `crossover demo` finds them and adds nothing)."""
    if db.session.scalar(sa.select(sa.exists().where(Pilot.title == DEMO_PILOTS[0].title))):
        return 0
    for seed, spec in enumerate(DEMO_PILOTS, start=2025):
        simulate_pilot(spec, seed)
    db.session.commit()
    return len(DEMO_PILOTS)


COMPANY_SURVEY_TITLE = "キャリア・オーナーシップ調査"
# (organization, employees, mean latent ownership): 楓電機 is the demo owner's company.
DEMO_COMPANIES = [
    ("kaede-denki", 400, 3.2),
    ("hikari-shoji", 120, 3.0),
    ("minato-bank", 100, 2.9),
    ("sakura-kensetsu", 90, 3.1),
    ("aozora-iryo", 80, 3.3),
]


def _round_windows() -> list[tuple[str, date, date]]:
    """2024 and 2025: closed autumn windows; 2026: open now (two weeks in, two to go)."""
    today = local_today()
    return [
        ("2024", date(2024, 10, 1), date(2024, 10, 31)),
        ("2025", date(2025, 10, 1), date(2025, 10, 31)),
        ("2026", today - timedelta(days=14), today + timedelta(days=14)),
    ]


def _demo_company_surveys() -> int:
    """One company survey of three rounds per demo company, created once."""
    if db.session.scalar(sa.select(sa.exists().where(CompanySurvey.title == COMPANY_SURVEY_TITLE))):
        return 0
    for seed, (slug, employees, level) in enumerate(DEMO_COMPANIES, start=2024):
        spec = CompanySpec(
            slug,
            COMPANY_SURVEY_TITLE,
            employees,
            level,
            _round_windows(),
            with_email_in="2026" if slug == "kaede-denki" else None,
        )
        simulate_company_survey(spec, seed)
    db.session.commit()
    return len(DEMO_COMPANIES)


DEMO_FOCUS_ROUND = "2024"  # the focus area's round; 2025, also closed, follows it
DEMO_FOCUS_INITIATIVE = "community-external-mentoring"


def _demo_focus() -> int:
    """The demo owner's company marks its lowest subscale on its 2024 round as a focus area,
    with one action and a draft pilot from it; its closed 2025 round gives the change. Created
    once; the rounds' publications are the ones their first read makes."""
    from crossover.catalogue.models import Initiative
    from crossover.focus import services as focus
    from crossover.focus.models import FocusArea

    owner = db.session.scalar(sa.select(User).where(User.email == "owner@kaede-denki.example"))
    survey = db.session.scalar(
        sa.select(CompanySurvey).where(
            CompanySurvey.organization_id == owner.organization_id,
            CompanySurvey.title == COMPANY_SURVEY_TITLE,
        )
    )
    if survey is None or db.session.scalar(
        sa.select(sa.exists().where(FocusArea.company_survey_id == survey.id))
    ):
        return 0
    survey_round = db.session.scalar(
        sa.select(SurveyRound).where(
            SurveyRound.company_survey_id == survey.id, SurveyRound.label == DEMO_FOCUS_ROUND
        )
    )
    subscales = published(survey_round)["results"]["subscales"]
    lowest = min((s for s in subscales if not s["suppressed"]), key=lambda s: s["mean"])
    area = focus.create_focus(
        survey_round.id,
        {
            "scale": lowest["key"],
            "note": "全社で最も低い下位尺度。社外との接点を増やして伸ばしたい。",
        },
        actor=owner,
    )
    focus.add_action(
        area,
        {
            "what": "部署横断のキャリア対話会を四半期ごとに開催",
            "who": "人事部 キャリア開発チーム",
            "starts_on": date(2025, 1, 15),
            "ends_on": date(2025, 9, 30),
            "status": "done",
        },
        actor=owner,
    )
    initiative = db.session.scalar(
        sa.select(Initiative).where(Initiative.key == DEMO_FOCUS_INITIATIVE)
    )
    focus.start_pilot(area, {"initiative_id": initiative.id}, actor=owner)
    return 1


def load_demo() -> list[tuple[str, str, str]]:
    """Create (or keep) the demo organizations, users, mentors and pilots; return the
    credentials."""
    seed_all()
    orgs = {slug: _org(slug, name) for slug, name in DEMO_ORGS}
    for email, role, org_slug in DEMO_USERS:
        if db.session.scalar(sa.select(User).where(User.email == email)) is None:
            auth_services.create_user(email, DEMO_PASSWORD, role, orgs.get(org_slug))
    _demo_mentors(orgs)
    _demo_pilots()
    _demo_company_surveys()
    _demo_focus()
    return [(email, DEMO_PASSWORD, role.value) for email, role, _ in DEMO_USERS]
