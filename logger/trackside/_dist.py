"""Distributed jobs: which rank this process is, and the run id every rank of its job agrees on.

No rank talks to another: each reads what its launcher put in the environment (torchrun, SLURM, Open MPI, PMI)
and hashes the job's identity into the same run id. Each rank then appends to its own segment file of that run
(see docs/log-format.md, "Distributed runs"), so every file has one writer, which is what a network file system
needs.
"""

import hashlib
import os
import re
import socket

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _int(env, name):
    text = env.get(name)
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def _rank_from_env(env):
    """(rank, world_size, local_rank, launcher) from the first launcher whose variables are all there."""
    rank, world = _int(env, "RANK"), _int(env, "WORLD_SIZE")
    if rank is not None and world is not None:
        launcher = "torchrun" if env.get("TORCHELASTIC_RUN_ID") else "env"
        return rank, world, _int(env, "LOCAL_RANK"), launcher
    rank, world = _int(env, "OMPI_COMM_WORLD_RANK"), _int(env, "OMPI_COMM_WORLD_SIZE")
    if rank is not None and world is not None:
        return rank, world, _int(env, "OMPI_COMM_WORLD_LOCAL_RANK"), "mpi"
    rank, world = _int(env, "PMI_RANK"), _int(env, "PMI_SIZE")
    if rank is not None and world is not None:
        return rank, world, _int(env, "MPI_LOCALRANKID"), "mpi"
    rank, world = _int(env, "SLURM_PROCID"), _int(env, "SLURM_NTASKS")
    if rank is not None and world is not None:
        return rank, world, _int(env, "SLURM_LOCALID"), "slurm"
    return None


def _job_key(env):
    """What names the job, in the contract's order; None when the launcher gave no job id at all."""
    elastic = env.get("TORCHELASTIC_RUN_ID")
    if elastic and elastic != "none":  # torchrun's default rdzv id is the literal "none": not a job id
        return "torchrun", elastic
    if env.get("SLURM_ARRAY_JOB_ID") and env.get("SLURM_ARRAY_TASK_ID"):
        return "slurm", "%s_%s" % (env["SLURM_ARRAY_JOB_ID"], env["SLURM_ARRAY_TASK_ID"])
    if env.get("SLURM_JOB_ID"):
        # Two srun steps of one allocation are two jobs.
        step = env.get("SLURM_STEP_ID")
        return "slurm", env["SLURM_JOB_ID"] + ("." + step if step else "")
    for name in ("PMIX_NAMESPACE", "OMPI_MCA_ess_base_jobid", "OMPI_MCA_orte_ess_jobid", "PMI_JOBID"):
        if env.get(name):
            return "mpi", env[name]
    return None


def launch_info(env=None):
    """The rank block for this process when a launcher started it as one of several (world size > 1), else None.

    Keys: rank, world_size, local_rank, launcher, job (the launcher's job id, or the tie-breaker used), restart
    (torchrun's TORCHELASTIC_RESTART_COUNT), and run_id: the same in every rank of the job.
    """
    env = os.environ if env is None else env
    found = _rank_from_env(env)
    if found is None:
        return None
    rank, world, local, launcher = found
    if world < 2 or not 0 <= rank < world:
        return None
    key = _job_key(env)
    master = "%s:%s" % (env.get("MASTER_ADDR", ""), env.get("MASTER_PORT", ""))
    if key is None:
        # No job id: the rendezvous address tells this job from another running at the same time. A launcher
        # without one either (a bare mpirun) leaves the parent process on this host: all ranks of a one-host job.
        if master != ":":
            key = ("master", master)
        else:
            key = ("local", "%s-%d" % (socket.gethostname(), os.getppid()))
    kind, job = key
    explicit = env.get("TRACKSIDE_RUN_ID")
    if explicit:
        run_id = explicit
    else:
        # Readable (launcher and job id) and unique (a hash of everything that named the job, and the tie-breaker
        # even when a job id exists, so "none"-like ids reused by two jobs at once still part).
        digest = hashlib.sha256(("%s\n%s\n%s" % (kind, job, master)).encode("utf-8")).hexdigest()[:8]
        label = _SAFE.sub("-", job).strip("-._")[:40]
        run_id = "%s-%s-%s" % (kind, label, digest) if label else "%s-%s" % (kind, digest)
    out = {"rank": rank, "world_size": world, "local_rank": local, "launcher": launcher, "job": job,
           "run_id": run_id}
    restart = _int(env, "TORCHELASTIC_RESTART_COUNT")
    if restart is not None:
        out["restart"] = restart
    return out


def segment_name(rank):
    """Rank 0 writes the log a single process would (old readers still see it); rank N its own segment."""
    return "events.jsonl" if rank == 0 else "events.rank-%d.jsonl" % rank


def all_ranks_from_env(env=None):
    env = os.environ if env is None else env
    return env.get("TRACKSIDE_ALL_RANKS", "") not in ("", "0")


def process_info():
    """Who writes this log, so a reader on the same machine can tell a dead writer at once: host, pid, the pid's
    start time (field 22 of /proc/<pid>/stat: a reused pid has another) and the boot it belongs to."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "pid_start": _pid_start(pid), "boot_id": _boot_id(),
            "pid_ns": _pid_ns()}


def _pid_ns():
    # A container sharing the host's name and kernel (boot id) still numbers its processes apart: a reader in
    # another pid namespace must not look this pid up in its own /proc.
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return None


def _pid_start(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            text = f.read().decode("ascii", "replace")
        # The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
        return int(text[text.rindex(")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _boot_id():
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip() or None
    except OSError:
        return None
