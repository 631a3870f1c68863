"""Many members at once: N wizard sessions in one server process, each with its own answers (AppTest in threads).

    python benchmarks/bench_sessions.py [--sessions 30] [--rounds 3]

An association hosts the wizard for its members. Each session loads its own answers file (a distinct name,
headcount and tool), walks to the review, switches the preview language and downloads its Word policy, all
sessions at the same time on their own threads. Reported: the interaction time (one ``AppTest.run()``: the
script re-run for one click, including AppTest's bookkeeping) median and p95 over every interaction of every
session, the time to build one download, the resident memory per session (RSS growth with every session alive,
divided by N), and whether any session ever saw another's answers (``leaks``: must be 0).

The sessions share what the server shares (the pack, Streamlit's caches, the compiled templates), which is what
could carry one member's answers into another's policy.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(ROOT / "app.py")
EXAMPLE = ROOT / "examples" / "theatre-quebec.yaml"


def member(i: int) -> dict:
    """The answers of member ``i``: the theatre example with a distinct name, headcount and tool."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["organisation"]["name"] = f"Compagnie Membre {i:02d}"
    data["organisation"]["employees"] = 10 + i
    data["tools"] = [{"name": f"Outil-{i:02d}-Unique", "vendor": f"Fournisseur {i:02d}", "hosting": "canada",
                      "account": "business", "status": "approved", "uses": ["translation"]}]
    return data


def name_of(i: int) -> str:
    return f"Compagnie Membre {i:02d}"


def tool_of(i: int) -> str:
    return f"Outil-{i:02d}-Unique"


# Deferred downloads (the Word files are built when clicked) are registered with Streamlit's media manager;
# recording them lets a session "click" its own download. The file name carries the session's organisation.
_DOWNLOADS: dict[str, object] = {}
_DOWNLOADS_LOCK = threading.Lock()
_original_add_deferred = MediaFileManager.add_deferred


def _recording_add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
    with _DOWNLOADS_LOCK:
        _DOWNLOADS[file_name or ""] = data_callable
    return _original_add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)



def _share_runtime() -> None:
    """AppTest gives every run a mock Runtime in a class attribute and sets it back to None when the run ends,
    which, with sessions on several threads, pulls it from under the others. A real server has one Runtime
    for every session: so do these sessions (one media manager, one cache storage)."""
    from unittest.mock import MagicMock

    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.runtime import Runtime
    from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
    from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    shared = MagicMock(spec=Runtime)
    shared.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    shared.dataframe_source_mgr = DataframeSourceManager()
    shared.cache_storage_manager = MemoryCacheStorageManager()
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    shared.bidi_component_registry = components
    Runtime.instance = classmethod(lambda cls: shared)
    Runtime.exists = classmethod(lambda cls: True)
    # one compiled script too, as on a server (compiling it on 30 threads at once trips a CPython 3.11 bug)
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    script_cache = ScriptCache()
    import streamlit.testing.v1.local_script_runner as local_runner

    app_test.ScriptCache = local_runner.ScriptCache = lambda: script_cache
    # AppTest switches config.get_option to a mock for each run and back after it: on threads, one run's end
    # switched it back under another run (whose widgets then missed their test hooks). Switched once here.
    import contextlib

    from streamlit import config
    from streamlit.testing.v1.util import build_mock_config_get_option

    config.get_option = build_mock_config_get_option({"global.appTest": True})
    app_test.patch_config_options = lambda overrides: contextlib.nullcontext()
    MediaFileManager.add_deferred = _recording_add_deferred


@dataclass
class Session:
    index: int
    times_ms: list[float] = field(default_factory=list)
    download_ms: float = 0.0
    previews: list[str] = field(default_factory=list)  # the policy previews it was shown
    answers_name: str = ""  # the organisation in its session state at the end
    docx_text: str = ""
    error: str = ""
    app: AppTest | None = None


def _timed(session: Session, at: AppTest) -> None:
    start = time.perf_counter()
    at.run()
    session.times_ms.append((time.perf_counter() - start) * 1000)
    if at.exception:
        raise RuntimeError(f"app error: {at.exception}")


def _previews(at: AppTest) -> list[str]:
    return [h.value for h in at.get("html") if "balises-preview" in h.value or "balises-trace" in h.value]


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                         if n.startswith(("word/", "customXml/", "docProps/")) and n.endswith(".xml"))


def walk(session: Session, start: threading.Barrier | None = None, rounds: int = 1) -> None:
    """One member's visit: open, load the answers file, go to the review, switch the preview, download."""
    try:
        i = session.index
        at = AppTest.from_file(APP, default_timeout=300)
        session.app = at
        if start is not None:
            start.wait()
        _timed(session, at)
        at.file_uploader[0].set_value((f"membre-{i:02d}.yaml", yaml.safe_dump(member(i), allow_unicode=True)
                                       .encode("utf-8"), "application/x-yaml"))
        _timed(session, at)
        at.radio(key="nav_steps").set_value(0)  # a resumed file opens at the review: back to step 1
        _timed(session, at)
        for _ in range(rounds):
            for _step in range(5):
                at.button(key="nav_next").click()
                _timed(session, at)
                session.previews += _previews(at)
            at.radio(key="doc_lang").set_value("en")
            _timed(session, at)
            session.previews += _previews(at)
            if rounds > 1:
                for _step in range(5):
                    at.button(key="nav_back").click()
                    _timed(session, at)
        session.answers_name = at.session_state["answers"]["organisation"]["name"]
        prefix = "compagnie-membre-%02d-politique-ia" % i
        with _DOWNLOADS_LOCK:
            build = next(fn for name, fn in _DOWNLOADS.items() if name.startswith(prefix))
        started = time.perf_counter()
        session.docx_text = _docx_text(build())
        session.download_ms = (time.perf_counter() - started) * 1000
    except Exception as exc:  # noqa: BLE001 - reported per session
        import traceback

        session.error = f"{type(exc).__name__}: {exc}\n" + "".join(traceback.format_exc(limit=-6))


def leaks(sessions: list[Session]) -> list[str]:
    """Every place a session saw another session's organisation or tool (must be empty)."""
    found = []
    for s in sessions:
        if s.error:
            continue
        own = (name_of(s.index), tool_of(s.index))
        if s.answers_name != own[0]:
            found.append(f"session {s.index}: answers of {s.answers_name!r}")
        others = [(name_of(o.index), tool_of(o.index)) for o in sessions if o.index != s.index]
        for label, text in [("download", s.docx_text)] + [("preview", p) for p in s.previews]:
            for name, tool in others:
                if name in text or tool in text:
                    found.append(f"session {s.index}: {label} shows {name!r}")
        if own[0] not in s.docx_text or own[1] not in s.docx_text:
            found.append(f"session {s.index}: its download lacks its own name or tool")
        if not any(own[0] in p for p in s.previews):
            found.append(f"session {s.index}: its preview lacks its own name")
    return found


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_sessions(count: int, rounds: int = 1) -> tuple[list[Session], float]:
    """``count`` sessions on their own threads, started together; returns them and the RSS growth in MB.
    Changes Streamlit's testing globals for the process (see _share_runtime): run it in a process of its own."""
    _share_runtime()
    warm = Session(index=99)
    walk(warm)  # imports, the pack and Streamlit's caches: shared by every session, not counted per session
    gc.collect()
    before = _rss_mb()
    sessions = [Session(index=i) for i in range(count)]
    barrier = threading.Barrier(count)
    threads = [threading.Thread(target=walk, args=(s, barrier, rounds), name=f"member-{s.index}") for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.collect()
    grown = _rss_mb() - before  # every session's AppTest (and so its session state) is still alive
    return sessions, grown


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1, help="walks to the review and back per session")
    args, _ = parser.parse_known_args()  # run_all.py passes every script the same extra arguments
    started = time.perf_counter()
    sessions, grown = run_sessions(args.sessions, args.rounds)
    wall = time.perf_counter() - started
    errors = [f"session {s.index}: {s.error}" for s in sessions if s.error]
    times = [t for s in sessions for t in s.times_ms]
    downloads = [s.download_ms for s in sessions if not s.error]
    found = leaks(sessions)
    print(f"{args.sessions} concurrent sessions, {len(times)} interactions, wall {wall:.1f} s")
    if times:
        print(f"interaction time: median {statistics.median(times):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
              f"max {max(times):.0f} ms")
    if downloads:
        print(f"Word download (built on click): median {statistics.median(downloads):.0f} ms, "
              f"p95 {percentile(downloads, 0.95):.0f} ms")
    print(f"memory: {grown:.0f} MB for {args.sessions} sessions = {grown / args.sessions:.1f} MB per session "
          f"(process RSS {_rss_mb():.0f} MB)")
    print(f"leaks between sessions: {len(found)}")
    for line in errors + found[:20]:
        print("  " + line)
    if errors or found:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
