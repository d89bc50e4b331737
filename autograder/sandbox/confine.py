"""How the student process is confined, with whatever this machine offers.

Three layers, each used where it works (:func:`describe` says which ran):

* **bubblewrap** (``bwrap``): a new mount, network, PID, IPC and UTS
  namespace whose filesystem shows only the Python installation (read
  only), the worker script and the submission's scratch folder: no
  solutions, hidden suites, source notebooks, gradebook, exchange or other
  students. No network. Only ``/tmp`` and the scratch folder are
  writable, and the zygote empties both between sessions.
* **a pids cgroup** (when the cgroup filesystem is writable, e.g. as
  root): at most ``Limits.processes`` processes, fork bombs included. As
  root, ``RLIMIT_NPROC`` is not enforced by the kernel, hence the cgroup.
* **resource limits** (always): address space, CPU time, file size, no
  core dumps, and ``RLIMIT_NPROC`` for non-root users.

The environment is always replaced by a minimal one (no instructor flag,
no secret).
"""

import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

SANDBOX_WORKER = "/sandbox/worker.py"
SANDBOX_WORKSPACE = "/submission"
CGROUP_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified"))


@functools.cache
def bwrap() -> str | None:
    """The path of a working bubblewrap, or None (missing, or not permitted here)."""
    if os.environ.get("DLKIT_NO_BWRAP") == "1":  # lets the tests exercise the fallback
        return None
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run([path, *_bwrap_args("/tmp"), "--", sys.executable, "-I", "-c", "pass"],
                           capture_output=True, timeout=30)
    return path if probe.returncode == 0 else None


@functools.cache
def cgroup_root() -> Path | None:
    """A writable cgroup folder with the pids controller, or None."""
    for root in CGROUP_ROOTS:
        if (root / "cgroup.procs").exists() and os.access(root, os.W_OK):
            if root.name == "pids" or "pids" in _read(root / "cgroup.subtree_control"):
                return root
    return None


def describe() -> str:
    """Which layers confine the student process on this machine."""
    layers = ["bubblewrap" if bwrap() else "no bubblewrap (filesystem not hidden)",
              "pids cgroup" if cgroup_root() else "no pids cgroup",
              "rlimits"]
    return ", ".join(layers)


def command(worker: Path, workspace: Path, control_fd: int, preload=()) -> tuple[list, str | None]:
    """``(argv, cwd)`` that starts the zygote of ``worker`` confined, on the control socket
    ``control_fd``, with the modules ``preload`` imported once."""
    extra = [f"--preload={','.join(preload)}"] if preload else []
    if bwrap():
        argv = [bwrap(), *_bwrap_args(workspace, [(worker, SANDBOX_WORKER)]),
                "--", sys.executable, "-I", SANDBOX_WORKER, str(control_fd), "--confined", *extra]
        return argv, None
    return [sys.executable, "-I", str(worker), str(control_fd), *extra], str(workspace)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (host PIDs)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in _listdir(f"/proc/{current}/task"):
            todo += [int(child) for child in _read(Path(f"/proc/{current}/task/{task}/children")).split()]
    return found


def host_pid(root: int, ns_pid: int) -> int | None:
    """The host PID of the process that is ``ns_pid`` in its own PID namespace, below ``root``."""
    for pid in process_tree(root):
        for line in _read(Path(f"/proc/{pid}/status")).splitlines():
            if line.startswith("NSpid:") and line.split()[-1] == str(ns_pid):
                return pid
    return None


def cpu_ns(pid: int) -> int:
    """CPU time used so far by ``pid``, its threads and its live descendants (ns), as the
    kernel counts it (``schedstat``); reaped children are counted by their parent.

    The kernel brings a task's count up to date when it stops running, so
    this first waits (briefly) for ``pid`` to be asleep: it has just sent
    its reply and is on its way to wait for the next request."""
    deadline = time.monotonic() + 0.05
    while _state(pid) == "R" and time.monotonic() < deadline:
        time.sleep(0)
    total = 0
    for member in process_tree(pid):
        for task in _listdir(f"/proc/{member}/task"):
            fields = _read(Path(f"/proc/{member}/task/{task}/schedstat")).split()
            if fields:
                total += int(fields[0])
        stat = _read(Path(f"/proc/{member}/stat")).rsplit(")", 1)[-1].split()
        if len(stat) > 14:  # cutime, cstime: children already waited for, in clock ticks
            total += (int(stat[13]) + int(stat[14])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    return total


class ProcessGroupCap:
    """A pids cgroup for one student process and its children (if available)."""

    def __init__(self, max_processes):
        self.path = None
        root = cgroup_root()
        if root is None:
            return
        path = root / f"dlkit-{uuid.uuid4().hex[:12]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(max_processes))
            self.path = path
        except OSError:
            self.close()

    def join(self) -> None:
        """Called in the child before exec: move this process into the cgroup."""
        if self.path is not None:
            with open(self.path / "cgroup.procs", "w") as handle:
                handle.write(str(os.getpid()))

    def close(self) -> None:
        """Kill whatever is left in the cgroup (a fork bomb's children), then remove it."""
        if self.path is not None:
            for _ in range(3):
                pids = _read(self.path / "cgroup.procs").split()
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, PermissionError, ValueError):
                        pass
                time.sleep(0.05)
            try:
                self.path.rmdir()
            except OSError:
                pass  # still draining; the kernel frees an empty cgroup folder later
            self.path = None


def set_rlimits(limits, uid_processes: int | None = None) -> None:
    """Resource limits of the child (called in the child before exec)."""
    settings = [
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_CORE, 0),
    ]
    if uid_processes is not None:
        # counted per user: allow what the user already runs, plus the budget
        settings.append((resource.RLIMIT_NPROC, uid_processes + limits.processes))
    for which, value in settings:
        resource.setrlimit(which, (value, value))


def processes_of_current_user() -> int | None:
    """How many processes (threads included) this user runs now; None as root."""
    if os.geteuid() == 0:
        return None  # root is exempt from RLIMIT_NPROC: the cgroup caps it instead
    uid = str(os.getuid())
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "status").read_text().split("Uid:")[1].split()[0] == uid:
                    count += len(list((entry / "task").iterdir()))
            except (OSError, IndexError):
                continue
    return count


def _bwrap_args(workspace, read_only=()):
    """bubblewrap's arguments: the sandbox's filesystem, ``read_only`` ((source, target), ...)
    bound in besides, and every namespace unshared."""
    args = ["--unshare-all", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--bind", str(workspace), SANDBOX_WORKSPACE, "--chdir", SANDBOX_WORKSPACE,
            # nothing but /tmp and the workspace is writable (the zygote empties both)
            "--remount-ro", "/dev"]
    for top in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for path in _python_paths():
        args += ["--ro-bind", path, path]
    for source, target in read_only:
        args += ["--ro-bind", str(source), str(target)]
    return args + ["--remount-ro", "/"]  # last: the binds above create their mount points


def _python_paths():
    """The folders of this Python and its packages (venv and base install)."""
    paths = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    # a venv's bin/python is a symlink into the base install: bind both ends
    paths |= {sys.prefix, os.path.dirname(sys.executable)}
    kept = sorted(p for p in paths if not p.startswith("/usr"))
    return [p for p in kept if not any(p != q and p.startswith(q + os.sep) for q in kept)]


def _state(pid):
    """The one-letter state of a process ("R" running, "S" sleeping...), "" if it is gone."""
    fields = _read(Path(f"/proc/{pid}/stat")).rsplit(")", 1)[-1].split()
    return fields[0] if fields else ""


def _read(path):
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return ""


def _listdir(path):
    try:
        return os.listdir(path)
    except OSError:
        return []
