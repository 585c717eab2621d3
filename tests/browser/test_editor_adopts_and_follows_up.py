"""Story: an editor records an update deliberation and its visa, downloads the frozen annex,
edits an action afterwards and finds the frozen PDF unchanged (same hash) beside a new draft;
then records the execution of 2024 in Arabic; a coordinator reads the annual report.

The freezing runs on the real queue (django-tasks-db and its ``db_worker``)."""

import hashlib
from pathlib import Path

from playwright.sync_api import expect

from tests.workers import run_worker, use_database_queue


def test_editor_adopts_then_follows_up_and_coordinator_reads(
    settings, tmp_path, page, live_server, login, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from actions.models import AnnexFreeze, PacAction, PacDeliberation
    from communes.models import Job

    use_database_queue(settings)
    settings.MEDIA_ROOT = tmp_path
    Job.objects.all().delete()  # what loading the demo queued
    DBTaskResult.objects.all().delete()
    base = f"{live_server.url}/communes/oujda/pac/2022/plan"
    login(page, "editor.oujda")
    action = PacAction.objects.filter(cycle__commune__code="oujda").order_by("number").first()

    # 1. An update deliberation of February 2025, changing the first action (French page).
    page.goto(f"{base}/adoption/")
    form = page.locator("form[action$='adoption/record/']")
    form.locator("#id_delib-kind").select_option("update")
    form.locator("#id_delib-session").select_option("february")
    form.locator("#id_delib-date").fill("2025-02-04")
    form.locator("#id_delib-number").fill("05/2025")
    form.locator("#id_delib-members").fill("65")
    form.locator("#id_delib-present").fill("50")
    form.locator("#id_delib-votes_for").fill("45")
    form.locator("#id_delib-votes_against").fill("2")
    form.locator("#id_delib-abstentions").fill("3")
    form.locator("#id_delib-president").fill("Président (données fictives)")
    form.locator("#id_delib-secretary").fill("Secrétaire (données fictives)")
    form.locator("#id_delib-opinion_verdict").select_option("reserved")
    form.locator("#id_delib-opinion_date").fill("2025-01-20")
    form.locator(f"input[name=delib-changed][value='{action.pk}']").check()
    form.locator("button[type=submit]").click()
    card = page.locator("article.deliberation[data-number='05/2025']")
    expect(card.locator(".frozen-annex[data-state=freezing]")).to_be_visible()
    expect(card.locator(".not-enforceable")).to_be_visible()

    # 2. A worker freezes it; the page updates itself and shows both hashes.
    run_worker(monkeypatch)
    expect(card.locator(".frozen-annex[data-state=frozen]")).to_be_visible(timeout=20_000)
    freeze = AnnexFreeze.objects.get(deliberation__number="05/2025")
    expect(card.locator("code.sha[data-language=fr]")).to_have_text(freeze.fr_sha256)

    # 3. The visa.
    card.locator("details summary").click()
    d = PacDeliberation.objects.get(number="05/2025")
    card.locator(f"#id_visa-{d.pk}-date").fill("2025-03-01")
    card.locator(f"#id_visa-{d.pk}-reference").fill("V-301/2025")
    card.locator("form button[type=submit]").click()
    card = page.locator("article.deliberation[data-number='05/2025']")
    expect(card.locator(".visa")).to_contain_text("V-301/2025")

    # 4. The frozen annex, downloaded: its hash is the one shown.
    with page.expect_download() as info:
        card.locator(".frozen-annex a").first.click()
    first = Path(info.value.path()).read_bytes()
    assert hashlib.sha256(first).hexdigest() == freeze.fr_sha256

    # 5. An edit afterwards: a new draft is queued; the frozen PDF stays as it was.
    page.goto(f"{base}/actions/{action.uuid}/edit/")
    page.locator("#id_title").fill("Cellule d'accueil, renommée après la délibération")
    page.get_by_role("button", name="Enregistrer la fiche action").click()
    run_worker(monkeypatch)
    page.goto(f"{base}/adoption/")
    card = page.locator("article.deliberation[data-number='05/2025']")
    expect(card.locator("code.sha[data-language=fr]")).to_have_text(freeze.fr_sha256)
    with page.expect_download() as info:
        card.locator(".frozen-annex a").first.click()
    assert Path(info.value.path()).read_bytes() == first
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/annex/")
    expect(page.locator("#annex-box [data-annex=fr][data-state=ready]")).to_be_visible()

    # 6. The execution of 2024, in Arabic.
    page.locator("button[name=language][value=ar]").first.click()
    page.goto(f"{base}/followup/2024/{action.uuid}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#id_fu-status").select_option("completed")
    page.locator("#id_fu-committed_prim").fill("120000")
    page.locator("#id_fu-paid_prim").fill("90000")
    page.locator("form[action$='/save/'] button[type=submit]").click()
    row = page.locator(f"tr[data-action='{action.code}']")
    expect(row).to_contain_text("منجز")  # completed
    from actions.models import ActionYearMoney

    prim = ActionYearMoney.objects.get(record__action=action, record__year=2024, source="prim")
    assert (prim.committed, prim.paid) == (120000, 90000)

    # 7. A coordinator reads the annual report, in French then in Arabic.
    page.context.clear_cookies()
    login(page, "coord.oriental")
    page.goto(f"{base}/followup/2024/")
    expect(page.locator(f"tr[data-action='{action.code}']")).to_be_visible()
    expect(page.locator("form[action$='/save/']")).to_have_count(0)
    page.locator("button[name=language][value=ar]").first.click()
    page.goto(f"{base}/followup/2024/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-total=paid]")).to_be_visible()
