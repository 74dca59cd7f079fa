"""``run.log_artifact``: copying a file or folder into the run folder and describing it in a record."""

import hashlib
import os
import shutil
import time

from ._env import file_digest
from ._warn import warn

_MODEL_EXT = {".pt", ".pth", ".ckpt", ".safetensors", ".onnx", ".h5", ".keras", ".pkl", ".joblib", ".bin", ".gguf"}
_IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}


def save_artifact(run_dir, path, kind, name):
    """Copy ``path`` into ``run_dir/artifacts`` (unless it is inside the run folder already) and return its
    ``artifact`` record, or None (with a warning) when there is nothing at ``path``."""
    src = os.path.abspath(path)
    if not os.path.exists(src):
        warn("artifact %r not saved: no such file or folder" % (path,))
        return None
    real_run_dir = os.path.realpath(run_dir)
    real = os.path.realpath(src)
    if real == real_run_dir or real.startswith(real_run_dir + os.sep):
        rel = os.path.relpath(real, real_run_dir)
        dest = real
    else:
        base = _safe_name(name or os.path.basename(src.rstrip(os.sep)) or "artifact")
        rel = _unique(os.path.join(run_dir, "artifacts"), base)
        dest = os.path.join(run_dir, rel)
    record = {"t": "artifact", "ts": time.time(), "path": rel.replace(os.sep, "/"),
              "kind": kind or infer_kind(src)}
    if os.path.isdir(src):
        if dest != real:
            shutil.copytree(src, dest)
        record["size"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(dest) for f in fs)
    else:
        if dest != real:
            record["size"], record["sha256"] = _copy_hashing(src, dest)
        else:
            record["size"], record["sha256"] = file_digest(dest)
    if dest != real:
        record["source"] = src
    return record


def infer_kind(path):
    if os.path.isdir(path):
        return "folder"
    ext = os.path.splitext(path)[1].lower()
    if ext in _MODEL_EXT:
        return "model"
    if ext in _IMAGE_EXT:
        return "image"
    if ext in (".diff", ".patch"):
        return "diff"
    return "file"


def _safe_name(name):
    name = name.replace(os.sep, "_").replace("/", "_").strip() or "artifact"
    return "_" + name if name.startswith(".") else name


def _unique(folder, base):
    stem, ext = os.path.splitext(base)
    candidate, n = base, 1
    while os.path.exists(os.path.join(folder, candidate)):
        candidate = "%s-%d%s" % (stem, n, ext)
        n += 1
    return os.path.join("artifacts", candidate)


def _copy_hashing(src, dest):
    h = hashlib.sha256()
    size = 0
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while True:
            block = fin.read(1 << 20)
            if not block:
                break
            h.update(block)
            fout.write(block)
            size += len(block)
    shutil.copystat(src, dest)
    return size, h.hexdigest()
