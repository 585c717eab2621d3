"""Browser story: the Oriental coordinator finds Oujda's step 2 in the review queue, returns it
with a comment; Oujda's editor reads the comment and submits again; the coordinator validates,
then reopens it with a reason. The step's review thread shows each move. In French and Arabic.

Screenshots go to /tmp/shots/review/ when that folder exists.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path(os.environ.get("PRIM_SHOTS", "/tmp/shots/review"))

TEXT = {
    "fr": {
        "oujda": "Oujda",
        "step": "Étape 2",
        "comment_needed": "Indiquez ce que la commune doit modifier.",
        "returned": "Étape 2 renvoyée à la commune avec votre commentaire.",
        "submit": "Soumettre pour examen",
        "validated": "Étape 2 validée.",
        "reopen": "Rouvrir cette étape",
        "reopened": "Étape 2 rouverte ; la commune peut de nouveau modifier ses données.",
        "returned_choice": "Renvoyée",
    },
    "ar": {
        "oujda": "وجدة",
        "step": "المرحلة 2",
        "comment_needed": "بيّن ما يجب على الجماعة تعديله.",
        "returned": "أُرجعت المرحلة 2",
        "submit": "تقديم للمراجعة",
        "validated": "تمت مراجعة المرحلة 2 وقبولها.",
        "reopen": "إعادة فتح هذه المرحلة",
        "reopened": "أعيد فتح المرحلة 2؛ يمكن للجماعة تعديل معطياتها من جديد.",
        "returned_choice": "مُرجَعة",
    },
}
COMMENT = "Ajoutez les évaluations avant et après la formation. أضيفوا نتائج التقييم."
REASON = "Deux stagiaires sont comptés deux fois. متدربان محسوبان مرتين."


def _shot(page, name):
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _as(page, login, username, language):
    page.context.clear_cookies()
    login(page, username)
    if page.locator("html").get_attribute("lang") != language:
        page.locator(f"button[name=language][value={language}]").click()
        page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_coordinator_reviews_a_step(page, live_server, login, language):
    text = TEXT[language]
    step = page.locator("li#step-2")

    # The coordinator lands on the region, with the queue and its count in the navigation.
    _as(page, login, "coord.oriental", language)
    expect(page).to_have_url(f"{live_server.url}/regions/02/")
    nav_count = page.locator("[data-review-count]")
    expect(nav_count).to_have_attribute("data-review-count", "2")
    queue = page.locator("#review-queue tbody tr")
    expect(queue).to_have_count(2)
    expect(queue.first).to_have_attribute("data-queue-step", "oujda-2")
    expect(queue.first).to_contain_text(text["oujda"])
    expect(queue.first).to_contain_text(text["step"])
    expect(queue.first).to_contain_text("Samira El Idrissi")
    _shot(page, f"queue-{language}")

    # Return without a comment: refused next to the field; then with the comment.
    queue.first.get_by_role("link").click()
    expect(step).to_have_attribute("data-status", "submitted")
    step.locator("button[value=return]").click()
    expect(page.locator("#review-comment-2-error")).to_have_text(text["comment_needed"])
    expect(page.locator("li#step-2")).to_have_attribute("data-status", "submitted")
    step.locator("textarea[name=comment]").fill(COMMENT)
    step.locator("button[value=return]").click()
    expect(page.get_by_role("status").filter(has_text=text["returned"])).to_be_visible()
    expect(step).to_have_attribute("data-status", "returned")

    # The editor reads the comment in the thread and submits the step again.
    _as(page, login, "editor.oujda", language)
    expect(step).to_have_attribute("data-status", "returned")
    thread = step.locator("[data-thread]")
    expect(thread.locator(".thread-event").last).to_contain_text(COMMENT)
    _shot(page, f"returned-{language}")
    step.get_by_role("button", name=text["submit"]).click()
    expect(step).to_have_attribute("data-status", "submitted")

    # The coordinator validates it from the queue, then reopens it with a reason.
    _as(page, login, "coord.oriental", language)
    expect(page.locator("[data-review-count]")).to_have_attribute("data-review-count", "2")
    page.locator("#review-queue tr[data-queue-step='oujda-2'] a").click()
    step.locator("button[value=validate]").click()
    expect(page.get_by_role("status").filter(has_text=text["validated"])).to_be_visible()
    expect(step).to_have_attribute("data-status", "validated")
    expect(page.locator("[data-review-count]")).to_have_attribute("data-review-count", "1")
    step.get_by_text(text["reopen"]).click()
    step.locator("textarea[name=reason]").fill(REASON)
    step.get_by_label(text["returned_choice"]).check()
    _shot(page, f"reopen-{language}")
    step.locator("[data-reopen] button[type=submit]").click()
    expect(page.get_by_role("status").filter(has_text=text["reopened"])).to_be_visible()
    expect(step).to_have_attribute("data-status", "returned")

    # The thread tells the whole review, oldest first.
    thread = step.locator("[data-thread]")
    actions = thread.locator(".thread-event").evaluate_all(
        "events => events.map(e => e.dataset.action)"
    )
    assert actions[-5:] == ["submit", "return", "submit", "validate", "reopen"]
    events = thread.locator(".thread-event")
    expect(events.nth(-4)).to_contain_text(COMMENT)
    expect(events.last).to_contain_text(REASON)
    expect(events.last).to_contain_text("Karima Benali")
    _shot(page, f"thread-{language}")
    if language == "ar":
        # Right to left: the step's number sits on the right of its card.
        card = step.bounding_box()
        number = step.locator(".step-number").bounding_box()
        assert number["x"] > card["x"] + card["width"] / 2

    # On a phone, neither the commune page with its thread nor the queue scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/communes/oujda/", "/regions/02/"):
        page.goto(live_server.url + path)
        wider = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert wider <= 1, (path, wider)
        _shot(page, f"phone-{path.strip('/').replace('/', '-')}-{language}")
