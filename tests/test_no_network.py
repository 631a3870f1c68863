"""Nothing leaves the machine: the command line and the wizard run with every outbound connection recorded
and refused, and the test fails on the first one.

The guard is a ``sitecustomize`` module put first on PYTHONPATH, so it is loaded by every Python process the
commands start (the batch's workers, Streamlit's server): a connection, a datagram or a name lookup for
anything but the machine itself is written to a log and refused. Where the kernel allows it, the command line
also runs in a network namespace that has only a loopback interface (``unshare -rn``). A control run shows
that the guard does catch a request.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

GUARD = r'''
import errno, ipaddress, os, socket

_LOG = os.environ.get("NETGUARD_LOG")


def _local(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%")[0]
    if host in ("localhost", "", "0.0.0.0", "::", "ip6-localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _check(what, address):
    if not isinstance(address, tuple) or _local(address[0]):
        return  # a Unix socket, or this machine
    with open(_LOG, "a") as fh:
        fh.write(f"{os.getpid()} {what} {address!r}\n")
    raise OSError(errno.ENETUNREACH, f"netguard: outbound {what} to {address!r} refused")


if _LOG:
    _connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
    _getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        _check("connect", address)
        return _connect(self, address)

    def connect_ex(self, address):
        _check("connect", address)
        return _connect_ex(self, address)

    def sendto(self, data, *args):
        _check("sendto", args[-1])
        return _sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not _local(host):
            _check("lookup", (host, args[0] if args else None))
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
    socket.getaddrinfo = getaddrinfo
'''


@pytest.fixture()
def guard(tmp_path: Path) -> dict:
    folder = tmp_path / "netguard"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "outbound.log"
    log.write_text("")
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}", "NETGUARD_LOG": str(log),
           "BALISES_LANG": "en", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    return {"env": env, "log": log}


def _namespace() -> list[str]:
    """A prefix running a command in a network namespace with only loopback, when the kernel allows it."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "netns"]
    return []


def _run(guard: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*_namespace(), sys.executable, *args], cwd=ROOT, env=guard["env"], capture_output=True,
                          text=True, timeout=timeout)


def test_the_guard_catches_a_request(guard):
    """Control: without it, the tests below could not fail."""
    result = _run(guard, "-c", "import urllib.request; urllib.request.urlopen('http://example.org', timeout=2)")
    assert result.returncode != 0
    assert "example.org" in guard["log"].read_text()


def test_command_line_makes_no_outbound_connection(guard, tmp_path: Path):
    from .test_hostile_input import _hostile_reference

    hostile = tmp_path / "hostile"
    hostile.mkdir()
    mini = tmp_path / "mini"
    shutil.copytree(ROOT / "tests" / "hostile" / "pack", mini)
    shutil.copy(ROOT / "policy_templates" / "reference.docx", mini / "policy_templates" / "reference.docx")
    pack = _hostile_reference(hostile, mini, "footer-image")
    members = tmp_path / "members.csv"
    members.write_text("organisation.name,organisation.jurisdiction,organisation.sector,organisation.employees\n"
                       "Membre A,quebec,museums_heritage,3\nMembre B,france,music,40\n")
    runs = [
        ("generate", str(ROOT / "examples" / "theatre-quebec.yaml"), "-o", str(tmp_path / "theatre.docx")),
        ("generate", str(ROOT / "tests" / "hostile" / "valid.yaml"), "-o", str(tmp_path / "hostile.docx"),
         "--pack", str(pack)),
        ("batch", str(members), "-o", str(tmp_path / "out"), "-j", "2"),
        ("lint",),
    ]
    for args in runs:
        result = _run(guard, "-m", "balises", *args)
        # lint exits 1 on the default pack while it lists source URLs not yet at article level (test_lint.py)
        assert result.returncode in ((0, 1) if args == ("lint",) else (0,)), (args, result.stderr)
        assert "Traceback" not in result.stderr, args
        assert guard["log"].read_text() == "", args
    # the policy made with a reference that reached out has no external relationship left in any part
    with zipfile.ZipFile(tmp_path / "hostile.docx") as archive:
        rels = [n for n in archive.namelist() if n.endswith(".rels")]
        assert rels
        for name in rels:
            assert b'TargetMode="External"' not in archive.read(name), name


# ------------------------------------------------------------------------------------------ the wizard


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_wizard(guard: dict, *options: str) -> tuple[subprocess.Popen, int]:
    """``streamlit run app.py`` as an association would start it on a server: headless, no address option."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), *options], cwd=ROOT, env=guard["env"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, port
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail("streamlit did not start:\n" + proc.stdout.read().decode(errors="replace")[-3000:])
        time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


def _foreign_websocket(port: int) -> None:
    """A websocket from another site's page (what a reverse proxy or a hostile page sends)."""
    from websockets.sync.client import connect

    try:
        with connect(f"ws://127.0.0.1:{port}/_stcore/stream", origin="http://members.example.org",
                     open_timeout=10) as ws:
            ws.close()
    except Exception:  # noqa: BLE001 - refused or accepted: only what the server did meanwhile matters
        pass
    time.sleep(1.5)  # the lookups, if any, happen while the connection is checked


def test_wizard_started_plainly_makes_no_outbound_request(guard):
    pytest.importorskip("websockets.sync.client")
    proc, port = _start_wizard(guard)
    try:
        _foreign_websocket(port)
        _foreign_websocket(port)
    finally:
        out = _stop(proc)
    assert guard["log"].read_text() == "", out
    assert "External URL" not in out


def test_control_streamlit_defaults_do_look_up_the_address(guard):
    """Control: with Streamlit's own defaults (XSRF protection, hence CORS, on) the same foreign websocket
    makes it look the machine's addresses up, which the guard records."""
    pytest.importorskip("websockets.sync.client")
    proc, port = _start_wizard(guard, "--server.enableXsrfProtection", "true", "--server.enableCORS", "true")
    try:
        _foreign_websocket(port)
    finally:
        _stop(proc)
    assert guard["log"].read_text() != ""


@pytest.mark.slow
@pytest.mark.browser
def test_wizard_full_walk_in_chromium_makes_no_outbound_request(guard):
    """The browser test's whole walk (answers to downloaded policies), against a guarded wizard started
    without any address option; every request the browser makes goes to the wizard itself."""
    e2e = pytest.importorskip("tests.test_e2e_browser")
    proc, port = _start_wizard(guard)
    urls: list[str] = []

    class Recording:
        def __init__(self, browser):
            self.browser = browser

        def new_context(self, **kwargs):
            context = self.browser.new_context(**kwargs)
            context.on("request", lambda request: urls.append(request.url))
            return context

    try:
        with e2e.sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=e2e.CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                              "--disable-component-update", "--disable-sync", "--no-first-run"])
            try:
                e2e.test_theatre_director_gets_a_word_policy(f"http://127.0.0.1:{port}", Recording(browser))
            finally:
                browser.close()
    finally:
        out = _stop(proc)
    assert guard["log"].read_text() == "", out
    assert urls
    foreign = [u for u in urls if not u.startswith((f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}",
                                                     "data:", "blob:"))]
    assert foreign == []


def test_user_text_shown_as_markdown_fetches_nothing():
    """A tool's name from someone else's answers file, a file name, an invalid value echoed in a message:
    shown through md_text, they render as text, never as an image, a link or a styled directive."""
    import re
    from html import unescape

    from markdown_it import MarkdownIt

    from balises.wizard import md_text

    render = MarkdownIt("commonmark").render
    for hostile in ("![x](http://attacker.example/pixel.png)", "[click](file:////host/share)",
                    "<img src=http://attacker.example/p.png>", ":red[alarm] **bold** `code` $x^2$",
                    "policy ![](https://attacker.example/a.png).docx", "| a | b |\n|---|---|", "<https://attacker.example>"):
        html = render(md_text(hostile))
        assert "<img" not in html and "<a " not in html and "<strong" not in html and "<code" not in html, html
        shown = unescape(re.sub(r"<[^>]+>", "", html)).strip()
        assert shown == hostile  # the reader sees exactly what was typed


# ---------------------------------------------------------------- LibreOffice, on a kit made with a hostile reference

LISTEN = r'''
import http.server, json, subprocess, sys, threading
hits = []
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        hits.append(self.path)
        self.send_response(404)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect,sendto", "-o", sys.argv[2], *sys.argv[3:]],
                        capture_output=True, text=True, timeout=600)
print(json.dumps({"code": result.returncode, "hits": hits, "stderr": result.stderr[-2000:]}))
'''


def _linked_picture_reference(pack: Path, port: int) -> None:
    """The pack's reference with a picture linked (not embedded) in its footer, as LibreOffice fetches when it
    opens a document: the relationship in UTF-16, its TargetMode written as a character reference (the two
    encodings that slipped past the former byte search), and an INCLUDEPICTURE field."""
    ref = pack / "policy_templates" / "reference.docx"
    with zipfile.ZipFile(ref) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    drawing = ('<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
               'wordprocessingDrawing"><wp:extent cx="360000" cy="360000"/><wp:docPr id="77" name="logo"/>'
               '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://'
               'schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.'
               'org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="77" name="logo"/><pic:cNvPicPr/></pic:nvPicPr>'
               '<pic:blipFill><a:blip r:link="rIdLogo"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
               '<a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/></a:xfrm><a:prstGeom prst="rect"/>'
               '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
               '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE '
               f'"http://127.0.0.1:{port}/field.png" \\d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
               '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    footer = parts["word/footer1.xml"].decode().replace("<w:r><w:tab/></w:r>", drawing + "<w:r><w:tab/></w:r>", 1)
    rels = ('<?xml version="1.0" encoding="UTF-16" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdLogo" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/image" '
            f'Target="http://127.0.0.1:{port}/logo.png" TargetMode="&#69;xternal"/></Relationships>')
    parts["word/footer1.xml"] = footer.encode()
    parts["word/_rels/footer1.xml.rels"] = rels.encode("utf-16")
    with zipfile.ZipFile(ref, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _in_namespace(tmp_path: Path, port: int, *command: str) -> tuple[dict, list[str]]:
    """``command`` run under strace in a network namespace with loopback only, beside a web server on
    127.0.0.1:``port`` that records every request; returns its outcome and every inet connection tried."""
    import json

    prefix = _namespace()
    if not prefix or not shutil.which("strace") or not shutil.which("soffice"):
        pytest.skip("needs unshare (a network namespace), strace and LibreOffice")
    trace = tmp_path / "connect.log"
    out = subprocess.run([*prefix, sys.executable, "-c", LISTEN, str(port), str(trace), *command], cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "BALISES_LANG": "en"}, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    inet = [line for line in trace.read_text().splitlines() if "AF_INET" in line]
    return result, inet


@pytest.mark.slow
def test_libreoffice_converting_a_kit_made_with_a_hostile_reference_connects_nowhere(tmp_path: Path):
    """The issue's finding 1: LibreOffice fetched the reference's external image 112 times per kit. The kit is
    made with PDFs (LibreOffice converting every document) in a namespace with loopback only, under strace; the
    picture's address is a local server that records requests. A control run converts the hostile reference
    itself: LibreOffice does fetch it, so the test can fail."""
    pack = tmp_path / "mini"
    shutil.copytree(ROOT / "tests" / "hostile" / "pack", pack)
    shutil.copy(ROOT / "policy_templates" / "reference.docx", pack / "policy_templates" / "reference.docx")
    port = _free_port()
    _linked_picture_reference(pack, port)
    control, _ = _in_namespace(tmp_path, port, "soffice", "--headless",
                               f"-env:UserInstallation=file://{tmp_path}/lo-control", "--convert-to", "pdf",
                               "--outdir", str(tmp_path / "control"), str(pack / "policy_templates" / "reference.docx"))
    assert control["hits"], f"control: LibreOffice fetched nothing from the hostile reference itself: {control}"
    kit, inet = _in_namespace(tmp_path, port, sys.executable, "-m", "balises", "generate",
                              str(ROOT / "tests" / "hostile" / "valid.yaml"), "-o", str(tmp_path / "kit"), "--kit",
                              "--as-of", "2026-11-23", "--pack", str(pack))
    assert kit["code"] == 0, kit["stderr"]
    pdfs = sorted((tmp_path / "kit").rglob("*.pdf"))
    assert pdfs, "the kit has no PDF: LibreOffice did not run"
    assert kit["hits"] == [] and inet == [], (kit, inet)
