"""The model registry: ``register_model`` and ``get_model`` over ``<root>/models/`` (docs/log-format.md, "Models").

The same files the extension and the ``trackside model`` command write: a version number is claimed by creating
``versions/<n>.json`` with O_EXCL, so several writers at once never share a number or overwrite a file; alias moves
are appended to ``aliases.jsonl``. Every file read here may come from someone else and is checked.
"""

import getpass
import json
import os
import re
import shutil
import socket
import time

from ._confighash import flatten, merge_flat
from ._env import file_digest
from ._find import read_run
from ._root import RUN_ID_RE, resolve_root

MODEL_FORMAT = 1
MAX_NAME = 100
MAX_ALIAS = 64
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_DEVICE_RE = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
_VERSION_FILE_RE = re.compile(r"^([1-9][0-9]{0,8})\.json$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_SKIP = (b'{"t":"metrics"', b'{"t":"heartbeat"', b'{"t":"system"')


class ModelError(ValueError):
    """A bad name or reference, or no such model, version or alias."""


class ModelFileError(ModelError):
    """The file a version names is missing, or is not the file that was registered."""


def _quoted(text, cap=60):
    return json.dumps(text if len(text) <= cap else text[:cap] + "\u2026")


def name_problem(name):
    """Why ``name`` cannot name a model, or None."""
    if not isinstance(name, str) or name == "":
        return "a model name must be a non-empty string"
    if len(name) > MAX_NAME:
        return "model name %s is %d characters long; the limit is %d" % (_quoted(name), len(name), MAX_NAME)
    if not _NAME_RE.match(name) or "\n" in name:
        return ("model name %s cannot hold path or other special characters: use letters, digits, \".\", \"_\" "
                "and \"-\", starting with a letter or digit" % _quoted(name))
    if name.endswith("."):
        return "model name %s cannot end with \".\"" % _quoted(name)
    if _DEVICE_RE.match(name):
        return "model name %s is a reserved device name on Windows" % _quoted(name)
    return None


def alias_problem(alias):
    if not isinstance(alias, str) or alias == "":
        return "an alias must be a non-empty string"
    if len(alias) > MAX_ALIAS:
        return "alias %s is %d characters long; the limit is %d" % (_quoted(alias), len(alias), MAX_ALIAS)
    if not _ALIAS_RE.match(alias) or "\n" in alias:
        return "alias %s: use letters, digits, \".\", \"_\" and \"-\", starting with a letter" % _quoted(alias)
    if alias == "latest":
        return "alias \"latest\" is reserved: a model name alone means its latest version"
    return None


def _check(problem):
    if problem is not None:
        raise ModelError(problem)


def _who():
    try:
        return getpass.getuser()
    except Exception:
        return None


def _inside(base, path):
    """The real path of ``path`` when it is inside ``base`` (symlinks followed on both sides), else None."""
    real_base = os.path.realpath(base)
    real = os.path.realpath(path)
    if real != real_base and real.startswith(real_base.rstrip(os.sep) + os.sep):
        return real
    return None


def _plain(rel):
    if not isinstance(rel, str) or rel == "" or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        return False
    if re.match(r"^[a-zA-Z]:", rel):
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def _append_line(path, value):
    """One whole line in one write; a torn last line from a killed writer is closed off first."""
    line = json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"
    # "a+b" opens with O_APPEND (every write lands at the end, whatever was read) and works on Windows too.
    with open(path, "a+b", buffering=0) as f:
        size = f.seek(0, os.SEEK_END)
        prefix = b""
        if size > 0:
            f.seek(size - 1)
            if f.read(1) != b"\n":
                prefix = b"\n"
        f.write(prefix + line)


def _read_lines(path, problems):
    out = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return out
    lines = data.split(b"\n")[:-1]  # a last line without "\n" is still being written
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            problems.append("%s:%d: not valid JSON" % (path, i + 1))
            continue
        if type(rec) is not dict:
            problems.append("%s:%d: not a JSON object" % (path, i + 1))
            continue
        out.append(rec)
    return out


def _read_log(run_dir):
    """The run-level parts of a log the registry copies: start, flattened params and summary, logged artifacts."""
    path = os.path.join(run_dir, "events.jsonl")
    info = read_run(path)
    if info is None:
        raise ModelError("no run log at %s" % path)
    start, artifacts = {}, {}
    with open(path, "rb") as f:
        for raw in f:
            if not raw.endswith(b"\n") or raw.startswith(_SKIP):
                continue
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            if type(rec) is not dict:
                continue
            if rec.get("t") == "start" and not start:
                start = rec
            elif rec.get("t") == "artifact" and isinstance(rec.get("path"), str):
                artifacts[rec["path"]] = rec
    summary = merge_flat({}, flatten(info.summary)) if info.summary else {}
    return info, start, artifacts, summary


def _resolve_artifact(run, run_dir, path):
    """The file's path relative to the run folder; a live run logs a file from outside its folder first."""
    fspath = os.fspath(path)
    candidates = []
    if not os.path.isabs(fspath):
        candidates.append(os.path.join(run_dir, fspath))
    candidates.append(os.path.abspath(fspath))
    for c in candidates:
        if os.path.isfile(c):
            real = _inside(run_dir, c)
            if real is not None:
                return os.path.relpath(real, os.path.realpath(run_dir)).replace(os.sep, "/")
    if hasattr(run, "log_artifact") and os.path.isfile(fspath):
        rel = run.log_artifact(fspath, kind="model")
        if rel is None:
            raise ModelError("could not save %s as an artifact of run %s" % (_quoted(fspath, 200), run.id))
        return rel
    raise ModelError("run %s has no file %s inside its folder" % (getattr(run, "id", run), _quoted(fspath, 200)))


def _run_and_root(run, dir):
    if hasattr(run, "dir") and hasattr(run, "id"):
        root = getattr(run, "root", None) or os.path.dirname(os.path.dirname(run.dir))
        return root, run.dir, run.id
    run_id = str(run)
    if not RUN_ID_RE.match(run_id):
        raise ModelError("run id %s is not a run id" % _quoted(run_id))
    root = resolve_root(dir)
    return root, os.path.join(root, "runs", run_id), run_id


def register_model(run, path, name, alias=None, copy=False, description=None, tags=None, reason=None, dir=None):
    """Register a run's file as the next version of the model ``name`` and return it (see :func:`get_model`).

    ``run`` is a :class:`Run` (flushed first; a file outside its folder is logged as an artifact first) or a run
    id (under ``dir`` or the default root). ``path`` is a path relative to the run folder, or a file inside it.
    ``copy=True`` keeps a copy of the file under ``models/<name>/files/<n>/``; ``alias`` (``"champion"``,
    ``"staging"``, …) is moved to the new version.
    """
    _check(name_problem(name))
    if alias is not None:
        _check(alias_problem(alias))
    root, run_dir, run_id = _run_and_root(run, dir)
    rel = _resolve_artifact(run, run_dir, path)
    if hasattr(run, "flush"):
        run.flush()
    info, start, logged, summary = _read_log(run_dir)
    source = os.path.join(run_dir, *rel.split("/"))
    model_dir = os.path.join(root, "models", name)
    versions = os.path.join(model_dir, "versions")
    os.makedirs(versions, exist_ok=True)
    n = max([int(m.group(1)) for m in map(_VERSION_FILE_RE.match, os.listdir(versions)) if m] or [0]) + 1
    while True:
        claimed = os.path.join(versions, "%d.json" % n)
        try:
            fd = os.open(claimed, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            n += 1
    copy_dir = os.path.join(model_dir, "files", str(n))
    try:
        target, file_rel = source, os.path.relpath(source, root).replace(os.sep, "/")
        if copy:
            os.makedirs(copy_dir)
            target = os.path.join(copy_dir, os.path.basename(source))
            shutil.copyfile(source, target)
            file_rel = "/".join(["models", name, "files", str(n), os.path.basename(source)])
        size, sha = file_digest(target)
        was = logged.get(rel, {}).get("sha256")
        if isinstance(was, str) and was != sha:
            raise ModelError("%s changed since run %s logged it (sha256 %s…, logged %s…): not registered"
                             % (rel, run_id, sha[:12], was[:12]))
        env = start.get("env") if type(start.get("env")) is dict else {}
        git = env.get("git") if type(env.get("git")) is dict else {}
        record = {"format": MODEL_FORMAT, "name": name, "version": n, "ts": time.time(), "by": _who(),
                  "host": socket.gethostname(), "run": run_id, "run_name": info.name, "project": info.project,
                  "parent": info.parent, "artifact": rel, "file": file_rel, "copied": bool(copy), "size": size,
                  "sha256": sha, "commit": git.get("commit"), "dirty": git.get("dirty"),
                  "description": None if description is None else str(description),
                  "tags": [str(t) for t in (tags or [])], "params": info.params, "summary": summary,
                  "metrics": {}, "env": env}
        record = {k: v for k, v in record.items() if v is not None}
        data = (json.dumps(record, ensure_ascii=True, allow_nan=False, indent=1) + "\n").encode("ascii")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.close(fd)
        fd = None
    except BaseException:
        if fd is not None:
            os.close(fd)
        # Nothing was published under this number: give it back rather than leave an empty claim.
        os.unlink(claimed)
        shutil.rmtree(copy_dir, ignore_errors=True)
        raise
    if alias is not None:
        move_alias(name, n, alias, reason=reason or "registered", dir=root)
    return get_model("%s:%d" % (name, n), dir=root)


def move_alias(name, version, alias, reason=None, dir=None):
    """Point ``alias`` at ``version`` of ``name`` (None removes it); refuses a version that does not exist."""
    _check(name_problem(name))
    _check(alias_problem(alias))
    root = resolve_root(dir)
    if version is not None:
        model = read_model(name, dir=root)
        if not any(v["version"] == version for v in model["versions"]):
            raise ModelError("model %s has no version %s" % (name, version))
    move = {"ts": time.time(), "alias": alias, "version": version, "by": _who()}
    if reason is not None:
        move["reason"] = str(reason)
    _append_line(os.path.join(root, "models", name, "aliases.jsonl"), move)


def _version_record(rec, name, n):
    if type(rec) is not dict:
        raise ValueError("not a JSON object")
    if rec.get("format") != MODEL_FORMAT:
        raise ValueError("\"format\" is not %d" % MODEL_FORMAT)
    if rec.get("name") != name or rec.get("version") != n:
        raise ValueError("\"name\" or \"version\" does not match its file")
    if not isinstance(rec.get("run"), str) or not RUN_ID_RE.match(rec["run"]):
        raise ValueError("\"run\" is not a run id")
    if not _plain(rec.get("file")) or not _plain(rec.get("artifact")):
        raise ValueError("\"file\" or \"artifact\" is not a plain relative path")
    if type(rec.get("size")) is not int or rec["size"] < 0:
        raise ValueError("\"size\" is not a byte count")
    if not isinstance(rec.get("sha256"), str) or not _SHA_RE.match(rec["sha256"]):
        raise ValueError("\"sha256\" is not 64 lower-case hex digits")
    return rec


def read_model(name, dir=None):
    """Everything recorded about ``name``: ``{"versions": [record…], "aliases": {alias: n}, "problems": […]}``."""
    _check(name_problem(name))
    root = resolve_root(dir)
    model_dir = os.path.join(root, "models", name)
    problems, versions = [], []
    try:
        names = os.listdir(os.path.join(model_dir, "versions"))
    except FileNotFoundError:
        names = []
    numbers = sorted(int(m.group(1)) for m in map(_VERSION_FILE_RE.match, names) if m)
    for n in numbers:
        path = os.path.join(model_dir, "versions", "%d.json" % n)
        try:
            with open(path, "rb") as f:
                data = f.read()
            if not data:
                problems.append("%s: empty: a registration in progress, or one whose writer stopped" % path)
                continue
            versions.append(_version_record(json.loads(data), name, n))
        except (OSError, ValueError) as e:
            problems.append("%s: %s" % (path, e))
    aliases = {}
    for move in _read_lines(os.path.join(model_dir, "aliases.jsonl"), problems):
        a, v = move.get("alias"), move.get("version")
        if not isinstance(a, str) or alias_problem(a) is not None:
            continue
        if v is None:
            aliases.pop(a, None)
        elif type(v) is int and v >= 1:
            aliases[a] = v
    return {"name": name, "root": root, "versions": versions, "aliases": aliases, "problems": problems}


class ModelVersion(object):
    """One registered version: ``path`` (absolute) and ``sha256`` are what serving code loads and checks."""

    __slots__ = ("name", "version", "path", "sha256", "size", "run", "aliases", "status", "record")

    def __init__(self, name, record, path, aliases, status):
        self.name = name
        self.version = record["version"]
        self.path = path
        self.sha256 = record["sha256"]
        self.size = record["size"]
        self.run = record["run"]
        self.aliases = aliases
        self.status = status
        self.record = record

    def __repr__(self):
        return "<ModelVersion %s:%d %s %s>" % (self.name, self.version, self.status, self.path)


def parse_ref(ref):
    """``name``, ``name@alias`` or ``name:3`` → (name, alias, version)."""
    if not isinstance(ref, str):
        raise ModelError("a model reference must be a string like \"name@champion\" or \"name:3\"")
    if "@" in ref:
        name, alias = ref.split("@", 1)
        _check(name_problem(name))
        _check(alias_problem(alias))
        return name, alias, None
    if ":" in ref:
        name, text = ref.split(":", 1)
        _check(name_problem(name))
        if not re.match(r"^[1-9][0-9]{0,8}$", text):
            raise ModelError("model reference %s: the version after \":\" must be a whole number from 1" % _quoted(ref))
        return name, None, int(text)
    _check(name_problem(ref))
    return ref, None, None


def file_status(root, record):
    """("ok" | "changed" | "missing", absolute path, reason)."""
    joined = os.path.join(root, *record["file"].split("/"))
    real = _inside(root, joined)
    if real is None or not os.path.isfile(real):
        return "missing", joined, "%s is missing, or leads outside %s" % (record["file"], root)
    size = os.path.getsize(real)
    if size != record["size"]:
        return "changed", real, "%s is %d bytes; %d were registered" % (record["file"], size, record["size"])
    _, sha = file_digest(real)
    if sha != record["sha256"]:
        return "changed", real, "%s has sha256 %s…; %s… was registered" % (record["file"], sha[:12], record["sha256"][:12])
    return "ok", real, None


def get_model(ref, dir=None, verify=True):
    """The version ``ref`` names (``"name@champion"``, ``"name:3"``, ``"name"`` for the latest), with its file
    checked: raises :class:`ModelFileError` when the file is missing or its size or sha256 changed since it was
    registered (``verify=False`` returns it with ``status`` set instead)."""
    name, alias, version = parse_ref(ref)
    model = read_model(name, dir=dir)
    if not model["versions"]:
        raise ModelError("no model named %s under %s" % (_quoted(name), model["root"]))
    if alias is not None:
        if alias not in model["aliases"]:
            raise ModelError("model %s has no alias %s" % (name, _quoted(alias)))
        version = model["aliases"][alias]
    if version is None:
        version = model["versions"][-1]["version"]
    record = next((v for v in model["versions"] if v["version"] == version), None)
    if record is None:
        raise ModelError("model %s has no version %d" % (name, version))
    status, path, reason = file_status(model["root"], record)
    if verify and status != "ok":
        raise ModelFileError("%s:%d: %s" % (name, version, reason))
    aliases = sorted(a for a, v in model["aliases"].items() if v == version)
    return ModelVersion(name, record, path, aliases, status)
