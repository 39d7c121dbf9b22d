"""The shipped 12-item career ownership scale (written for crossover; 1–5, four subscales)."""

KEY = "career-ownership-v1"
NAME = "キャリアオーナーシップ尺度 / Career ownership scale"
SCALE_MIN, SCALE_MAX = 1, 5
ANCHORS = [
    (1, "まったくあてはまらない", "Not at all true of me"),
    (2, "あまりあてはまらない", "Rarely true of me"),
    (3, "どちらともいえない", "Neither"),
    (4, "ややあてはまる", "Somewhat true of me"),
    (5, "とてもあてはまる", "Very true of me"),
]
SUBSCALE_LABELS = {
    "vision": ("見通し", "Vision"),
    "agency": ("主体的な行動", "Agency"),
    "learning": ("学びと適応", "Learning"),
    "connection": ("社外とのつながり", "Connection"),
}
# (key, subscale, reverse, text_ja, text_en)
ITEMS = [
    (
        "vision_1",
        "vision",
        False,
        "これから5年の働き方について、自分なりの方向性を持っている。",
        "I have my own sense of direction for how I want to work over the next five years.",
    ),
    (
        "vision_2",
        "vision",
        False,
        "自分が大切にしたい価値観を、仕事の選択に生かせている。",
        "I let the values that matter to me guide my choices at work.",
    ),
    (
        "vision_3",
        "vision",
        True,
        "自分のキャリアの今後は、会社が決めることだと感じる。",
        "I feel that where my career goes next is for the company to decide.",
    ),
    (
        "agency_1",
        "agency",
        False,
        "やりたい仕事について、自分から上司や周囲に働きかけている。",
        "I speak up to my manager and colleagues about the work I want to do.",
    ),
    (
        "agency_2",
        "agency",
        False,
        "キャリアのために、この半年で具体的な行動を一つ以上とった。",
        "In the last six months I took at least one concrete step for my career.",
    ),
    (
        "agency_3",
        "agency",
        True,
        "新しい役割の機会があっても、自分からは手を挙げない。",
        "Even when a new role comes up, I do not put myself forward.",
    ),
    (
        "learning_1",
        "learning",
        False,
        "今の自分に足りない知識やスキルを、自ら学んでいる。",
        "I am learning, on my own initiative, the knowledge and skills I lack.",
    ),
    (
        "learning_2",
        "learning",
        False,
        "これまでのやり方を見直し、新しいやり方を試すことができる。",
        "I can rethink how I have always done things and try new ways.",
    ),
    (
        "learning_3",
        "learning",
        True,
        "この年齢で新しいことを学ぶのは難しいと感じる。",
        "I feel it is hard to learn new things at my age.",
    ),
    (
        "connection_1",
        "connection",
        False,
        "社外に、仕事やキャリアについて率直に話せる人がいる。",
        "I have people outside the company I can talk to frankly about work and career.",
    ),
    (
        "connection_2",
        "connection",
        False,
        "自分の経験が社外でも役に立つと思える。",
        "I believe my experience would be useful outside the company too.",
    ),
    (
        "connection_3",
        "connection",
        True,
        "社外の人と関わる機会はほとんどない。",
        "I hardly ever have a chance to deal with people outside the company.",
    ),
]
