"""The help pages' texts: one short page per step and per role, and the privacy notice.

Kept as translatable strings beside each other so that a change of the approach is one
edit here, in French and Arabic through the catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StepHelp:
    purpose: str
    records: str
    checklist: str
    review: str


STEP_HELP: dict[int, StepHelp] = {
    1: StepHelp(
        purpose=_(
            "Inform the territorial actors - elected officials, commune staff, deconcentrated "
            "services, civil society and the IEECAG - of why gender and migration belong in "
            "the commune's action programme, before any work on it starts."
        ),
        records=_(
            "One record per information session: date, place, format, facilitator, topics, "
            "and the attendance by audience and by sex as counted on the day. Attach the "
            "signed attendance sheet and, with the consent of the people shown, photos."
        ),
        checklist=_(
            "At least one session with its attendance recorded, and at least one session "
            "attended by elected officials or commune staff."
        ),
        review=_(
            "The coordinator checks that the council and the staff who will draft the "
            "programme were reached, and how many women took part."
        ),
    ),
    2: StepHelp(
        purpose=_(
            "Train the commune staff who prepare the programme (about 20 agents) in "
            "gender and migration in territorial planning, usually in a two-day training."
        ),
        records=_(
            "The training (title, modules, dates, trainer, place) and each trainee: name, "
            "sex, service, days attended and, when a test was given, the scores before and "
            "after out of 100."
        ),
        checklist=_("At least one training with its trainees."),
        review=_(
            "The coordinator looks at the share of women trained, the attendance rate and "
            "the progression between the two tests."
        ),
    ),
    3: StepHelp(
        purpose=_(
            "Listen to the population, migrants and their families: what they need, sector "
            "by sector, and where women and men differ. The diagnosis is the base of every "
            "action that follows."
        ),
        records=_(
            "Consultation sessions (workshops, focus groups, interviews) with their "
            "participants by group and sex, and by age band where known; the findings by "
            "sector with what women and men said; the first project ideas, each answering "
            "at least one finding; the commune's migration profile."
        ),
        checklist=_(
            "Consultations recorded with their participants, migrants among them; findings "
            "by sector; project ideas linked to the findings they answer."
        ),
        review=_(
            "The coordinator checks that migrants and women were heard, that each idea "
            "answers a finding, and which findings no idea answers yet."
        ),
    ),
    4: StepHelp(
        purpose=_(
            "The commune appropriates the ideas: it scores and ranks them, the IEECAG gives "
            "its opinion, and the council decides which ideas enter the programme."
        ),
        records=_(
            "The criteria and their weights (adding up to 100), the score of each idea on "
            "each criterion from 0 to 3, the IEECAG opinion, the council deliberation "
            "(session, date, number) and the decision on each idea, with a reason when it is "
            "rejected or postponed."
        ),
        checklist=_(
            "Every idea scored, the IEECAG opinion and the deliberation recorded, a decision "
            "on every idea."
        ),
        review=_(
            "The coordinator checks the ranking against the scores, the opinion and the "
            "deliberation, and that every rejected idea gives its reason."
        ),
    ),
    5: StepHelp(
        purpose=_(
            "Write each adopted idea into the commune's action programme as an action sheet "
            "with its budget, schedule and indicators, and produce the annex in French and "
            "Arabic."
        ),
        records=_(
            "For each action: titles, axis, sector, competence and partner, targets and "
            "beneficiaries by sex, cost by year (the first three years firm), financing by "
            "source, indicators, gender and migration markers, lead service, dates and "
            "milestones."
        ),
        checklist=_(
            "An action sheet for every adopted idea, with its costs, its financing plan and "
            "at least one indicator."
        ),
        review=_(
            "The coordinator checks that the financing covers the costs, that the markers "
            "are justified and that the annex reads right in both languages."
        ),
    ),
}


@dataclass(frozen=True)
class RoleHelp:
    title: str
    text: str


ROLE_HELP: tuple[RoleHelp, ...] = (
    RoleHelp(
        _("Commune editor (the PAC focal point, the planning service)"),
        _(
            "Records the commune's work step by step. When a step's checklist is complete, "
            "send it for review: it is read-only until the coordinator validates it or "
            "returns it with a comment."
        ),
    ),
    RoleHelp(
        _("Commune reader (elected officials, IEECAG members)"),
        _("Reads every record of the commune and downloads the annex, without changing anything."),
    ),
    RoleHelp(
        _("Regional coordinator"),
        _(
            "Follows every commune of the region, reads their records, and validates each "
            "submitted step or returns it to the commune with a comment."
        ),
    ),
    RoleHelp(
        _("Province reader (the governor's services)"),
        _(
            "Reads every commune of the prefecture or province and its programme report, "
            "without changing anything."
        ),
    ),
    RoleHelp(
        _("National administrator"),
        _(
            "Sees the whole country, reviews like a coordinator, and manages the users, "
            "their roles and the reference lists in the administration."
        ),
    ),
)
