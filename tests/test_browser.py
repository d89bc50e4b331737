"""The whole student loop in a real browser: JupyterLab's Assignments tab, `dlkit serve` behind it.

A course folder with week01 released (as in tests/test_serve.py), the
service running, and one student's JupyterLab (her own HOME and working
directory, nbgrader's extensions, a student nbgrader_config.py naming the
course and its exchange) driven by headless Chromium: open the Assignments
tab, Fetch week01, open the notebook, type the catalogue's sign-flipped
sigmoid into the exercise cell, save, Submit, Fetch Feedback once the
service has answered, follow "(view feedback)" and read the page.

Needs Playwright (the Python package only: its browsers are never
downloaded) and Debian's chromium; skipped with the reason without them.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from autograder.authoring import catalogue
from autograder.course import calendar, weeks
from autograder.course.folder import create
from autograder.course.nbgrader_cli import environment
from autograder.staff.release import release_week

CHROMIUM = shutil.which("chromium")  # Debian's: /usr/bin/chromium
if CHROMIUM is None:
    pytest.skip("no chromium on PATH (Debian: apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

pytestmark = pytest.mark.slow

WEEK = "week01"
STUDENT = "alice"
WRONG = "sigmoid_sign_flipped"
START = 120  # seconds JupyterLab (or the service) may take to come up on a busy 2-core machine
WAIT = 120  # seconds the feedback may take (tests/test_serve.py's budget)
UI = 60_000  # milliseconds any one element may take to appear


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc):
    """SIGTERM to ``proc`` (its clean stop), then SIGKILL to whatever is left of its process
    group (it was started with start_new_session: the group is this test's own)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def _tail(path, chars=4000):
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


@pytest.fixture(scope="module")
def course(tmp_path_factory, proven_gate):
    base = tmp_path_factory.mktemp("browser")
    folder = create(base / "course", table_text=calendar.example_table())
    release_week(folder, WEEK, gate=proven_gate)
    return folder, base


@pytest.fixture(scope="module")
def service(course):
    folder, base = course
    log = base / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "serve", "--course", str(folder.root)],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT, env=environment(),
                            start_new_session=True)
    yield proc, log
    _stop(proc)


def _student_home(folder, home):
    """A student's HOME: nbgrader_config.py naming the course and its exchange (as
    classroom.py passes them on the command line), and a quiet JupyterLab."""
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {folder.course_id!r}\n"
        f"c.Exchange.root = {str(folder.exchange)!r}\n"
        f"c.CourseDirectory.student_id = {STUDENT!r}  # the OS account here is not the student's\n")
    (home / ".jupyter" / "jupyter_server_config.py").write_text(
        "c = get_config()\n"
        "# a student's lab: the Assignments tab, no formgrader (nbgrader's advice for students)\n"
        "c.ServerApp.jpserver_extensions = {'nbgrader.server_extensions.formgrader': False}\n"
        "c.LabApp.news_url = None\n"
        "c.LabApp.check_for_updates_class = 'jupyterlab.NeverCheckForUpdate'\n")
    # no "would you like to receive news?" toast over the page
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))


@pytest.fixture(scope="module")
def lab(course):
    """One student's JupyterLab on 127.0.0.1 (token auth, a free port); yields (url, home)."""
    folder, base = course
    home = base / "homes" / STUDENT
    _student_home(folder, home)
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in environment().items() if not k.startswith(("JUPYTER", "DLKIT"))}
    env.update(HOME=str(home), USER=STUDENT, LOGNAME=STUDENT)
    log = base / "lab.log"
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}"]
    if os.getuid() == 0:
        args.append("--allow-root")
    proc = subprocess.Popen(args, cwd=home, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START
        while True:  # up when its API answers
            try:
                with urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{_tail(log)}")
                time.sleep(0.5)
        yield f"{base_url}/lab?token={token}", home, log
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _wrong_code():
    [wrong] = [a for a in catalogue.load(WEEK) if a.id == WRONG]
    return wrong.code.strip()


def _cell_source(path, grade_id):
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell.source


def test_a_student_fetches_submits_and_reads_the_named_mistake_in_jupyterlab(course, service, lab, browser):
    folder, _base = course
    url, home, lab_log = lab
    expect = sync_api.expect
    expect.set_options(timeout=UI)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI)
    page = context.new_page()
    try:
        page.goto(url)
        page.locator("#jp-main-dock-panel").wait_for()

        # the Assignments tab (Nbgrader > Assignment List)
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
        panel = page.locator("#nbgrader-assignment-list")
        released = panel.locator("#released_assignments_list .list_item", has_text=WEEK)
        released.get_by_role("button", name="Fetch", exact=True).click()

        # fetched: open the notebook from the fetched list
        fetched = panel.locator("#fetched_assignments_list > .list_item", has_text=WEEK)
        fetched.locator("a.assignment-notebooks-link").click()
        fetched.locator(".nested_list_item a", has_text=weeks.week(WEEK).notebook).click()
        notebook = page.locator(".jp-NotebookPanel:visible")
        cell = notebook.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text="def sigmoid(x):")).first
        editor = cell.locator(".cm-content")
        expect(editor).to_contain_text("raise NotImplementedError()")

        # the wrong answer, typed over the cell's text (one insertion: no auto-indent or bracket closing)
        code = _wrong_code()
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(code)
        expect(editor).to_contain_text("e / (1 + e)")
        tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=weeks.week(WEEK).notebook)
        dirty = re.compile(r"\bjp-mod-dirty\b")
        expect(tab).to_have_class(dirty)  # edited, not saved yet
        page.keyboard.press("Control+s")  # File > Save Notebook's shortcut
        expect(tab).not_to_have_class(dirty)  # saved
        saved = home / WEEK / f"{weeks.week(WEEK).notebook}.ipynb"
        assert _cell_source(saved, "sigmoid").strip() == code  # on disk, as typed

        # submit from the Assignments tab
        page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Assignments").click()
        fetched.get_by_role("button", name="Submit", exact=True).click()
        submitted = panel.locator("#submitted_assignments_list > .list_item", has_text=WEEK)
        fetch_feedback = submitted.get_by_role("button", name="Fetch Feedback")
        fetch_feedback.wait_for()

        # the service answers within moments: refresh until the tab says so, then Fetch Feedback
        ready = submitted.locator(".nested_list_item", has_text="feedback available to fetch")
        deadline = time.monotonic() + WAIT
        while not ready.is_visible():
            assert time.monotonic() < deadline, f"no feedback in {WAIT}s; the service said:\n{_tail(service[1])}"
            panel.locator("#refresh_assignments_list").click()
            try:
                ready.wait_for(timeout=2_000)
            except sync_api.TimeoutError:
                pass
        submitted.get_by_role("button", name="Fetch Feedback").click()

        # "(view feedback)" shows the fetched page in the file browser; open it
        submitted.locator(".nested_list_item a", has_text="view feedback").click()
        html_name = f"{weeks.week(WEEK).notebook}.html"
        expect(page.locator(".jp-BreadCrumbs")).to_contain_text("feedback")
        page.locator(".jp-DirListing-content .jp-DirListing-item", has_text=html_name).dblclick()
        viewer = page.frame_locator(".jp-HTMLViewer:visible iframe")
        body = viewer.locator("body")
        expect(body).to_contain_text("check the sign")  # the named mistake, in English
        expect(body).to_contain_text("부호")  # and in Korean
        expect(body).to_contain_text("e^{-x}")
        assert "def test_" not in body.inner_text()
    except Exception:
        shot = _base / "failure.png"
        try:
            page.screenshot(path=str(shot))
        except sync_api.Error:
            shot = "(none)"
        print(f"screenshot: {shot}\n--- lab log ---\n{_tail(lab_log)}\n--- service log ---\n{_tail(service[1])}")
        raise
    finally:
        context.close()
