"""Seed of the reference lists (DOMAIN.md section 4): sectors and target groups, FR and AR.

National administrators edit them in the admin afterwards; seeding only creates
missing codes, it never overwrites an edit.
"""

from __future__ import annotations

from communes.reference import seed_reference_list

# (code, French, Arabic)
SECTORS = [
    ("education-culture", "Éducation et culture", "التربية والثقافة"),
    ("youth-sport-leisure", "Jeunesse, sport et loisirs", "الشباب والرياضة والترفيه"),
    ("health", "Santé", "الصحة"),
    ("housing", "Logement", "السكن"),
    ("social-assistance", "Assistance sociale et humanitaire", "المساعدة الاجتماعية والإنسانية"),
    ("vocational-training", "Formation professionnelle", "التكوين المهني"),
    ("employment", "Emploi et inclusion économique", "التشغيل والإدماج الاقتصادي"),
    (
        "civil-status-legal",
        "État civil, accès juridique et administratif",
        "الحالة المدنية والولوج القانوني والإداري",
    ),
    ("reception-orientation", "Accueil et orientation", "الاستقبال والتوجيه"),
    (
        "diaspora-investment",
        "Investissement et compétences de la diaspora",
        "استثمار وكفاءات مغاربة العالم",
    ),
    (
        "safety-violence",
        "Sécurité et violences faites aux femmes",
        "السلامة والعنف ضد النساء",
    ),
]

# (code, French, Arabic, is_migrant, in_consultation_grid)
# The grid's columns are women and men, so "women migrants" and "men migrants" are
# the two columns of the migrant rows, not rows of their own; "women migrants"
# stays a target group for findings and ideas.
TARGET_GROUPS = [
    ("mre", "Marocains résidant à l'étranger (MRE)", "مغاربة العالم", True, True),
    ("returning-mre", "MRE de retour", "مغاربة العالم العائدون", True, True),
    ("retired-mre", "MRE retraités", "مغاربة العالم المتقاعدون", True, False),
    (
        "third-country-nationals",
        "Migrants ressortissants de pays tiers (installés, régularisés, en transit)",
        "المهاجرون من بلدان أخرى (مقيمون، مسواة وضعيتهم، عابرون)",
        True,
        True,
    ),
    ("refugees", "Réfugiés et demandeurs d'asile", "اللاجئون وطالبو اللجوء", True, True),
    ("women-migrants", "Femmes migrantes", "النساء المهاجرات", True, False),
    (
        "families-of-migrants",
        "Familles de migrants restées au pays",
        "أسر المهاجرين المقيمة بالمغرب",
        False,
        True,
    ),
    (
        "seasonal-workers",
        "Ouvrières et ouvriers agricoles saisonniers",
        "العاملات والعمال الفلاحيون الموسميون",
        False,
        True,
    ),
    (
        "youth",
        "Jeunes (dont jeunes tentés par la migration)",
        "الشباب (ومنهم الراغبون في الهجرة)",
        False,
        True,
    ),
    ("diaspora-associations", "Associations de la diaspora", "جمعيات مغاربة العالم", False, False),
    ("civil-society", "Société civile", "المجتمع المدني", False, True),
    ("commune-staff", "Personnel communal", "موظفو الجماعة", False, True),
    ("other", "Autres", "آخرون", False, True),
]


def load_reference_lists(Sector, TargetGroup) -> None:  # noqa: N803 (model classes)
    """Create the missing rows; takes model classes so migrations can pass theirs."""
    seed_reference_list(Sector, SECTORS)
    seed_reference_list(TargetGroup, TARGET_GROUPS, ("is_migrant", "in_consultation_grid"))
