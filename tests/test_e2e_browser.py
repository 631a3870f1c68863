"""The wizard in a real browser: Debian's Chromium driven by Playwright.

A theatre director's walk from an empty form to the downloaded kit, at 1366×768, on a 390×844 phone and on a
tablet (screenshots of every step saved under out/screenshots/, or $BALISES_SCREENS), with axe-core (from the
npm registry, fetched by scripts/test.sh, path in $BALISES_AXE) on every step: no serious or critical
violation, and targets of 24 px at least on the phone. Each step opens at its top; "Suivant" with questions
left puts the focus on an error summary whose links go to the fields. An en-CA browser gets the English
interface, and an Ontario organisation an English policy only. No document while a question about
permissions waits for its answer. The review's "Modifier" comes back to the review; the update of an adopted
policy with the answers on screen. Also: a tool edit followed by "Précédent"; the answers download after each
kind of edit, on the first click; reloading with unsaved answers; no Streamlit English string in the French
interface. Never downloads a browser: skipped when /usr/bin/chromium is absent.
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
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(os.environ.get("BALISES_SCREENS", ROOT / "out" / "screenshots"))
AXE = Path(os.environ.get("BALISES_AXE", ROOT / ".venv/axe/node_modules/axe-core/axe.min.js"))
THEATRE = ROOT / "examples" / "theatre-quebec.yaml"

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium package to run the browser test)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")

ORG = "Théâtre du Bord de l'Eau"
# Streamlit's own English texts that must never show in the French interface
STREAMLIT_ENGLISH = ["Upload", "Browse files", "Drag and drop", "per file", "Select all", "empty", "Select...",
                     "Choose an option", "No results", "Press Enter", "Clear all", "Add row", "Running...",
                     "Deploy", "double-cli", "Skip to main content", "KB", "MB"]
ARIA_ENGLISH = {"Open", "Clear all", "Clear value", "Selected values", "Increment", "Decrement", "Link to heading",
                "Collapse sidebar", "Expand sidebar", "Add files", "Choose date", "Delete"}
# what the English interface must not show of the French one
FRENCH_LEFT = ["Choisir un fichier", "Suivant", "Précédent", "Pourquoi ?", "Modifier", "Étape"]


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


def anchor(key: str) -> str:
    """Streamlit's class for a keyed element (``q:uses.admin`` -> ``st-key-q-uses-admin``)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)


class Wizard:
    """A person using the page: finds widgets by their visible label, waits for the app to settle, counts the
    clicks and the fields typed."""

    def __init__(self, page, prefix: str = ""):
        self.page = page
        self.prefix = prefix
        self.clicks = 0
        self.typed = 0

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
        self.clicks += 1
        self.typed += 1
        if enter:
            box.press("Enter")
            self.idle()

    def number(self, label: str, value: int):
        box = self.widget("stNumberInput", label).locator("input")
        box.fill(str(value))
        self.clicks += 1
        self.typed += 1
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
            self.clicks += 2
            return

    def select(self, label: str, option: str, within=None):
        self._pick(self.widget("stSelectbox", label, within), option)
        self.idle()

    def radio(self, label: str, option: str, within=None):
        group = self.widget("stRadio", label, within)
        group.locator('[role="radiogroup"] label').filter(
            has=self.page.get_by_text(option, exact=True)).first.click()
        self.clicks += 1
        self.idle()

    def tick(self, key: str, options: list[str]):
        """The boxes of a list question (its key: ``q:uses.admin``), by their labels."""
        group = self.page.locator("." + anchor(key))
        for option in options:
            group.locator('[data-testid="stCheckbox"]').filter(
                has=self.page.get_by_text(option, exact=True)).first.locator("label").click()
            self.clicks += 1
            self.idle()

    def check(self, label: str):
        self.page.locator('[data-testid="stCheckbox"]').filter(has_text=label).first.locator("label").click()
        self.clicks += 1
        self.idle()

    def click(self, name: str):
        self.page.get_by_role("button", name=name, exact=True).click()
        self.clicks += 1
        self.idle()

    def next(self, top: bool = True):
        """"Suivant" (or "Next", "Revenir à la relecture"): the new step opens at its top."""
        self.page.locator(".st-key-nav_next button").click()
        self.clicks += 1
        self.idle()
        if top:
            self.page.wait_for_timeout(300)
            assert self.scroll() == 0, f"{self.header()} opens scrolled down by {self.scroll()} px"

    def scroll(self) -> int:
        return self.page.evaluate("() => Math.round(document.querySelector('[data-testid=\"stMain\"]')"
                                  "?.scrollTop || 0) + Math.round(window.scrollY)")

    def in_view(self, locator) -> bool:
        box = locator.bounding_box()
        height = self.page.viewport_size["height"]
        return box is not None and box["y"] >= -1 and box["y"] + min(box["height"], 40) <= height

    def tool(self, name: str):
        """The card of a tool (an expander whose summary starts with its name), opened."""
        card = self.page.locator('[data-testid="stExpander"]').filter(
            has=self.page.locator("summary", has_text=re.compile(r"(^|[a-z_])" + re.escape(name) + r"( · |$)"))).first
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
        return self.page.locator("h2:not(#balises-errors-title)").first.inner_text()

    def download(self, name_pattern: str) -> tuple[str, bytes]:
        button = self.page.get_by_role("button", name=re.compile(name_pattern))
        with self.page.expect_download(timeout=30000) as info:
            button.first.click()
        dl = info.value
        return dl.suggested_filename, Path(dl.path()).read_bytes()

    def save_panel(self):
        """"Enregistrer ou reprendre", opened (a labelled button in the page, on every screen)."""
        panel = self.page.locator('[data-testid="stPopoverBody"]')
        if not panel.is_visible():
            self.page.locator(".st-key-save_resume button").first.click()
            panel.wait_for(state="visible")
            self.page.wait_for_timeout(200)
            self.clicks += 1
        return panel

    def close_panel(self):
        if self.page.locator('[data-testid="stPopoverBody"]').is_visible():
            self.page.keyboard.press("Escape")
            self.page.wait_for_timeout(300)

    def answers(self) -> dict:
        """The answers file, from "Enregistrer ou reprendre", on the first click."""
        self.save_panel()
        _, data = self.download(r"^(Télécharger mes réponses|Download my answers)")
        self.close_panel()
        return yaml.safe_load(data)

    def resume(self, name: str, data: bytes):
        panel = self.save_panel()
        panel.locator('input[type="file"]').set_input_files({"name": name, "mimeType": "application/x-yaml",
                                                             "buffer": data})
        self.idle()
        self.page.wait_for_timeout(500)
        self.idle()
        self.close_panel()

    def english_left(self) -> list[str]:
        """Streamlit's English on the page: visible text, and the names screen readers say."""
        text = self.page.locator("body").inner_text()
        found = [s for s in STREAMLIT_ENGLISH if re.search(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", text)]
        names = self.page.evaluate("() => [...document.querySelectorAll('[aria-label]')]"
                                   ".map(e => e.getAttribute('aria-label'))")
        found += [n for n in names if n in ARIA_ENGLISH or n.startswith(("Help for ", "Remove "))]
        return found

    def cut_texts(self) -> list[str]:
        """Labels, chips, buttons, chosen values and card rows whose text does not fit (cut or ellipsed)."""
        return self.page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="stWidgetLabel"] p, [data-tag] > span, button p, [data-testid="stExpander"] summary p, '
            + '[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] p, '
            + 'input[role="combobox"]')]
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > 0
                         && e.getBoundingClientRect().width > 20 && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText.slice(0, 60))""")

    def axe(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is; on a phone, targets under 24 px too
        (WCAG 2.2 target size, off by default in axe)."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        phone = self.page.viewport_size["width"] < 640
        result = self.page.evaluate(
            "async (phone) => (await axe.run(document, {resultTypes: ['violations'], "
            "rules: {'target-size': {enabled: phone}}})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact) || v.id === 'target-size')"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))", phone)
        return result

    def words(self, help_only: bool = False) -> int:
        """The words a person reads on the step: the form's column as it shows (folded texts not counted); or
        only its help: the step's introduction and the grey texts under questions and options."""
        return self.page.evaluate("""(helpOnly) => {
            const col = [...document.querySelectorAll('[data-testid="stColumn"]')].find(c => c.querySelector('h2'))
              || document.querySelector('[data-testid="stMainBlockContainer"]');
            const count = (t) => t.split(/\\s+/).filter(w => /[\\p{L}\\d]/u.test(w)).length;
            if (!helpOnly) return count(col.innerText);
            const intro = col.querySelector('h2')?.closest('[data-testid="stElementContainer"]')
              ?.nextElementSibling?.innerText || "";
            const helps = [...col.querySelectorAll('[data-testid="stCaptionContainer"]')]
              .filter(e => e.offsetParent !== null).map(e => e.innerText);
            return count(intro) + helps.reduce((n, t) => n + count(t), 0); }""", help_only)


def _page(browser, width: int, height: int, locale: str = "fr-CA"):
    phone = width < 640
    context = browser.new_context(accept_downloads=True, viewport={"width": width, "height": height},
                                  locale=locale, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    return context, page


def _start(w: Wizard, url: str, first: str = "Nom de l'organisation"):
    w.page.goto(url)
    w.page.get_by_text(first).first.wait_for(timeout=30000)
    w.idle()


class Looks:
    """What is checked on every step of a walk: screenshots, Streamlit's English, cut texts, axe-core."""

    def __init__(self, w: Wizard, english_ok: bool = False):
        self.w, self.english_ok = w, english_ok
        self.english: dict[str, list[str]] = {}
        self.cut: dict[str, list[str]] = {}
        self.violations: dict[str, list[str]] = {}
        self.words: dict[str, int] = {}

    def __call__(self, name: str):
        w = self.w
        self.words[name] = w.words()
        w.shot(name)
        if not self.english_ok:
            self.english[name] = w.english_left()
        self.cut[name] = w.cut_texts()
        self.violations[name] = w.axe()

    def check(self):
        assert {k: v for k, v in self.english.items() if v} == {}, "Streamlit's English in the French interface"
        assert {k: v for k, v in self.cut.items() if v} == {}, "texts cut off"
        bad = {k: v for k, v in self.violations.items() if v}
        assert bad == {}, "axe-core: serious or critical violations\n" + "\n".join(
            f"{k}: {line}" for k, v in bad.items() for line in v)


def test_theatre_director_gets_the_kit(app_url, browser):
    """The walk at 1366×768 (also run by tests/test_no_network.py against a guarded server)."""
    walk(app_url, browser, 1366, 768)


@pytest.mark.parametrize("width,height", [(390, 844), (820, 1180)], ids=["phone", "tablet"])
def test_theatre_director_walk_on_a_phone_and_a_tablet(app_url, browser, width, height):
    walk(app_url, browser, width, height)


def walk(app_url, browser, width, height):
    """The whole walk on a screen size; screenshots of every step, axe-core on every step, each step at its
    top; the error summary after "Suivant"; on the desktop, the answers download after each kind of edit and
    the kit's contents."""
    import docx

    from balises.contract.profile import parse_profile
    from balises.render.embedding import read_payload

    desktop, phone = width >= 1000, width < 640
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run scripts/test.sh (it fetches axe-core with npm)")
    context, page = _page(browser, width, height)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    w = Wizard(page, prefix=f"{'desktop' if desktop else 'phone' if phone else 'tablet'}-")
    _start(w, app_url)
    look = Looks(w)

    assert page.locator(".st-key-preview_side").first.is_visible() is desktop  # beside the form, else a button
    assert page.locator(".st-key-preview_phone").first.is_visible() is not desktop
    # the language and "Enregistrer ou reprendre" in the page, with their labels, on every screen
    assert page.get_by_text("English", exact=True).first.is_visible()
    assert page.locator(".st-key-save_resume button").first.is_visible()
    assert "Enregistrer ou reprendre" in page.locator(".st-key-save_resume button").first.inner_text()
    first = page.locator('input[aria-label="Nom de l\'organisation"]').bounding_box()
    assert first["y"] + first["height"] < height  # the first field in the first screen
    look("1-organisation-empty")

    # "Suivant" with questions left: the error summary, in view and focused, links to the fields
    w.next(top=False)
    summary = page.locator(".balises-errors")
    assert page.evaluate("() => document.activeElement.classList.contains('balises-errors')")
    assert w.in_view(summary)
    assert "« Nom de l'organisation » : ne peut pas être vide" in summary.inner_text()
    look("1-organisation-refused")
    summary.get_by_role("link", name=re.compile("Forme juridique")).click()
    page.wait_for_timeout(600)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Forme juridique"
    assert w.in_view(page.locator('input[aria-label="Forme juridique"]'))

    if desktop:  # a typed text is in the answers file on the very first click, without leaving the field
        w.fill("Nom de l'organisation", ORG, enter=False)
        assert w.answers()["organisation"]["name"] == ORG
        w.idle()
    else:
        w.fill("Nom de l'organisation", ORG)
    w.select("Où l'organisation est-elle établie ?", "Québec")
    assert page.get_by_text("Charte de la langue française (art. 41)").first.is_visible()
    w.radio("Secteur", "Arts de la scène")
    w.select("Forme juridique", "Organisme à but non lucratif / association")
    w.number("Nombre de salariés", 9)
    w.radio("Représentation du personnel", "Syndicat")
    w.radio("Est-ce une entreprise de compétence fédérale", "Non")
    w.check("pigistes")
    w.tick("q:policy.languages", ["Anglais"])
    if desktop:
        data = w.answers()
        assert data["organisation"]["staff_representation"] == "union"  # a radio
        assert data["policy"]["languages"] == ["fr", "en"]  # a box of a list
        assert data["organisation"]["freelancers"] is True  # a box
        assert data["policy"]["stance"] is None  # not answered yet: said so in the file
    look("1-organisation-filled")
    w.next()
    assert "Position" in w.header()

    w.radio("Où en est l'organisation avec l'IA ?", "Suiveuse")
    w.radio("Règle générale sur l'usage de l'IA", "Usage encadré")
    w.fill("Fonction responsable de la politique", "Direction générale et artistique")
    look("2-position")
    w.next()
    assert "Usages" in w.header()

    w.tick("q:uses.admin", ["Rédaction de demandes de subvention", "Communications et marketing", "Traduction"])
    w.tick("q:uses.creative", ["Scénographie, éclairage, conception scénique"])
    look("3-uses")
    w.next()
    assert "Données et outils" in w.header()

    w.tick("q:data.personal_data", ["Publics et clientèle", "Donateurs et membres"])
    w.radio("Des renseignements personnels peuvent-ils être saisis", "Jamais")
    w.radio("Diffusez-vous des contenus", "Oui")
    for tool in ("ChatGPT", "DeepL"):
        w.select("Ajouter un outil", tool)
        w.click("Ajouter")
    chatgpt = w.tool("ChatGPT")
    w.select("Où les données sont hébergées", "États-Unis", within=chatgpt)  # asked, never pre-chosen
    w.radio("Type de compte", "Compte gratuit grand public", within=chatgpt)
    w.radio("Statut", "En évaluation", within=chatgpt)
    deepl = w.tool("DeepL")
    w.select("Où les données sont hébergées", "Union européenne", within=deepl)
    w.radio("Type de compte", "Abonnement individuel payant", within=deepl)
    w.radio("Statut", "En évaluation", within=w.tool("DeepL"))
    w.tool("DeepL").locator('[data-testid="stCheckbox"]').filter(
        has=page.get_by_text("Traduction", exact=True)).first.locator("label").click()
    w.clicks += 1
    w.idle()
    assert "risque élevé" in w.tool("DeepL").locator("summary").inner_text()
    if desktop:
        tools = {t["name"]: t for t in w.answers()["tools"]}  # tool edits, on the first click
        assert tools["DeepL"]["account"] == "paid_individual" and tools["DeepL"]["uses"] == ["translation"]
    look("4-data-tools")
    # the edit survives "Précédent" then "Suivant"
    w.click("← Précédent")
    assert "Usages" in w.header()
    w.next()
    summary = w.tool("DeepL").locator("summary").inner_text()
    assert "Abonnement individuel payant" in summary and "risque élevé" in summary
    w.next()
    assert "Engagements" in w.header()

    w.radio("Quand signalez-vous l'usage de l'IA ?", "Tout contenu assisté par IA est signalé")
    w.radio("Tout contenu diffusé ou envoyé à l'extérieur sera-t-il relu", "Oui")
    w.radio("Prenez-vous des engagements de sobriété environnementale ?", "Oui")
    w.radio("Prévoyez-vous un plan de formation du personnel ?", "Oui")
    look("5-commitments")
    w.next()
    assert "Relecture" in w.header()
    look("6-review")
    if not desktop:  # the preview behind its button opens and shows the outline
        panel = page.locator(".st-key-preview_phone")
        panel.get_by_text("Voir ce que contiendra la politique").click()
        w.idle()
        assert panel.locator(".balises-trace details").first.is_visible()
        w.shot("6-review-preview-open")

    # the step list: straight back to step 2 and forward again
    steps = page.locator('[data-testid="stRadio"]').filter(has_text="Aller à l'étape").locator('[role="radiogroup"] label')
    steps.nth(1).click()
    w.idle()
    assert "Position" in w.header()
    steps.nth(5).click()
    w.idle()
    assert "Relecture" in w.header()

    # one primary download: the kit, every document in both languages
    primary = page.locator('[data-testid="stBaseButton-primary"]:visible')
    assert [b.split("\n")[-1].strip() for b in primary.all_inner_texts()] == [
        "Télécharger la trousse complète (.zip)"]
    if desktop:
        name, data = w.download(r"Télécharger la trousse complète")
        assert re.fullmatch(r"theatre-du-bord-de-l-eau-trousse-ia-\d{4}-\d{2}-\d{2}\.zip", name), name
        files = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        assert {"politique-ia.fr.docx", "registre-des-outils.fr.xlsx", "plan-de-mise-en-oeuvre.fr.docx",
                "ai-policy.en.docx", "staff-summary.en.docx"} <= files
        # the documents one by one, behind their disclosure
        page.get_by_text("Les documents un par un").click()
        w.idle()
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
        # The interface in English, answers kept (the download's own rerun ends first; the language's rerun
        # may start late on a loaded machine, so the header is awaited, not read once)
        w.idle()
        page.get_by_text("English", exact=True).first.click()
        w.idle()
        sync_api.expect(page.locator("h2:not(#balises-errors-title)").first).to_contain_text("Review and download",
                                                                                    timeout=30000)
        w.shot("7-review-english")

    look.check()
    outside = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert outside <= {"127.0.0.1", "localhost"}, f"requests outside the machine: {outside}"
    context.close()


SCREEN_SIZES = [(1366, 768), (390, 844)]
SIZE_IDS = ["desktop", "phone"]


@pytest.mark.parametrize("width,height", SCREEN_SIZES, ids=SIZE_IDS)
def test_an_english_browser_and_an_ontario_organisation_get_english_only(app_url, browser, width, height):
    """en-CA: the interface in English from the first screen, and an Ontario organisation's policy in English
    only (no question about the French article of its name), its roles in English."""
    context, page = _page(browser, width, height, locale="en-CA")
    w = Wizard(page, prefix=f"english-{'phone-' if width < 640 else ''}")
    _start(w, app_url, first="Name of the organisation")
    look = Looks(w, english_ok=True)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert w.header() == "Organisation"
    assert page.locator('[data-testid="stProgress"]').first.inner_text().startswith("Step 1 of 6")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.innerText") == "Skip to main content"
    w.fill("Name of the organisation", "Lakeshore Folk Festival")
    w.select("Where is the organisation established?", "Canada (outside Québec)")
    w.select("Province or territory", "Ontario")
    assert page.locator(f".{anchor('q:policy.languages:en')} input").is_checked()
    assert not page.locator(f".{anchor('q:policy.languages:fr')} input").is_checked()
    assert not page.get_by_text("Article of the name in French").count()
    w.radio("Sector", "Presenters, venues, festivals")
    w.select("Legal form", "Nonprofit")
    w.number("Number of employees", 6)
    w.radio("Staff representation", "None")
    w.radio("Is it a federally regulated undertaking", "No")
    look("1-organisation")
    w.next()
    w.radio("Where does the organisation stand with AI?", "Follower")
    w.radio("General rule on the use of AI", "Conditional")
    assert page.locator('input[aria-label="Body that adopts the policy"]').input_value() == "Board of Directors"
    look("2-position")
    w.next()
    w.tick("q:uses.admin", ["Grant writing", "Social media"])
    look("3-uses")
    w.next()
    w.radio("May personal information be entered into an AI tool?", "Never")
    w.radio("Do you publish content", "Yes")
    look("4-data-tools")
    w.next()
    w.radio("When do you disclose the use of AI?", "Substantial AI contribution disclosed")
    for question in ("Will every output published", "Do you make environmental", "Do you plan to train staff"):
        w.radio(question, "Yes")
    look("5-commitments")
    w.next()
    assert w.header() == "Review and download"
    look("6-review")
    text = page.locator("body").inner_text()
    assert not [x for x in FRENCH_LEFT if x in text], "French in the English interface"
    if width >= 1000:
        _, data = w.download(r"Download the whole kit")
        files = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        assert "ai-policy.en.docx" in files and not [f for f in files if f.endswith(".fr.docx")]
    look.check()
    context.close()


@pytest.mark.parametrize("width,height", SCREEN_SIZES, ids=SIZE_IDS)
def test_no_document_while_a_permission_question_waits(app_url, browser, width, height):
    """The theatre's answers with "May personal information be entered…" left unanswered (a file saved half-way):
    the wizard opens that step, refuses to go on, and offers no document."""
    data = yaml.safe_load(THEATRE.read_text(encoding="utf-8"))
    data["data"]["personal_data_in_ai_tools"] = None
    context, page = _page(browser, width, height)
    w = Wizard(page, prefix=f"waiting-{'phone-' if width < 640 else ''}")
    _start(w, app_url)
    w.resume("half.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
    assert w.header() == "Données et outils"
    question = page.locator(f".{anchor('q:data.personal_data_in_ai_tools')}")
    assert question.locator("input:checked").count() == 0  # nothing chosen for the user
    w.next(top=False)
    assert w.header() == "Données et outils"
    summary = page.locator(".balises-errors")
    assert "Des renseignements personnels peuvent-ils être saisis" in summary.inner_text()
    assert page.evaluate("() => document.activeElement.classList.contains('balises-errors')")
    steps = page.locator('[data-testid="stRadio"]').filter(has_text="Aller à l'étape").locator('[role="radiogroup"] label')
    steps.nth(5).click()  # straight to the review: stopped here
    w.idle()
    assert w.header() == "Données et outils"
    assert not page.get_by_role("button", name=re.compile(r"trousse|Politique en")).count()
    w.shot("4-refused")
    w.radio("Des renseignements personnels peuvent-ils être saisis", "Seulement anonymisés")
    w.next()
    w.next()
    assert w.header() == "Relecture et téléchargement"
    assert page.get_by_role("button", name=re.compile(r"^Télécharger la trousse complète")).count() == 1
    context.close()


@pytest.mark.parametrize("width,height", SCREEN_SIZES, ids=SIZE_IDS)
def test_check_your_answers_and_change_one(app_url, browser, width, height):
    """The review lists the answers step by step; "Modifier" opens the question, in view and focused, and
    "Revenir à la relecture" comes back with the answer changed."""
    context, page = _page(browser, width, height)
    w = Wizard(page, prefix=f"review-{'phone-' if width < 640 else ''}")
    _start(w, app_url)
    w.resume("theatre.yaml", THEATRE.read_bytes())
    assert w.header() == "Relecture et téléchargement"
    page.wait_for_timeout(300)
    assert w.scroll() == 0  # the review opens at its top
    answers = page.locator(".st-key-answers_position")
    assert "Usage encadré" in answers.inner_text()
    row = answers.locator('[class*="st-key-answer_row_"]').filter(has_text="Règle générale sur l'usage de l'IA")
    row.get_by_role("button", name="Modifier").click()
    w.idle()
    page.wait_for_timeout(600)
    assert w.header() == "Position"
    stance = page.locator(f".{anchor('q:policy.stance')}")
    assert w.in_view(stance)
    assert page.evaluate("() => document.activeElement.closest('.st-key-q-policy-stance') !== null")
    w.shot("modifier-position")
    w.radio("Règle générale sur l'usage de l'IA", "Usage restreint")
    assert page.locator(".st-key-nav_next button").inner_text().strip() == "Revenir à la relecture →"
    w.next()
    assert w.header() == "Relecture et téléchargement"
    assert "Usage restreint" in page.locator(".st-key-answers_position").inner_text()
    w.shot("modifier-back")
    context.close()


def test_update_an_adopted_policy_with_the_answers_on_screen(app_url, browser, tmp_path):
    """An adopted policy updated with the answers on screen (a use added since): what changes in plain words
    (no clause id), the new version as Word tracked changes carrying the new answer, the adviser's note."""
    import docx

    from balises.contract.profile import load_profile
    from balises.packs.loader import load_pack
    from balises.render.embedding import read_payload
    from balises.services import generate as api

    adopted = api.generate(load_profile(THEATRE), load_pack(), lang="fr", as_of=__import__("datetime").date(2026, 7, 1))
    document = docx.Document(io.BytesIO(adopted.docx))
    document.add_paragraph("Paragraphe ajouté par le conseil d'administration.")
    path = tmp_path / "politique-adoptee.docx"
    document.save(str(path))

    context, page = _page(browser, 1366, 768)
    w = Wizard(page, prefix="update-")
    _start(w, app_url)
    w.resume("theatre.yaml", THEATRE.read_bytes())
    row = page.locator(".st-key-answers_uses [class*='st-key-answer_row_']").filter(
        has_text="Usages visibles du public")
    row.get_by_role("button", name="Modifier").click()
    w.idle()
    w.tick("q:uses.public", ["Agent conversationnel (le public converse avec une IA)"])
    w.next()
    update = page.locator(".st-key-update_path")
    update.locator('input[type="file"]').set_input_files(str(path))
    w.idle()
    w.radio("Avec quelles réponses ?", "Celles à l'écran (vos réponses actuelles)", within=update)
    said = update.locator('[data-testid="stMarkdownContainer"] li').all_inner_texts()
    assert said and re.match(r"\d+ passage\(s\) changent", said[0]), said
    assert "Vos 1 modification(s) sont gardées." in said
    assert not [s for s in said if re.search(r"\b[a-z]+(_[a-z]+)*\.[a-z_]+\b", s.replace("1.0", ""))], said
    w.shot("update-summary")
    name, data = w.download(r"Télécharger la version")
    assert name.startswith("politique-adoptee-v")
    assert b"<w:ins " in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert "chatbot" in read_payload(data)["profile"]["uses"]["public"]
    _, note = w.download(r"Détail pour votre conseiller")
    assert b"Version 1.0" in note
    context.close()


def test_lists_open_below_their_label_on_a_phone(app_url, browser):
    """A drop-down near the bottom of a phone's screen: its list opens under the question, not over it."""
    context, page = _page(browser, 390, 844)
    w = Wizard(page, prefix="phone-")
    _start(w, app_url)
    box = w.widget("stSelectbox", "Forme juridique")
    page.evaluate("(el) => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                  " m.scrollBy(0, el.getBoundingClientRect().bottom - window.innerHeight + 20); }",
                  box.element_handle())
    page.wait_for_timeout(300)
    box.locator('[role="combobox"], input').first.tap()  # a finger
    listbox = page.locator('[role="listbox"]').first
    listbox.wait_for()
    page.wait_for_timeout(600)
    field = box.bounding_box()  # the question's words are above the field: the list opens under the field
    assert listbox.bounding_box()["y"] >= field["y"] + field["height"] - 1
    cut = listbox.evaluate("e => [...e.querySelectorAll('[role=option] > div')]"
                           ".filter(o => o.scrollWidth > o.clientWidth + 1).map(o => o.innerText)")
    assert cut == []  # long options wrap
    w.shot("list-below-label")
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
    """Step 1 answered and left with the keyboard alone: every control reached with Tab, lists with the arrows,
    a choice among round buttons with the arrows."""
    context, page = _page(browser, 1366, 768)
    w = Wizard(page)
    _start(w, app_url)

    def tab_to(label: str, limit: int = 80):
        seen = []
        for _ in range(limit):
            page.keyboard.press("Tab")
            name = page.evaluate("() => document.activeElement?.getAttribute('aria-label') || "
                                 "document.activeElement?.closest('label')?.innerText || "
                                 "document.activeElement?.innerText || "
                                 "'<' + (document.activeElement?.tagName || 'nothing') + '>'")
            if name.strip().startswith(label):
                w.idle()  # leaving a text field sent it (a rerun): let it land, as a person would see it
                return
            seen.append(name.strip()[:30])
        # what the focus went through, to tell a page not yet drawn from a control left out of the Tab order
        pytest.fail(f"{label!r} not reached with Tab; the focus went through: {seen}")

    def first_option():
        page.keyboard.press("ArrowDown")  # opens the list on its first option
        page.get_by_role("option").first.wait_for()
        page.wait_for_timeout(200)
        page.keyboard.press("Enter")
        w.idle()

    tab_to("Nom de l'organisation")
    page.keyboard.type(ORG)
    tab_to("Où l'organisation est-elle établie ?")
    first_option()
    assert page.locator('input[aria-label="Où l\'organisation est-elle établie ?"]').input_value() == "Québec"
    tab_to("Arts de la scène")  # the first round button of "Secteur"
    page.keyboard.press("Space")
    w.idle()
    tab_to("Forme juridique")
    first_option()  # Organisme à but non lucratif
    tab_to("Nombre de salariés")
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    w.idle()
    tab_to("Aucune")  # the first round button of "Représentation du personnel"
    page.keyboard.press("Space")
    w.idle()
    tab_to("Oui")  # "Est-ce une entreprise de compétence fédérale ?"
    page.keyboard.press("ArrowRight")  # Non
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
