"""The wizard in a real browser: Debian's Chromium driven by Playwright, a theatre director's path from an
empty form to a downloaded Word policy.

Screenshots of every step go to $BALISES_SCREENS (default /tmp/balises-screens). Never downloads a browser:
the test is skipped when /usr/bin/chromium is absent.
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

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(os.environ.get("BALISES_SCREENS", "/tmp/balises-screens"))

pytestmark = pytest.mark.slow

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium package to run the browser test)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")

ORG = "Théâtre du Bord de l'Eau"


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

    def __init__(self, page):
        self.page = page

    def idle(self):
        self.page.wait_for_timeout(300)
        self.page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
            " && !document.querySelector('[data-stale=\"true\"]')", timeout=30000)
        self.page.wait_for_timeout(100)

    def widget(self, testid: str, label: str):
        return self.page.locator(f'[data-testid="{testid}"]').filter(
            has=self.page.locator("label", has_text=label)).first

    def fill(self, label: str, value: str):
        box = self.widget("stTextInput", label).locator("input")
        box.fill(value)
        box.press("Enter")
        self.idle()

    def number(self, label: str, value: int):
        box = self.widget("stNumberInput", label).locator("input")
        box.fill(str(value))
        box.press("Enter")
        self.idle()

    def open(self, testid: str, label: str):
        # a drop-down closes when the page scrolls: bring the widget into view first
        box = self.widget(testid, label)
        box.scroll_into_view_if_needed()
        self.page.wait_for_timeout(300)
        box.locator("input").first.click()

    def select(self, label: str, option: str):
        self.open("stSelectbox", label)
        self.page.get_by_role("option", name=option, exact=True).click()
        self.idle()

    def multi(self, label: str, options: list[str]):
        for option in options:
            self.open("stMultiSelect", label)
            self.page.keyboard.type(option[:12])  # filter the list, as a person would
            self.page.get_by_role("option", name=option, exact=True).click()
            self.page.keyboard.press("Escape")
            self.idle()

    def check(self, label: str):
        self.page.locator('[data-testid="stCheckbox"]').filter(has_text=label).first.locator("label").click()
        self.idle()

    def click(self, name: str):
        self.page.get_by_role("button", name=name, exact=True).click()
        self.idle()

    def shot(self, name: str):
        """The whole page: the viewport is stretched to the content (Streamlit scrolls inside the app)."""
        SCREENS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        height = self.page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
            "[data-testid=\"stMainBlockContainer\"]')].map(e => e.scrollHeight), 900)")
        self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
        self.page.wait_for_timeout(400)
        self.page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
        self.page.set_viewport_size(size)
        self.page.wait_for_timeout(1000)

    def header(self) -> str:
        return self.page.locator("h2").first.inner_text()

    def download(self, name_pattern: str) -> tuple[str, bytes]:
        button = self.page.get_by_role("button", name=re.compile(name_pattern))
        with self.page.expect_download(timeout=60000) as info:
            button.first.click()
        dl = info.value
        return dl.suggested_filename, Path(dl.path()).read_bytes()


def test_theatre_director_gets_a_word_policy(app_url, browser):
    import docx

    from balises.embedding import read_payload
    from balises.profile import parse_profile

    context = browser.new_context(accept_downloads=True, viewport={"width": 1440, "height": 900}, locale="fr-CA")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    w = Wizard(page)
    page.goto(app_url)
    page.get_by_text("Nom de l'organisation").first.wait_for(timeout=30000)
    w.idle()
    w.shot("01-organisation-empty")

    # Leaving the first step unanswered is refused, with the reason per question
    w.click("Suivant →")
    assert page.get_by_text("« Nom de l'organisation » : ne peut pas être vide").first.is_visible()
    w.shot("01-organisation-errors")

    w.fill("Nom de l'organisation", ORG)
    w.select("Où l'organisation est-elle établie ?", "Québec")
    # Québec-only questions appear; the CSE is not offered outside France
    assert page.get_by_text("Loi sur l'accès (RLRQ c. A-2.1)").first.is_visible()
    assert page.get_by_text("Charte de la langue française (art. 41)").first.is_visible()
    w.select("Secteur", "Arts de la scène (théâtre, danse, cirque, arts de la rue)")
    w.number("Nombre de salariés", 9)
    w.check("pigistes")
    w.select("Représentation du personnel", "Syndicat")
    w.fill("Personne responsable de la protection des renseignements personnels", "Direction générale")
    w.multi("Langues de la politique", ["Anglais"])
    w.shot("01-organisation-filled")
    w.click("Suivant →")
    assert "Position" in w.header()

    w.select("Où en est l'organisation avec l'IA ?", "Suiveuse")
    w.fill("Fonction responsable de la politique", "Direction générale et artistique")
    w.shot("02-position")
    w.click("Suivant →")
    assert "Usages" in w.header()

    w.multi("Usages administratifs", ["Rédaction de demandes de subvention", "Communications et marketing",
                                      "Traduction"])
    w.multi("Usages en création", ["Scénographie, éclairage, conception scénique"])
    w.shot("03-uses")
    # Back and forward keep the answers
    w.click("← Précédent")
    assert page.locator('[data-testid="stTextInput"] input').filter(
        has=page.locator("xpath=.")).first.input_value() == "Direction générale et artistique"
    w.click("Suivant →")
    assert page.get_by_text("Communications et marketing").first.is_visible()
    w.click("Suivant →")
    assert "Données et outils" in w.header()

    w.multi("Renseignements personnels que vous détenez", ["Publics, clientèle, spectateurs, visiteurs",
                                                           "Donateurs et membres"])
    for tool in ("ChatGPT", "DeepL"):
        w.select("Ajouter un outil courant", tool)
        w.click("Ajouter")
    risk = page.locator('[data-testid="stMarkdown"]').filter(has_text="ChatGPT").last
    assert "élevé" in risk.inner_text()
    w.shot("04-data-tools")
    w.click("Suivant →")
    assert "Engagements" in w.header()

    w.select("Quand signalez-vous l'usage de l'IA ?", "Tout contenu assisté par IA est signalé")
    w.shot("05-commitments")
    w.click("Suivant →")
    assert "Relecture" in w.header()
    page.locator(".balises-preview").first.wait_for(timeout=30000)
    w.shot("06-review")

    name, data = w.download(r"Politique en français \(\.docx\)")
    assert re.fullmatch(r"theatre-du-bord-de-l-eau-politique-ia-\d{4}-\d{2}-\d{2}\.docx", name), name
    document = docx.Document(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    body += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert ORG in body
    assert "ChatGPT" in body and "DeepL" in body  # the tool register
    profile = parse_profile(read_payload(data)["profile"])
    assert profile.organisation.name == ORG
    assert profile.organisation.jurisdiction == "quebec"
    assert profile.organisation.employees == 9 and profile.organisation.freelancers
    assert profile.policy.languages == ["fr", "en"]
    assert profile.policy.owner_role == "Direction générale et artistique"
    assert set(profile.uses.admin) == {"grant_writing", "communications", "translation"}
    assert profile.uses.creative == ["stage_design"]
    assert profile.data.personal_data == ["audience", "donors_members"]
    assert [t.name for t in profile.tools] == ["ChatGPT", "DeepL"]
    assert profile.commitments.disclosure == "all_assisted"

    name, data = w.download(r"Aide-mémoire du personnel en anglais \(\.docx\)")
    assert re.fullmatch(r"theatre-du-bord-de-l-eau-ai-staff-summary-\d{4}-\d{2}-\d{2}\.docx", name), name
    assert read_payload(data)["edition"] == "staff_summary"

    name, data = w.download(r"Télécharger les réponses \(\.yaml\)")
    assert name.startswith("theatre-du-bord-de-l-eau-reponses-balises-") and name.endswith(".yaml")
    assert parse_profile(__import__("yaml").safe_load(data)).organisation.name == ORG

    # The interface in English, answers kept
    page.get_by_text("English", exact=True).click()
    w.idle()
    assert "Review and download" in w.header()
    # the preview language keeps its choice when the interface language changes
    assert page.get_by_role("radio", name="French").is_checked()
    w.shot("07-review-english")

    outside = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert outside <= {"127.0.0.1", "localhost"}, f"requests outside the machine: {outside}"
    context.close()
