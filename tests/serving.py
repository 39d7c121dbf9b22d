"""Serve the app under gunicorn for tests and benches: 127.0.0.1, a free port, a pid file, kill -9.

The server runs from this checkout (its `wsgi:app`) with the interpreter running us, so the
venv's gunicorn is used without the venv on PATH. gunicorn 27 opens a control socket in the home
directory unless told not to (STACK.md), hence `--no-control-socket`.
"""

from contextlib import contextmanager, suppress
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
READY_PATH = "/static/survey.css"  # a static file: answers as soon as a worker has loaded the app
WAIT_SECONDS = 60  # a safety net against a stuck server on a busy machine, not a speed requirement


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_alive(pid: int) -> bool:
    """True if pid runs and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def child_pids(parent: int) -> list[int]:
    """Live children of parent, read from /proc (the kernel here has no task/*/children)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == parent and state != "Z":
            children.append(int(entry.name))
    return sorted(children)


def remove_stale_pid_file(path: Path) -> None:
    """Delete a pid file left by a killed server; refuse if its gunicorn still runs.

    gunicorn refuses to start when the pid in the file is alive, and after kill -9 that pid
    may already belong to an unrelated process.
    """
    try:
        pid = int(path.read_text().strip() or 0)
    except FileNotFoundError:
        return
    except ValueError:
        pid = 0
    if (
        pid
        and process_alive(pid)
        and b"gunicorn" in _cmdline(pid)
        and str(path).encode() in _cmdline(pid)
    ):
        raise RuntimeError(f"gunicorn {pid} still runs with pid file {path}")
    path.unlink()


def _server_side_inode(server_port: int, client_port: int) -> int:
    """The inode of the server's end of a local TCP connection; 0 until a worker accepts it."""
    local, remote = f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            return int(fields[9])
    return 0


def _socket_owner(pids: list[int], inode: int) -> int | None:
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except (FileNotFoundError, ProcessLookupError):
            continue
        for fd in fds:
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:
                continue
    return None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


class Gunicorn:
    """One gunicorn master with its workers, started and stopped (or killed) on demand."""

    def __init__(
        self,
        workdir: Path,
        env: dict[str, str],
        *,
        workers: int = 2,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
    ):
        self.workdir = Path(workdir)
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.extra_args = extra_args
        self.pid_file = self.workdir / "gunicorn.pid"
        self.log_file = self.workdir / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "wsgi:app",
            "--chdir",
            str(ROOT),
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--pid",
            str(self.pid_file),
            "--no-control-socket",
            "--log-file",
            str(self.log_file),
            *self.extra_args,
        ]

    def start(self) -> "Gunicorn":
        """Start on self.port (after a stale pid file is removed) and wait until every worker
        serves."""
        remove_stale_pid_file(self.pid_file)
        env = dict(os.environ, **self.env)
        # This checkout's package before any installed copy of it.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            self.command(),
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if len(self.worker_pids()) == self.workers and self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not serve within {WAIT_SECONDS} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + READY_PATH, timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process else []

    def hold_worker(self) -> tuple[socket.socket, int]:
        """Open a connection that sends nothing: the sync worker that accepts it waits on it.

        Returns the connection and that worker's pid, read from /proc once it has accepted.
        """
        connection = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        client_port = connection.getsockname()[1]
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            inode = _server_side_inode(self.port, client_port)
            if inode and (owner := _socket_owner(self.worker_pids(), inode)):
                return connection, owner
            time.sleep(0.005)
        connection.close()
        raise RuntimeError("no worker accepted a connection")

    @staticmethod
    def release_worker(connection: socket.socket) -> None:
        """Let the worker holding this connection answer it and go back to accepting."""
        connection.sendall(f"GET {READY_PATH} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        while connection.recv(65536):
            pass
        connection.close()

    @contextmanager
    def routed_to(self, pid: int):
        """Within this block the next new connection is served by worker pid (sync workers).

        Every other worker is kept busy with a held connection. A sequence of fresh connections
        otherwise tends to land on whichever worker is already awake.
        """
        others = set(self.worker_pids()) - {pid}
        held: list[tuple[socket.socket, int]] = []
        try:
            while not others <= {holder for _, holder in held}:
                held.append(self.hold_worker())
            taken_by_pid = [c for c, holder in held if holder == pid]
            held = [(c, holder) for c, holder in held if holder != pid]
            for connection in taken_by_pid:
                self.release_worker(connection)
            yield
        finally:
            for connection, _ in held:
                self.release_worker(connection)

    def kill(self) -> list[int]:
        """kill -9 the master, then each worker, by pid; return the pids killed once all are gone.

        The master goes first so that it cannot fork a replacement for a worker killed before it.
        """
        master = self.process.pid
        workers = self.worker_pids()
        for pid in (master, *workers):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        self.process = None
        deadline = time.monotonic() + WAIT_SECONDS
        while any(process_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.01)
        return [master, *workers]

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), or kill after a grace period."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
