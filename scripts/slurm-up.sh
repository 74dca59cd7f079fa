#!/usr/bin/env bash
# Starts a single-node SLURM (controller and compute on this host) for the sweep tests and .ci/run.
# Idempotent: installs slurm-wlm and munge when missing, starts munged, slurmctld and slurmd when they are not
# running, and waits until `sinfo` shows the node idle. Fails loudly (non-zero exit, the reason on stderr).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
log() { echo "slurm-up: $*" >&2; }

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || { log "slurm-wlm and munge are missing and installing them needs root"; exit 1; }
  log "installing slurm-wlm munge"
  # Another process may hold the dpkg lock (a parallel apt-get): wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq || true
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge >&2
fi

mkdir -p /etc/munge /var/log/munge /run/munge /var/lib/munge /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /etc/slurm
[ -f /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge
chmod 400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged --force
fi

host=$(hostname)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) - 1024 ))
conf=/etc/slurm/slurm.conf
want=$(cat <<CONF
# Written by trackside scripts/slurm-up.sh: a single-node cluster for tests.
ClusterName=local
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
KillWait=5
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$want" ]; then
  printf '%s\n' "$want" > "$conf"
  # A changed configuration needs fresh daemons.
  if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
    scontrol shutdown >/dev/null 2>&1 || true
    for _ in $(seq 50); do pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break; sleep 0.2; done
  fi
fi

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 60); do
  state=$(sinfo -h -o '%T' 2>/dev/null | head -1 || true)
  case "$state" in
    idle|mixed|allocated) exit 0 ;;
    down*|drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
log "SLURM did not come up (sinfo: ${state:-no answer}); see /var/log/slurm/slurmctld.log and slurmd.log"
exit 1
