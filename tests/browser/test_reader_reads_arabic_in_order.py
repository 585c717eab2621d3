"""Story: a reader of Oujda reads the diagnosis and the PAC in Arabic; figures, periods and
French values sit where they belong (measured on the screen, not in the HTML)."""

from playwright.sync_api import expect

# Where do the first and the last character of ``text`` stand on the screen, inside ``selector``?
# Reading order in the browser's own layout: the bidirectional algorithm is what is tested.
_EDGES = """([selector, text]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + 1);
    const first = range.getBoundingClientRect().left;
    range.setStart(node, at + text.length - 1); range.setEnd(node, at + text.length);
    const last = range.getBoundingClientRect().left;
    return {first, last};
  }
  return null;
}"""


def reads_left_to_right(page, selector, text):
    """True when ``text`` (digits) is shown whole, its first character left of its last."""
    edges = page.evaluate(_EDGES, [selector, text])
    assert edges is not None, f"{text!r} not found in {selector}"
    return edges["first"] < edges["last"]


def test_reader_sees_figures_periods_and_values_in_place_in_arabic(page, live_server, login):
    login(page, "viewer.oujda")
    page.locator("button[name=language][value=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # The commune page: "برنامج عمل الجماعة 2022-2027", not "2027-2022".
    expect(page.locator("#cycle-title")).to_contain_text("2022-2027")
    assert reads_left_to_right(page, "#cycle-title", "2022-2027")

    # A diagnosis session: every value on the row of its label, French values included.
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/diagnosis/sessions/")
    page.locator("table a[href*='/diagnosis/sessions/']").first.click()
    expect(page.locator("dl dt").first).to_be_visible()
    rows = page.evaluate(
        """() => [...document.querySelectorAll('dl.row > dd')].map(dd => {
             const dt = dd.previousElementSibling;
             return [dt.getBoundingClientRect().top, dd.getBoundingClientRect().top];
           })"""
    )
    assert rows, "the session shows its fields"
    assert all(abs(label - value) < 4 for label, value in rows), rows

    # The PAC page: the amount still to find, inside an Arabic sentence, reads "64 000".
    page.goto(f"{live_server.url}/communes/oujda/pac/2022/plan/pac/")
    gap = page.locator("p.text-warning-emphasis")
    expect(gap).to_contain_text("64\u202f000")
    assert reads_left_to_right(page, "p.text-warning-emphasis", "64\u202f000")
    assert reads_left_to_right(page, "h1", "2022-2027")
