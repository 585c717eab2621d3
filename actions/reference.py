"""Seed of the national strategies' reference lists (DOMAIN.md section 2), FR and AR.

National administrators edit them in the admin; seeding only creates missing codes.
Items marked "to confirm" in the domain brief are seeded too: they are data, not rules.
"""

from __future__ import annotations

from communes.reference import seed_reference_list

# (code, French, Arabic)
SNIA_PROGRAMMES = [
    ("education-culture", "Éducation et culture", "التربية والثقافة"),
    ("youth-leisure", "Jeunesse et loisirs", "الشباب والترفيه"),
    ("health", "Santé", "الصحة"),
    ("housing", "Logement", "السكن"),
    ("social-humanitarian", "Assistance sociale et humanitaire", "المساعدة الاجتماعية والإنسانية"),
    ("vocational-training", "Formation professionnelle", "التكوين المهني"),
    ("employment", "Emploi", "التشغيل"),
    (
        "flows-trafficking",
        "Gestion des flux et lutte contre la traite des êtres humains",
        "تدبير تدفقات الهجرة ومحاربة الاتجار بالبشر",
    ),
    (
        "international-cooperation",
        "Coopération et partenariats internationaux",
        "التعاون والشراكات الدولية",
    ),
    ("regulatory-framework", "Cadre réglementaire et conventionnel", "الإطار التنظيمي والتعاقدي"),
    ("governance-communication", "Gouvernance et communication", "الحكامة والتواصل"),
]

SNMRE_OBJECTIVES = [
    (
        "identity",
        "Préserver l'identité marocaine des MRE",
        "الحفاظ على الهوية المغربية لمغاربة العالم",
    ),
    (
        "rights",
        "Protéger les droits et les intérêts des MRE",
        "حماية حقوق ومصالح مغاربة العالم",
    ),
    (
        "development",
        "Mobiliser les compétences et les investissements des MRE pour le développement",
        "تعبئة كفاءات واستثمارات مغاربة العالم من أجل التنمية",
    ),
]


def load_reference_lists(SniaProgramme, SnmreObjective) -> None:  # noqa: N803 (model classes)
    """Create the missing rows; takes model classes so migrations can pass theirs."""
    seed_reference_list(SniaProgramme, SNIA_PROGRAMMES)
    seed_reference_list(SnmreObjective, SNMRE_OBJECTIVES)


# (code of Financing.Source, French, Arabic, first year, last year of the programme)
FINANCING_SOURCES = [
    ("commune", "Budget de la commune", "ميزانية الجماعة", None, None),
    ("region", "Région", "الجهة", None, None),
    ("state", "État / ministère", "الدولة / القطاع الوزاري", None, None),
    ("indh", "INDH", "المبادرة الوطنية للتنمية البشرية", None, None),
    # DOMAIN.md section 1: PRIM ran 2020-2024; its money pays only for those years.
    ("prim", "PRIM / bailleur", "برنامج PRIM / الجهة المانحة", 2020, 2024),
    ("mre", "Contribution des MRE", "مساهمة مغاربة العالم", None, None),
    ("other", "Autre", "مصدر آخر", None, None),
]


def load_financing_sources(FinancingSource) -> None:  # noqa: N803 (model class)
    """Create the missing sources; an administrator's later change of years is kept."""
    seed_reference_list(FinancingSource, FINANCING_SOURCES, ("first_year", "last_year"))
