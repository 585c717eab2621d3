"""Demo prioritisation and PAC of the seven pilot communes (idempotent).

The published figures (DOMAIN.md section 1): of the 22 projects identified (12 Oriental,
10 Souss-Massa; the step 3 demo), **a majority, not all**, were adopted into the PACs: 15 here
(2 a commune in the Oriental, the communal reception and orientation cell first; Sidi Bibi 3,
with "Sport & Citoyenneté au féminin", Aït Amira 2, Belfaa 2), making 14 PAC actions (in Sidi
Bibi the council merged the two ideas for seasonal women farm workers, transport and child
care, into one action, which keeps the thread of both). The other 7 are postponed or rejected,
each with its reason.

Strategies as they are meant: SNMRE objectives only for actions aimed at Moroccans abroad
(MRE, returnees, retirees, diaspora), SNIA programmes only for actions aimed at immigrants and
refugees. Competences as law 113-14 lists them (own: the commune's services and civil status;
shared, by convention: social, sports, health, training, economic facilities). Each financing
line says which part of the commune budget pays (operating or equipment). Action dates contain
their yearly costs; PRIM money stays within 2020-2024. Every text is in French and Arabic.

Everything goes through the services, so the history and the rules apply. A cycle
that already has a score, a decision or an action is left as is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from communes.demo import demo_data, record_fields
from communes.models import Commune, User
from diagnostics.demo_ar import ar
from diagnostics.models import ProjectIdea

from . import services
from .models import (
    CouncilDeliberation,
    CriterionKind,
    Financing,
    FinancingSource,
    IdeaDecision,
    IeecagOpinion,
    Indicator,
    Marker,
    PacAction,
    Score,
    SniaProgramme,
    SnmreObjective,
)
from .reference import load_financing_sources, load_reference_lists
from .scoring import rank_ideas

D = datetime.date
K = CriterionKind
Source, FStatus = Financing.Source, Financing.Status

# The data is in ``demo_pilots.json``: per pilot commune (in order) how many actions, the step-4
# deliberation and the PAC update (``demo_followup``); per sector its axis, competence, SNIA
# programmes, lead service, base cost a year in MAD, what its actions are measured by and the
# partner of a shared competence (``other_sector`` for a sector not listed); per axis its
# expected results; the texts of the IEECAG opinion and of the council's deliberations.
DATA = demo_data(__package__)
SECTORS = DATA["sectors"]
# Adopted first whatever their rank: the programme's published outputs.
FLAGSHIPS = ("accueil", "sport & citoyenneté")
MRE_GROUPS = {"mre", "returning-mre", "retired-mre", "diaspora-associations"}
IMMIGRANT_GROUPS = {"third-country-nationals", "refugees", "women-migrants"}
MERGE_KEYWORD = {"sidi-bibi": "ouvrières"}  # ideas merged into one action

# Actions that build or buy (a facility, a vehicle) are paid from the equipment part.
EQUIPMENT_WORDS = ("navette", "transport", "terrain", "espace", "aménagement")


def _scores(idea, migrant: bool, women_first: bool, severity: int) -> dict[str, tuple[int, str]]:
    """Plausible scores 0-3 with a reason, from what the diagnosis says about the idea."""
    if "accueil" in idea.title.lower():
        return {
            K.NEED: (3, "Besoin critique relevé dans plusieurs séances"),
            K.WOMEN: (2, "Agents formés, une femme et un homme"),
            K.MIGRANTS: (3, "Public principal: MRE, retours, migrants"),
            K.COMPETENCE: (3, "Compétence propre (services communaux)"),
            K.FEASIBILITY: (3, "Local disponible, deux agents"),
            K.ALIGNMENT: (3, "SNIA gouvernance, SNMRE droits"),
            K.SUSTAINABILITY: (3, "Inscrit à l'organigramme"),
        }
    sector = idea.sector.code
    competence = 3 if SECTORS.get(sector, {}).get("competence") == "own" else 2
    variant = idea.number % 3
    return {
        K.NEED: (max(1, severity), f"Gravité du constat: {severity}/3"),
        K.WOMEN: (3 if women_first else 1 + (variant > 0), ""),
        K.MIGRANTS: (3 if migrant else 1, "" if migrant else "Bénéfice indirect"),
        K.COMPETENCE: (competence, "" if competence == 3 else "Compétence partagée: convention"),
        K.FEASIBILITY: (2 + (variant == 1), ""),
        K.ALIGNMENT: (2 + migrant, ""),
        K.SUSTAINABILITY: (
            1 + (variant != 2),
            "" if variant != 2 else "Financement récurrent à trouver",
        ),
    }


def _money(amount) -> Decimal:
    return Decimal(round(amount, -3)).quantize(Decimal(1))


def _action_data(commune, ideas, position, cycle, *, in_progress: bool):
    """Costs, financing, indicators, milestones and markers of one demo action (FR and AR)."""
    first = ideas[0]
    sector = first.sector.code
    row = SECTORS.get(sector, DATA["other_sector"])
    competence, snia, lead = row["competence"], row["snia"], row["lead_service"]
    cell = "accueil" in first.title.lower()
    groups = {g.code for i in ideas for g in i.target_groups.all()}
    migrant = any(g.is_migrant for i in ideas for g in i.target_groups.all())
    for_mre, for_immigrants = bool(groups & MRE_GROUPS), bool(groups & IMMIGRANT_GROUPS)
    women = sum(i.beneficiaries_women or 0 for i in ideas)
    men = sum(i.beneficiaries_men or 0 for i in ideas)
    yearly = row["yearly_cost"] * len(ideas)
    start = cycle.start_year + 1
    costs = {
        start: _money(yearly * 1.2),
        start + 1: _money(yearly),
        start + 2: _money(yearly * 0.8),
    }
    if cycle.end_year >= start + 4:
        costs[start + 3] = _money(yearly * 0.5)
        costs[start + 4] = _money(yearly * 0.5)
    total = sum(costs.values())
    prim = cell or position % 2 == 0  # the cells and every other action got PRIM support
    last = Decimal("0.2") if position >= 1 else Decimal("0.3")  # later actions keep a gap
    if for_mre or sector == "diaspora-investment":
        third = (Source.MRE, "Association des MRE de la commune", "جمعية مغاربة العالم بالجماعة")
    elif competence == "shared":
        third = (
            Source.STATE,
            row.get("partner", "Ministère"),
            row.get("partner_ar", "القطاع الوزاري"),
        )
    else:
        third = (Source.INDH, "INDH, programme 3", "المبادرة الوطنية للتنمية البشرية، البرنامج 3")
    text = " ".join(i.title.lower() for i in ideas)
    budget = (
        ("Budget d'équipement", "ميزانية التجهيز")
        if any(word in text for word in EQUIPMENT_WORDS)
        or sector in ("youth-sport-leisure", "housing")
        else ("Budget de fonctionnement", "ميزانية التسيير")
    )
    if prim:
        lines = [
            (
                Source.PRIM,
                "PRIM (AFD / Expertise France)",
                "برنامج PRIM (الوكالة الفرنسية للتنمية / Expertise France)",
                Decimal("0.4"),
                FStatus.RECEIVED if in_progress else FStatus.COMMITTED,
            ),
            (Source.COMMUNE, *budget, Decimal("0.3"), FStatus.COMMITTED),
            (*third, last, FStatus.PLANNED),
        ]
    else:
        lines = [
            (Source.COMMUNE, *budget, Decimal("0.4"), FStatus.COMMITTED),
            (*third, Decimal("0.3"), FStatus.PLANNED),
            (Source.REGION, "Conseil régional de la région", "مجلس الجهة", last, FStatus.PLANNED),
        ]
    # Shares summed then floored to the thousand, so rounding never makes the plan exceed the cost.
    financing, share_so_far, amount_so_far = [], Decimal(0), Decimal(0)
    for source, detail, detail_ar, share, status in lines:
        share_so_far += share
        reached = (total * share_so_far / 1000).to_integral_value(rounding="ROUND_FLOOR") * 1000
        financing.append(
            {
                "source": source,
                "detail": detail,
                "detail_ar": detail_ar,
                "amount": reached - amount_so_far,
                "status": status,
            }
        )
        amount_so_far = reached
    measure = (row["measure"], row["measure_ar"])
    if "ouvrières" in text or "garderie" in text:
        measure = ("Ouvrières bénéficiaires", "العاملات المستفيدات")
    indicators = [
        {
            "name": measure[0],
            "name_ar": measure[1],
            "unit": "personnes",
            "unit_ar": "أشخاص",
            "baseline": Decimal(0),
            "target": Decimal(max(women + men, 100)),
            "by_sex": True,
            "by_migrant_status": migrant,
            "source": "Registre de l'action",
            "source_ar": "سجل المشروع",
            "frequency": Indicator.Frequency.QUARTERLY,
        },
    ]
    if women >= men:
        indicators.append(
            {
                "name": "Part des femmes parmi les bénéficiaires",
                "name_ar": "حصة النساء من بين المستفيدين",
                "unit": "%",
                "unit_ar": "%",
                "baseline": None,
                "target": Decimal(60),
                "by_sex": False,
                "by_migrant_status": False,
                "source": "Registre de l'action",
                "source_ar": "سجل المشروع",
                "frequency": Indicator.Frequency.YEARLY,
            }
        )
    done = 2 if in_progress else 0
    milestones = [
        {"title": title, "due_date": D(start, month, 1), "done": n < done}
        for n, (title, month) in enumerate(
            [
                ("Convention et équipe en place", 3),
                ("Local ou matériel prêt", 6),
                ("Premiers bénéficiaires", 9),
                ("Bilan annuel présenté au conseil", 12),
            ]
        )
    ]
    urban = commune.kind == "urban"
    return {
        **DATA["axes"][row["axis"]],  # axis and expected_results, in French and Arabic
        "competence": competence,
        "partner_convention": "" if competence == "own" else row.get("partner", "Convention"),
        "partner_convention_ar": "" if competence == "own" else row.get("partner_ar", "اتفاقية"),
        "objectives": (first.description or first.title)[:1000],
        "objectives_ar": (ar(first.description) or first.title_ar)[:1000],
        "location": "Centre-ville" if urban else "Chef-lieu et douars voisins",
        "location_ar": "وسط المدينة" if urban else "مركز الجماعة والدواوير المجاورة",
        "partners": "Associations locales, " + row.get("partner", "services déconcentrés"),
        "partners_ar": "الجمعيات المحلية، " + row.get("partner_ar", "المصالح اللاممركزة"),
        "lead_service": lead,
        "lead_service_ar": DATA["lead_services_ar"].get(lead, ""),
        "start_date": D(start, 1, 15),
        # Through the last year with a cost: a cost falls within the action's own dates.
        "end_date": D(max(costs), 12, 31),
        "gender_marker": Marker.PRINCIPAL if women > men * 1.5 else Marker.SIGNIFICANT,
        "migration_marker": Marker.PRINCIPAL if cell or migrant else Marker.NOT_TARGETED,
        "status": PacAction.Status.IN_PROGRESS if in_progress else PacAction.Status.PLANNED,
        "costs": costs,
        "financing": financing,
        "indicators": indicators,
        "milestones": milestones,
        # SNIA: immigrants and refugees in Morocco; SNMRE: Moroccans abroad only.
        "snia": list(SniaProgramme.objects.filter(code__in=snia if for_immigrants else [])),
        "snmre": list(
            SnmreObjective.objects.filter(
                code__in=(["rights"] if for_mre or cell else [])
                + (["development"] if sector == "diaspora-investment" else [])
            )
        ),
    }


def _load_commune(commune: Commune, pilot: dict) -> None:
    cycle = commune.cycles.order_by("-start_year").first()
    if cycle is None:
        return
    ideas = list(
        ProjectIdea.objects.filter(cycle=cycle)
        .select_related("sector")
        .prefetch_related("target_groups", "finding_links__finding")
        .order_by("number")
    )
    if not ideas or Score.objects.filter(criterion__cycle=cycle).exists():
        return
    if IdeaDecision.objects.filter(idea__cycle=cycle).exists():
        return
    editor = User.objects.filter(username=f"editor.{commune.code}").first()

    # Step 4: scores, opinion, deliberation, decisions.
    criteria = {c.kind: c for c in services.criteria_ensure(cycle=cycle)}
    for idea in ideas:
        groups = list(idea.target_groups.all())
        migrant = any(g.is_migrant for g in groups)
        women_first = (idea.beneficiaries_women or 0) > (idea.beneficiaries_men or 0)
        severity = max((link.finding.severity for link in idea.finding_links.all()), default=1)
        for kind, (value, reason) in _scores(idea, migrant, women_first, severity).items():
            services.score_set(
                idea=idea,
                criterion=criteria[kind],
                value=value,
                reason=reason,
                check_version=False,
                by=editor,
            )
    decision = record_fields(pilot["decision"])[0]
    IeecagOpinion.objects.create(
        cycle=cycle,
        date=decision["date"] - datetime.timedelta(days=12),
        verdict=IeecagOpinion.Verdict.FAVOURABLE
        if len(commune.code) % 2
        else IeecagOpinion.Verdict.RESERVED,
        **DATA["ieecag_opinion"],
    )
    CouncilDeliberation.objects.create(cycle=cycle, **DATA["council_deliberation"], **decision)

    ranking = rank_ideas(cycle)
    keyword = MERGE_KEYWORD.get(commune.code)
    ordered = sorted(
        ideas,
        key=lambda i: (
            not any(word in i.title.lower() for word in FLAGSHIPS),
            # The ideas the council merged into one action come next.
            not (keyword and keyword in i.title.lower()),
            ranking.get(i.pk).rank or 99,
            i.number,
        ),
    )
    merged = [i for i in ordered if keyword and keyword in i.title.lower()][:2]
    if len(merged) < 2:
        merged = []
    groups_of_ideas: list[list[ProjectIdea]] = []
    for idea in ordered:
        if len(groups_of_ideas) >= pilot["actions"]:
            break
        if idea in merged:
            if idea is merged[0]:
                groups_of_ideas.append(merged)
            continue
        groups_of_ideas.append([idea])
    adopted = {i.pk for g in groups_of_ideas for i in g}
    rows, reasons_ar = [], {}
    for position, idea in enumerate(i for i in ordered if i.pk not in adopted):
        postponed = (position + len(commune.code)) % 2 == 0
        outcome = IdeaDecision.Outcome.POSTPONED if postponed else IdeaDecision.Outcome.REJECTED
        reason = (
            "Reporté à la mise à jour du PAC (troisième année)\u00a0: financement à trouver."
            if postponed
            else "Hors des compétences de la commune; transmis au partenaire concerné."
        )
        rows.append({"idea": idea, "outcome": outcome, "reason": reason, "loaded_version": None})
        reasons_ar[idea.pk] = (
            "أُجِّل إلى تحيين برنامج عمل الجماعة (السنة الثالثة): التمويل غير متوفر بعد."
            if postponed
            else "خارج اختصاصات الجماعة؛ أُحيل على الشريك المعني."
        )
    rows += [
        {"idea": i, "outcome": IdeaDecision.Outcome.ADOPTED, "reason": "", "loaded_version": None}
        for g in groups_of_ideas
        for i in g
    ]
    services.decisions_save(cycle=cycle, rows=rows, by=editor)
    for decision in IdeaDecision.objects.filter(idea_id__in=list(reasons_ar)):
        decision.reason_ar = reasons_ar[decision.idea_id]
        decision.save(update_fields=["reason_ar"])

    # Step 5: one action per group of adopted ideas; the first two are under way.
    for position, group in enumerate(groups_of_ideas):
        data = _action_data(commune, group, position, cycle, in_progress=position < 2)
        title = None
        if len(group) > 1:
            title = "Mobilité et garde d'enfants pour les ouvrières agricoles saisonnières"
        extra = (
            {"title": title, "title_ar": "تنقل وحضانة أطفال العاملات الفلاحيات الموسميات"}
            if title
            else {}
        )
        services.action_create(cycle=cycle, ideas=group, by=editor, **extra, **data)


@transaction.atomic
def load() -> list:
    load_reference_lists(SniaProgramme, SnmreObjective)
    load_financing_sources(FinancingSource)
    for code, pilot in DATA["pilots"].items():
        commune = Commune.objects.filter(code=code).first()
        if commune is not None:
            _load_commune(commune, pilot)
    return []
