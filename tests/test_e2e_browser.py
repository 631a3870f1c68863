"""The wizard in a real browser: Debian's Chromium driven by Playwright.

A theatre director's walk from an empty form to a downloaded Word policy, at 1366×768 and on a 390×844 phone
(screenshots of every step saved under out/screenshots/, or $BALISES_SCREENS); a tool edit followed by
"Précédent"; the answers download after each kind of edit, on the first click; reloading with unsaved answers;
no Streamlit English string in the French interface; axe-core (from the npm registry, fetched by
scripts/test.sh, path in $BALISES_AXE) with no serious violation. Never downloads a browser: skipped when
/usr/bin/chromium is absent.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(os.environ.get("BALISES_SCREENS", ROOT / "out" / "screenshots"))
AXE = Path(os.environ.get("BALISES_AXE", ROOT / ".venv/axe/node_modules/axe-core/axe.min.js"))

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium package to run the browser test)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")

ORG = "Théâtre du Bord de l'Eau"
# Streamlit's own English texts that must never show in the French interface
STREAMLIT_ENGLISH = ["Upload", "Browse files", "Drag and drop", "per file", "Select all", "empty", "Select...",
                     "Choose an option", "No results", "Press Enter", "Clear all", "Add row", "Running...",
                     "Deploy", "double-cli"]
ARIA_ENGLISH = {"Open", "Clear all", "Clear value", "Selected values", "Increment", "Decrement", "Link to heading",
                "Collapse sidebar", "Expand sidebar", "Add files", "Choose date"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = _free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"streamlit did not start:\n{out[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


class Wizard:
    """A person using the page: finds widgets by their visible label, waits for the app to settle."""

    def __init__(self, page, prefix: str = ""):
        self.page = page
        self.prefix = prefix
        self.clicks = 0

    def idle(self):
        self.page.wait_for_timeout(250)
        self.page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
            " && !document.querySelector('[data-stale=\"true\"]')", timeout=30000)
        self.page.wait_for_timeout(100)

    def widget(self, testid: str, label: str, within=None):
        root = within or self.page
        return root.locator(f'[data-testid="{testid}"]').filter(
            has=self.page.locator("label", has_text=label)).first

    def fill(self, label: str, value: str, within=None, enter: bool = True):
        box = self.widget("stTextInput", label, within).locator("input")
        box.fill(value)
        if enter:
            box.press("Enter")
            self.idle()

    def number(self, label: str, value: int):
        box = self.widget("stNumberInput", label).locator("input")
        box.fill(str(value))
        box.press("Enter")
        self.idle()

    def _open(self, box):
        box.scroll_into_view_if_needed()
        self.page.wait_for_timeout(200)
        box.locator('[role="combobox"], input').first.click()

    def _pick(self, box, option: str):
        for attempt in range(3):  # a list that closed as the page settled is opened again
            self._open(box)
            choice = self.page.get_by_role("option", name=option, exact=True)
            try:
                choice.wait_for(timeout=3000)
            except sync_api.TimeoutError:
                if attempt == 2:
                    self.page.screenshot(path=str(SCREENS / f"{self.prefix}failed-{option[:20]}.png"))
                    raise
                self.page.keyboard.press("Escape")
                continue
            choice.click()
            return

    def select(self, label: str, option: str, within=None):
        self._pick(self.widget("stSelectbox", label, within), option)
        self.idle()

    def multi(self, label: str, options: list[str], within=None):
        box = self.widget("stMultiSelect", label, within)
        for option in options:
            self._pick(box, option)
            self.page.keyboard.press("Escape")
            self.idle()

    def radio(self, label: str, option: str, within=None):
        group = self.widget("stRadio", label, within)
        group.locator("label").filter(has_text=option).first.click()
        self.idle()

    def check(self, label: str):
        self.page.locator('[data-testid="stCheckbox"]').filter(has_text=label).first.locator("label").click()
        self.idle()

    def click(self, name: str):
        self.page.get_by_role("button", name=name, exact=True).click()
        self.idle()

    def tool(self, name: str):
        """The card of a tool (an expander whose summary starts with its name), opened."""
        card = self.page.locator('[data-testid="stExpander"]').filter(
            has=self.page.locator("summary", has_text=re.compile(r"(^|[a-z_])" + re.escape(name) + " · "))).first
        if not card.evaluate("e => (e.tagName === 'DETAILS' ? e : e.querySelector('details')).open"):
            card.locator("summary").first.click()
            self.page.wait_for_timeout(300)
        return card

    def shot(self, name: str):
        """The whole page: the viewport is stretched to the content (Streamlit scrolls inside the app)."""
        SCREENS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        height = self.page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
            "[data-testid=\"stMainBlockContainer\"]')].map(e => e.scrollHeight), 600)")
        self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
        self.page.wait_for_timeout(400)
        self.page.screenshot(path=str(SCREENS / f"{self.prefix}{name}.png"), full_page=True)
        self.page.set_viewport_size(size)
        self.page.wait_for_timeout(300)

    def header(self) -> str:
        return self.page.locator("h2").first.inner_text()

    def download(self, name_pattern: str) -> tuple[str, bytes]:
        button = self.page.get_by_role("button", name=re.compile(name_pattern))
        with self.page.expect_download(timeout=20000) as info:
            button.first.click()
        dl = info.value
        return dl.suggested_filename, Path(dl.path()).read_bytes()

    def answers(self) -> dict:
        """The sidebar's answers file, on the first click."""
        _, data = self.download(r"^Télécharger mes réponses")
        return yaml.safe_load(data)

    def english_left(self) -> list[str]:
        """Streamlit's English on the page: visible text, and the names screen readers say."""
        text = self.page.locator("body").inner_text()
        found = [s for s in STREAMLIT_ENGLISH if re.search(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", text)]
        names = self.page.evaluate("() => [...document.querySelectorAll('[aria-label]')]"
                                   ".map(e => e.getAttribute('aria-label'))")
        found += [n for n in names if n in ARIA_ENGLISH or n.startswith(("Help for ", "Remove "))]
        return found

    def cut_texts(self) -> list[str]:
        """Labels, chips, buttons and card rows whose text does not fit (cut or ellipsed)."""
        return self.page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="stWidgetLabel"] p, [data-tag] > span, button p, [data-testid="stExpander"] summary p, '
            + '[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] p')]
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > 0
                         && e.getBoundingClientRect().width > 20 && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText.slice(0, 60))""")

    def axe(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))")
        return result


def _page(browser, width: int, height: int):
    phone = width < 640
    context = browser.new_context(accept_downloads=True, viewport={"width": width, "height": height},
                                  locale="fr-CA", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    return context, page


def _start(w: Wizard, url: str):
    w.page.goto(url)
    w.page.get_by_text("Nom de l'organisation").first.wait_for(timeout=30000)
    w.idle()


def test_theatre_director_gets_a_word_policy(app_url, browser):
    """The walk at 1366×768 (also run by tests/test_no_network.py against a guarded server)."""
    walk(app_url, browser, 1366, 768)


@pytest.mark.parametrize("width,height", [(390, 844), (820, 1180)], ids=["phone", "tablet"])
def test_theatre_director_walk_on_a_phone_and_a_tablet(app_url, browser, width, height):
    walk(app_url, browser, width, height)


def walk(app_url, browser, width, height):
    """The whole walk on a screen size; screenshots of every step; on the desktop, the answers download after
    each kind of edit, a tool edit followed by "Précédent", and axe-core on every step."""
    import docx

    from balises.contract.profile import parse_profile
    from balises.render.embedding import read_payload

    desktop = width >= 1000
    if desktop and not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run scripts/test.sh (it fetches axe-core with npm)")
    context, page = _page(browser, width, height)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    w = Wizard(page, prefix=f"{'desktop' if desktop else 'phone' if width < 640 else 'tablet'}-")
    _start(w, app_url)
    violations: dict[str, list[str]] = {}
    english: dict[str, list[str]] = {}

    cut: dict[str, list[str]] = {}

    def look(name: str):
        w.shot(name)
        english[name] = w.english_left()
        cut[name] = w.cut_texts()
        if desktop:
            violations[name] = w.axe()

    sidebar_open = page.evaluate("() => { const r = document.querySelector('[data-testid=\"stSidebar\"]')"
                                 "?.getBoundingClientRect(); return !!r && r.right > 50 && r.width > 50; }")
    assert sidebar_open is (width >= 640)  # closed on a phone: the form comes first
    side = page.locator(".st-key-preview_side").first
    assert side.is_visible() is desktop  # beside the form on a wide screen, else behind a button
    assert page.locator(".st-key-preview_phone").first.is_visible() is not desktop
    first = page.locator('input[aria-label="Nom de l\'organisation"]').bounding_box()
    assert first["y"] + first["height"] < height  # the first field in the first screen
    look("1-organisation-empty")

    # Leaving the first step unanswered is refused, with the reason per question
    w.click("Suivant →")
    assert page.get_by_text("« Nom de l'organisation » : ne peut pas être vide").first.is_visible()

    if desktop:  # a typed text is in the answers file on the very first click, without leaving the field
        w.fill("Nom de l'organisation", ORG, enter=False)
        assert w.answers()["organisation"]["name"] == ORG
        w.idle()
    else:
        w.fill("Nom de l'organisation", ORG)
    w.select("Où l'organisation est-elle établie ?", "Québec")
    assert page.get_by_text("Charte de la langue française (art. 41)").first.is_visible()
    w.select("Secteur", "Arts de la scène (théâtre, danse, cirque, arts de la rue)")
    w.number("Nombre de salariés", 9)
    w.check("pigistes")
    w.select("Représentation du personnel", "Syndicat")
    w.multi("Langues de la politique", ["Anglais"])
    if desktop:
        data = w.answers()
        assert data["organisation"]["staff_representation"] == "union"  # a select
        assert data["policy"]["languages"] == ["fr", "en"]  # a multiselect
        assert data["organisation"]["freelancers"] is True  # a checkbox
    look("1-organisation-filled")
    w.click("Suivant →")
    assert "Position" in w.header()

    w.radio("Où en est l'organisation avec l'IA ?", "Suiveuse")
    w.fill("Fonction responsable de la politique", "Direction générale et artistique")
    look("2-position")
    w.click("Suivant →")
    assert "Usages" in w.header()

    w.multi("Usages administratifs", ["Rédaction de demandes de subvention", "Communications et marketing",
                                      "Traduction"])
    w.multi("Usages en création", ["Scénographie, éclairage, conception scénique"])
    look("3-uses")
    w.click("Suivant →")
    assert "Données et outils" in w.header()

    w.multi("Renseignements personnels que vous détenez", ["Publics et clientèle",
                                                           "Donateurs et membres"])
    for tool in ("ChatGPT", "DeepL"):
        w.select("Ajouter un outil", tool)
        w.click("Ajouter")
    deepl = w.tool("DeepL")
    w.radio("Type de compte", "Abonnement individuel payant", within=deepl)
    w.multi("Usages permis avec cet outil", ["Traduction"], within=deepl)
    assert "risque élevé" in w.tool("DeepL").locator("summary").inner_text()
    if desktop:
        tools = {t["name"]: t for t in w.answers()["tools"]}  # tool edits, on the first click
        assert tools["DeepL"]["account"] == "paid_individual" and tools["DeepL"]["uses"] == ["translation"]
    look("4-data-tools")
    # the edit survives "Précédent" then "Suivant"
    w.click("← Précédent")
    assert "Usages" in w.header()
    w.click("Suivant →")
    summary = w.tool("DeepL").locator("summary").inner_text()
    assert "Abonnement individuel payant" in summary and "risque élevé" in summary
    w.click("Suivant →")
    assert "Engagements" in w.header()

    w.radio("Quand signalez-vous l'usage de l'IA ?", "Tout contenu assisté par IA est signalé")
    look("5-commitments")
    w.click("Suivant →")
    assert "Relecture" in w.header()
    look("6-review")
    if not desktop:  # the preview behind its button opens and shows the outline
        panel = page.locator(".st-key-preview_phone")
        panel.get_by_text("Voir ce que contiendra la politique").click()
        w.idle()
        assert panel.locator(".balises-trace details").first.is_visible()
        w.shot("6-review-preview-open")

    # the step list: straight back to step 2 and forward again
    page.locator('[data-testid="stRadio"]').filter(has_text="Aller à l'étape").locator('[role="radiogroup"] label').nth(1).click()
    w.idle()
    assert "Position" in w.header()
    page.locator('[data-testid="stRadio"]').filter(has_text="Aller à l'étape").locator('[role="radiogroup"] label').nth(5).click()
    w.idle()
    assert "Relecture" in w.header()

    if desktop:
        name, data = w.download(r"Politique en français \(\.docx\)")
        assert re.fullmatch(r"theatre-du-bord-de-l-eau-politique-ia-\d{4}-\d{2}-\d{2}\.docx", name), name
        document = docx.Document(io.BytesIO(data))
        body = "\n".join(p.text for p in document.paragraphs)
        body += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert ORG in body and "ChatGPT" in body and "DeepL" in body
        profile = parse_profile(read_payload(data)["profile"])
        assert profile.organisation.jurisdiction == "quebec" and profile.organisation.employees == 9
        assert profile.policy.languages == ["fr", "en"]
        assert profile.policy.owner_role == "Direction générale et artistique"
        assert set(profile.uses.admin) == {"grant_writing", "communications", "translation"}
        assert [(t.name, t.account) for t in profile.tools] == [("ChatGPT", "free_consumer"),
                                                               ("DeepL", "paid_individual")]
        assert profile.commitments.disclosure == "all_assisted"

        # the whole kit in one file, every companion document in both languages
        import zipfile

        name, data = w.download(r"Toute la trousse")
        assert re.fullmatch(r"theatre-du-bord-de-l-eau-trousse-ia-\d{4}-\d{2}-\d{2}\.zip", name), name
        files = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        assert {"politique-ia.fr.docx", "registre-des-outils.fr.xlsx", "plan-de-mise-en-oeuvre.fr.docx",
                "ai-policy.en.docx", "staff-summary.en.docx"} <= files

        # The interface in English, answers kept
        page.get_by_text("English", exact=True).click()
        w.idle()
        assert "Review and download" in w.header()
        w.shot("7-review-english")

    assert {k: v for k, v in english.items() if v} == {}, "Streamlit's English texts in the French interface"
    assert {k: v for k, v in cut.items() if v} == {}, "texts cut off"
    bad = {k: v for k, v in violations.items() if v}
    assert bad == {}, "axe-core: serious or critical violations\n" + "\n".join(
        f"{k}: {line}" for k, v in bad.items() for line in v)
    outside = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert outside <= {"127.0.0.1", "localhost"}, f"requests outside the machine: {outside}"
    context.close()


def reload(page):
    try:
        page.evaluate("() => location.reload()")
    except sync_api.Error:
        pass  # the page went away: reloaded
    page.wait_for_timeout(1500)


def test_reload_with_unsaved_answers_asks_first(app_url, browser):
    context, page = _page(browser, 1366, 768)
    w = Wizard(page)
    _start(w, app_url)
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "stay on the page"

    page.on("dialog", on_dialog)
    w.fill("Nom de l'organisation", "Compagnie Prudente")
    reload(page)
    assert dialogs == ["beforeunload"]
    assert page.locator('[data-testid="stTextInput"] input').first.input_value() == "Compagnie Prudente"
    # once the answers are downloaded, leaving asks nothing
    assert w.answers()["organisation"]["name"] == "Compagnie Prudente"
    reload(page)
    page.get_by_text("Nom de l'organisation").first.wait_for(timeout=30000)
    assert dialogs == ["beforeunload"]
    context.close()


def test_keyboard_only(app_url, browser):
    """Step 1 answered and left with the keyboard alone: every control reached with Tab, lists with the arrows."""
    context, page = _page(browser, 1366, 768)
    w = Wizard(page)
    _start(w, app_url)

    def tab_to(label: str, limit: int = 60):
        for _ in range(limit):
            page.keyboard.press("Tab")
            name = page.evaluate("() => document.activeElement?.getAttribute('aria-label') || "
                                 "document.activeElement?.innerText || ''")
            if name.strip().startswith(label):
                w.idle()  # leaving a text field sent it (a rerun): let it land, as a person would see it
                return
        pytest.fail(f"{label!r} not reached with Tab")

    tab_to("Nom de l'organisation")
    page.keyboard.type(ORG)
    def first_option():
        page.keyboard.press("ArrowDown")  # opens the list on its first option
        page.get_by_role("option").first.wait_for()
        page.wait_for_timeout(200)
        page.keyboard.press("Enter")
        w.idle()

    tab_to("Où l'organisation est-elle établie ?")
    first_option()
    assert page.locator('input[aria-label="Où l\'organisation est-elle établie ?"]').input_value() == "Québec"
    tab_to("Secteur")
    first_option()  # Arts de la scène
    tab_to("Nombre de salariés")
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    w.idle()
    tab_to("Suivant →", limit=120)
    page.keyboard.press("Enter")
    w.idle()
    assert "Position" in w.header()
    context.close()


def test_answers_download_works_on_the_first_click_of_fresh_sessions(app_url, browser):
    """The issue saw no file in 2 of 5 fresh sessions when the download followed typing: 5 fresh sessions."""
    for n in range(5):
        context, page = _page(browser, 1366, 768)
        w = Wizard(page)
        _start(w, app_url)
        w.fill("Nom de l'organisation", f"Compagnie {n}", enter=False)  # still in the field
        start = time.monotonic()
        assert w.answers()["organisation"]["name"] == f"Compagnie {n}"
        assert time.monotonic() - start < 10
        context.close()
